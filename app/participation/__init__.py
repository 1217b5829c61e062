"""Participation the city organises: activities, volunteers, facility open days, consultations and suggestions."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them)."""
    from app.participation import models  # noqa: F401
    _init_consultations(app)


def _init_consultations(app: Flask) -> None:
    """Consultations and suggestions: the public pages and the back office, with their menu entries."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.participation import consultation_admin_views, consultation_views
    from app.web.nav import add_public, add_staff

    app.register_blueprint(consultation_views.bp)
    app.register_blueprint(consultation_views.standing)
    app.register_blueprint(consultation_admin_views.bp)
    app.register_blueprint(consultation_admin_views.suggestions_bp)
    add_public(app, "consultations.index", _l("Consultations"), _l("Give your opinion on the city's plans"),
               in_menu=False)
    add_staff(app, "consultations_admin.index", _l("Consultations"), Permission.PARTICIPATION_ORGANISE)
    add_staff(app, "suggestions_admin.queue", _l("Suggestions to answer"), Permission.PARTICIPATION_ORGANISE)
    add_staff(app, "suggestions_admin.moderation", _l("Suggestions to moderate"), Permission.PARTICIPATION_MODERATE)

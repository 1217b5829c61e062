"""Participation the city organises: activities, volunteers, facility open days, consultations and suggestions."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them) and register each part's pages."""
    from app.participation import models  # noqa: F401
    _init_figures(app)
    _init_activities(app)


def _init_figures(app: Flask) -> None:
    """The landing page and the yearly figures; the figures as evidence beside the survey's participation
    indicator (38)."""
    from flask_babel import lazy_gettext as _l

    from app.indicators.evidence import register_evidence
    from app.participation import evidence, views
    from app.web.nav import add_public

    app.register_blueprint(views.bp)
    add_public(app, "participation.index", _l("Take part"),
               _l("Activities to sign up for, facility open days, consultations and suggestions, and what residents "
                  "did."))
    register_evidence(evidence.PROVIDER_KEY, evidence.participation_evidence)


def _init_activities(app: Flask) -> None:
    """Activities and sign-ups: the public pages and the organisers' back office."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.participation import activity_admin_views, activity_views
    from app.web.nav import add_staff

    app.register_blueprint(activity_views.bp)
    app.register_blueprint(activity_admin_views.bp)
    add_staff(app, "activities_admin.index", _l("Activities"), Permission.PARTICIPATION_ORGANISE,
              _l("Your bureau's activities: publish, cancel, check people in at the door, close with the record."))

"""Participation the city organises: activities, volunteers, facility open days, consultations and suggestions."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them) and register each part's pages."""
    from app.participation import models  # noqa: F401
    _init_figures(app)


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

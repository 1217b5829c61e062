"""The rectification ledger (督察整改): inspection feedback lists as tasks with responsible units, progress
reports, acceptance, a public notice with objections, and closure (销号), in public."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), then each part's routes and commands."""
    from app.rectification import models  # noqa: F401
    _init_public(app)


def _init_public(app: Flask) -> None:
    """The public ledger, its cache and feed, the downloads, and the office's tip links (转办); the tips' pages ask
    for the tasks a tip was handed over to through the template global `rectification_tasks_for_tip(tip)`."""
    from flask_babel import lazy_gettext as _l

    from app.rectification import cache  # noqa: F401  (its session listeners keep the ledger's generation)
    from app.rectification import tip_link_views, views
    from app.web.nav import add_public

    app.register_blueprint(views.bp)
    app.register_blueprint(tip_link_views.bp)
    app.add_template_global(views.tasks_for_tip, "rectification_tasks_for_tip")
    add_public(app, "rectification.index", _l("Rectification ledger"),
               _l("The problems environmental inspections found in the city, who fixes each, by when, and how far "
                  "they have come."))

"""The rectification ledger (督察整改): inspection feedback lists as tasks with responsible units, progress
reports, acceptance, a public notice with objections, and closure (销号), in public."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), then each part's routes and commands."""
    from app.rectification import models  # noqa: F401
    _init_admin(app)


def _init_admin(app: Flask) -> None:
    """The back office of the ledger: rounds, the import of feedback lists, the task lists and a task's page."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.rectification import admin_views
    from app.web.nav import add_staff

    app.register_blueprint(admin_views.bp)
    add_staff(app, "rectification_admin.index", _l("Rectification ledger"), Permission.RECTIFICATION_REPORT,
              _l("Inspection rounds and their tasks: import the feedback list, follow each task and its units."))

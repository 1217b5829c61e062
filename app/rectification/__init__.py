"""The rectification ledger (督察整改): inspection feedback lists as tasks with responsible units, progress
reports, acceptance, a public notice with objections, and closure (销号), in public."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), then each part's routes and commands."""
    from app.rectification import models  # noqa: F401
    _init_closure(app)


def _init_closure(app: Flask) -> None:
    """Closure (销号): the office's closure panels and queue, the public objection form and the objector's page."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.rectification import closure_views, objection_views
    from app.web.nav import add_staff

    app.register_blueprint(closure_views.bp)
    app.register_blueprint(objection_views.bp)
    add_staff(app, "rectification_closure.queue", _l("Ledger closures"), Permission.RECTIFICATION_MANAGE,
              _l("Closure applications to check, tasks in public notice, objections to answer."))

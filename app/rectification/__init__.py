"""The rectification ledger (督察整改): inspection feedback lists as tasks with responsible units, progress
reports, acceptance, a public notice with objections, and closure (销号), in public."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), then each part's routes and commands."""
    from app.rectification import models  # noqa: F401
    _init_admin(app)
    _init_reports(app)
    _init_closure(app)
    _init_public(app)


def _init_reports(app: Flask) -> None:
    """Progress reports and their review, the overdue board with 督办, the monthly report; their menu entries."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.rectification import board_views, monthly_views, report_views
    from app.web.nav import add_staff

    app.register_blueprint(report_views.bp)
    app.register_blueprint(board_views.bp)
    app.register_blueprint(monthly_views.bp)
    add_staff(app, "rectification_reports.due", _l("Rectification reports due"), Permission.RECTIFICATION_REPORT,
              _l("The rectification tasks your bureau leads: progress reports due, and the office's urgings."))
    add_staff(app, "rectification_reports.queue", _l("Rectification reports to review"),
              Permission.RECTIFICATION_MANAGE, _l("Progress reports awaiting review, the longest waiting first."))
    add_staff(app, "rectification_board.board", _l("Rectification overdue board"), Permission.RECTIFICATION_MANAGE,
              _l("Tasks being rectified in three colours, with urgings to the lead units."))
    add_staff(app, "rectification_monthly.page", _l("Rectification monthly report"),
              Permission.RECTIFICATION_MANAGE, _l("Progress by unit and by district in a month, as a page and DOCX."))


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


def _init_admin(app: Flask) -> None:
    """The back office of the ledger: rounds, the import of feedback lists, the task lists and a task's page."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.rectification import admin_views
    from app.web.nav import add_staff

    app.register_blueprint(admin_views.bp)
    add_staff(app, "rectification_admin.index", _l("Rectification ledger"), Permission.RECTIFICATION_REPORT,
              _l("Inspection rounds and their tasks: import the feedback list, follow each task and its units."))


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

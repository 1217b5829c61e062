"""The tips pages as the app registers them: the public pages, the exposure board and the back office, with their
menu entries. Neither view module imports the other; this one brings them together."""
from flask_babel import lazy_gettext as _l

from app.accounts.permissions import Permission
from app.tips import admin_views, views
from app.web.nav import add_public, add_staff
from app.workdays import admin_views as calendar_admin


def init_app(app) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(views.exposure_bp)
    app.register_blueprint(admin_views.bp)
    add_public(app, "tips.new", _l("Report pollution"),
               _l("Tell us about pollution in a minute, anonymously if you wish, and follow your report to its end."))
    add_public(app, "tips.index", _l("Pollution reports and statistics"),
               _l("Every report, without personal details, with its status, a map and the handling statistics."))
    add_public(app, "exposure.exposure", _l("Exposure board"),
               _l("Verified pollution cases and what was done about them."), in_menu=False)
    add_staff(app, "tips_admin.overdue", _l("Overdue tips"), Permission.TIPS_SUPERVISE,
              _l("Tips past their deadline by bureau, with escalation (督办)."))
    add_staff(app, "tips_admin.queue", _l("Pollution tips"), Permission.TIPS_HANDLE,
              _l("Accept, assign, investigate and conclude tips, with the deadline of each in colour."))
    # The calendar page came with the tips (its deadlines first counted working days); registered here, after the
    # tips' entries, so the staff menu keeps its order. It belongs in app._register_blueprints.
    calendar_admin.init_app(app)

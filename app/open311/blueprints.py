"""The Open311 API and its back office as the app registers them, with the menu entry. Neither view module imports
the other; this one brings them together."""
from flask_babel import lazy_gettext as _l

from app.accounts.permissions import Permission
from app.open311 import admin_views, views
from app.web.nav import add_staff


def init_app(app) -> None:
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    add_staff(app, "open311_admin.keys", _l("Open311 API keys"), Permission.OPEN311_MANAGE,
              _l("Issue and revoke the keys client applications use to send reports through Open311."))

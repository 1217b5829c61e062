"""Application factory for the public participation platform."""
import logging

from flask import Flask, request
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as settings
from app import database
from app.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from app.i18n import LOCALE_COOKIE, normalize_locale, select_locale
from app.web import params, replica


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings (tests pass a database URL and TESTING)."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    app.config.from_object(settings.Config)
    if config:
        app.config.update(config)
    settings.finalize(app.config)
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"],
                                x_host=app.config["PROXY_COUNT"])
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
        if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
            app.logger.warning("Rate limits are counted in process memory: run one worker process (with threads), "
                               "or set RATELIMIT_STORAGE_URI=redis://… so that workers share them.")

    _init_extensions(app)
    params.init_app(app)  # bounded <int:> converter and cleaned parameters, before any route is added
    _register_blueprints(app)
    _register_hooks(app)

    from app import cli
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    from app.notices.search import include_name

    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, include_name=include_name)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    limiter.init_app(app)
    htmx.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            database.init_app(app, engine)
    replica.init_app(app, db)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers and enforced foreign keys (the lock wait is DB_LOCK_TIMEOUT)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _register_blueprints(app: Flask) -> None:
    from app.accounts import admin_views as accounts_admin
    from app.accounts import views as accounts
    from app.admin import views as admin
    from app.indicators import api as indicators_api
    from app.org import admin_views as org_admin
    from app import (disclosure, environment, indicators, jobs, notices, notifications, participation, rectification,
                     surveys)
    from app.open311 import blueprints as open311
    from app.tips import blueprints as tips
    from app.web import auth  # noqa: F401  (registers the user loader)
    from app.web import errors, filters
    from app.web import views as web
    from app.workdays import admin_views as workdays_admin

    for module in (web, accounts, admin, accounts_admin, org_admin, indicators_api, workdays_admin):
        app.register_blueprint(module.bp)
    indicators.init_app(app)
    surveys.init_app(app)
    tips.init_app(app)
    open311.init_app(app)
    disclosure.init_app(app)
    notices.init_app(app)
    environment.init_app(app)
    participation.init_app(app)
    rectification.init_app(app)
    notifications.init_app(app)
    jobs.init_app(app)  # after the domains, which register their job kinds
    errors.init_app(app)
    filters.init_app(app)
    _register_staff_nav(app)


def _register_staff_nav(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.web.nav import add_staff

    add_staff(app, "org_admin.places", _l("City and districts"), Permission.ORG_MANAGE,
              _l("Districts and the attributes their indicator targets depend on."))
    add_staff(app, "org_admin.bureau_list", _l("Bureaus"), Permission.ORG_MANAGE,
              _l("The responsible units that lead indicators and handle cases."))
    add_staff(app, "accounts_admin.index", _l("Staff accounts"), Permission.USERS_MANAGE,
              _l("Accounts, roles and passwords."))
    add_staff(app, "disclosure_admin.queue", _l("Disclosure requests"), Permission.DISCLOSURE_HANDLE,
              _l("Register, complete, extend and answer requests for information, with the deadline in colour."))
    add_staff(app, "admin.audit_log", _l("Audit log"), Permission.AUDIT_VIEW,
              _l("Every privileged action: who, what, when and from where."))


def _register_hooks(app: Flask) -> None:
    from app.web.security import set_security_headers

    @app.after_request
    def remember_language(response):
        chosen = normalize_locale(request.args.get("lang"))
        if chosen and request.cookies.get(LOCALE_COOKIE) != chosen:
            response.set_cookie(LOCALE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                                secure=request.is_secure)
        return response

    app.after_request(set_security_headers)

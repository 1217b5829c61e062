"""Requests for government information disclosure (依申请公开): the application, its handling and its figures."""


def init_app(app) -> None:
    """Register the domain's public, staff and yearly-report pages and its place in the public menu."""
    from flask_babel import lazy_gettext as _l

    from app.disclosure import admin_views, annual_views, views
    from app.web.nav import add_public

    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(annual_views.bp)
    add_public(app, "disclosure.new", _l("Request government information"),
               _l("Apply for government information online (依申请公开); you get an answer within 20 working days."),
               in_menu=False)

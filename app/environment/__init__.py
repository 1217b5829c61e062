"""Environmental quality: monitoring sites, data in, evaluation by the national standards, public pages."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), then each part's routes and hooks."""
    from app.environment import models  # noqa: F401
    from app.environment import alerts, open_data, water_views

    app.register_blueprint(water_views.bp)
    app.register_blueprint(open_data.bp)
    app.register_blueprint(open_data.api)
    alerts.init_app(app)
    _init_data(app)
    register_air_pages(app)
    _init_bulletin(app)


def _init_bulletin(app: Flask) -> None:
    """The indicator providers (7, 8, 25) and the yearly bulletin's page and DOCX."""
    from app.environment import bulletin_views, providers

    providers.register()
    bulletin_views.init_app(app)


def _init_data(app: Flask) -> None:
    """Data in: the stations' push API, the back office (sites, imports, keys), its staff-menu entry and the
    `flask environment-rebuild` command."""
    import click
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.environment import admin_views, ingest
    from app.web.nav import add_staff

    app.register_blueprint(ingest.bp)
    app.register_blueprint(admin_views.bp)
    add_staff(app, "environment_admin.index", _l("Environmental monitoring data"), Permission.ENVIRONMENT_EDIT,
              _l("Air stations, water sections and drinking-water sources; imports, station keys and revisions."))

    @app.cli.command("environment-rebuild")
    def environment_rebuild() -> None:
        """Rebuild the station-days, the city's and districts' days, months and years from the stored values."""
        from app.environment import aggregation
        from app.extensions import db

        aggregation.rebuild_all(db.session)
        db.session.commit()
        click.echo("Station-days, place-days and periods rebuilt.")


def register_air_pages(app: Flask) -> None:
    """The public air pages and the site map, with the menu entry 环境质量."""
    from flask_babel import lazy_gettext as _l

    from app.environment import views
    from app.web.nav import add_public

    app.register_blueprint(views.bp)
    add_public(app, "environment.index", _l("Environmental quality"),
               _l("Today's air in the city and at every station, the air's history and the district ranking, "
                  "water quality and a map of the monitoring sites."))

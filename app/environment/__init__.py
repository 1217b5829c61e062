"""Environmental quality: monitoring sites, data in, evaluation by the national standards, public pages."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them)."""
    from app.environment import models  # noqa: F401

    register_air_pages(app)


def register_air_pages(app: Flask) -> None:
    """The public air pages and the site map, with the menu entry 环境质量."""
    from flask_babel import lazy_gettext as _l

    from app.environment import views
    from app.web.nav import add_public

    app.register_blueprint(views.bp)
    add_public(app, "environment.index", _l("Environmental quality"),
               _l("Today's air in the city and at every station, the air's history and the district ranking, "
                  "water quality and a map of the monitoring sites."))

"""Environmental quality: monitoring sites, data in, evaluation by the national standards, public pages."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them)."""
    from app.environment import models  # noqa: F401
    from app.environment import alerts, open_data, water_views

    app.register_blueprint(water_views.bp)
    app.register_blueprint(open_data.bp)
    app.register_blueprint(open_data.api)
    alerts.init_app(app)

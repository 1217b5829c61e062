"""Environmental quality: monitoring sites, data in, evaluation by the national standards, public pages."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), register the indicator providers and the
    yearly bulletin."""
    from app.environment import bulletin_views, models, providers  # noqa: F401

    providers.register()
    bulletin_views.init_app(app)

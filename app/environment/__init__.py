"""Environmental quality: monitoring sites, data in, evaluation by the national standards, public pages."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them)."""
    from app.environment import models  # noqa: F401

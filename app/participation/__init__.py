"""Participation the city organises: activities, volunteers, facility open days, consultations and suggestions."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them)."""
    from app.participation import models  # noqa: F401

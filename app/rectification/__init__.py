"""The rectification ledger (督察整改): inspection feedback lists as tasks with responsible units, progress
reports, acceptance, a public notice with objections, and closure (销号), in public."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), then each part's routes and commands."""
    from app.rectification import models  # noqa: F401

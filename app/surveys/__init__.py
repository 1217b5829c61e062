"""Surveys: satisfaction and participation questionnaires whose sampled results feed the indicators."""


def init_app(app) -> None:
    from app.surveys import indicator_feed, models  # noqa: F401  (models: registered with the metadata)

    indicator_feed.register()

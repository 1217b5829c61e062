"""Surveys: satisfaction and participation questionnaires whose sampled results feed the indicators."""


def init_app(app) -> None:
    from app.surveys import admin_views, indicator_feed, jobs, views  # noqa: F401  (jobs register their kinds)

    views.init_app(app)
    admin_views.init_app(app)
    indicator_feed.register()

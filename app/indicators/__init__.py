"""Indicator progress: catalogues, targets, values and compliance."""


def init_app(app) -> None:
    """The public pages, the back office and their places in the navigation."""
    from app.indicators import admin_views, jobs, views  # noqa: F401  (jobs register their kinds)

    views.register(app)
    admin_views.init_app(app)

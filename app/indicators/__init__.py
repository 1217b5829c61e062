"""Indicator progress: catalogues, targets, values and compliance."""


def init_app(app) -> None:
    """The public pages, the back office, their places in the navigation, `flask indicators-refresh`, and the
    computed-indicator refresh as a scheduled job."""
    import click

    from app.indicators import admin_views, jobs, views  # noqa: F401  (jobs register their kinds)

    views.register(app)
    admin_views.init_app(app)

    @app.cli.command("indicators-refresh")
    @click.option("--period", default="", help="A year (2025), quarter or month; by default last year.")
    def indicators_refresh(period: str) -> None:
        """Record the computed indicators and measures of a period (surveys, disclosure rate, monitoring data)
        under the catalogue in force then; run it after a year ends, or after late data. Idempotent."""
        from app.extensions import db
        from app.i18n import local_today
        from app.indicators.periods import PeriodError, parse_period
        from app.indicators.providers import refresh_computed_values
        from app.indicators.queries import catalogue_for_year

        try:
            chosen = parse_period(period or str(local_today().year - 1), today=local_today())
        except PeriodError as error:
            raise click.ClickException(f"{period} is not a past or current period ({error}).") from error
        catalogue = catalogue_for_year(db.session, chosen.year)
        if catalogue is None:
            raise click.ClickException(f"No indicator catalogue applies to {chosen.year}.")
        recorded = refresh_computed_values(db.session, catalogue, str(chosen))
        db.session.commit()
        click.echo(f"{recorded} computed values recorded for {chosen} under catalogue {catalogue.code}.")

"""Command-line tasks: flask --app wsgi create-admin | seed-demo | survey-retention | db-analyze | calendar-import."""
import click
from flask import Flask
from flask_babel import force_locale

from app.accounts import services as accounts
from app.accounts.permissions import Role
from app.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--username", prompt=True)
    @click.option("--name", "display_name", prompt=True)
    @click.password_option()
    def create_admin(username: str, display_name: str, password: str):
        """Create an administrator account (生态办)."""
        with force_locale("en"):
            try:
                user = accounts.create_user(db.session, None, username=username, display_name=display_name,
                                            password=password, role=Role.ADMIN)
            except accounts.AccountError as error:
                db.session.rollback()
                raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Administrator {user.username} created.")

    @app.cli.command("survey-retention")
    def survey_retention():
        """Delete written answers and duplicate-check hashes older than each survey's retention (run daily)."""
        from app.surveys.jobs import apply_all_retention

        deleted = apply_all_retention(db.session)
        db.session.commit()
        click.echo(f"{deleted} written answers past their retention period deleted.")

    @app.cli.command("db-analyze")
    def db_analyze():
        """Refresh the query planner's statistics (run daily, and after a bulk load)."""
        from app.db_types import analyze

        analyze(db.session)
        db.session.commit()
        click.echo("Planner statistics refreshed.")

    @app.cli.command("calendar-import")
    @click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
    def calendar_import(path: str | None):
        """Import a holiday schedule CSV (date,kind,name); without PATH, the shipped State Council notices."""
        from pathlib import Path

        from app.workdays import schedule, services

        with force_locale("en"):
            try:
                days = schedule.parse(Path(path).read_bytes()) if path else schedule.official()
            except schedule.ScheduleError as error:
                raise click.ClickException("nothing imported:\n" + "\n".join(error.errors)) from error
        counts = services.import_schedule(db.session, None, days,
                                          source=f"cli: {path or schedule.OFFICIAL_FILE.name}")
        db.session.commit()
        click.echo("{added} days added, {changed} changed, {unchanged} unchanged.".format(**counts))

    @app.cli.command("seed-demo")
    @click.option("--years", type=int, default=3, help="Years of indicator values to generate (bench uses 10).")
    def seed_demo(years: int):
        """Load the fictional demo city (idempotent): districts, bureaus, users, indicators and their values."""
        from app.demo import seed

        created = seed.run(db.session, app.config["DEMO_CREDENTIALS_FILE"], years=years,
                           index_scheme=app.config["NOTICE_INDEX_SCHEME"])
        db.session.commit()
        click.echo(seed.summary(created, app.config["DEMO_CREDENTIALS_FILE"]))

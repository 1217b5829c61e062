"""Participation the city organises: activities, volunteers, facility open days, consultations and suggestions."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them)."""
    from app.participation import models  # noqa: F401
    _init_open_days(app)


def _init_open_days(app: Flask) -> None:
    """Facility open days: the public pages, the back office, their menu entries and the reminder count."""
    import click
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.extensions import db
    from app.participation import open_day_admin_views, open_day_views, open_days
    from app.web.nav import add_public, add_staff

    app.register_blueprint(open_day_views.bp)
    app.register_blueprint(open_day_admin_views.bp)
    add_public(app, "open_days.index", _l("Facility open days"),
               _l("Visit sewage plants, monitoring stations and waste plants on their open days."), in_menu=False)
    add_staff(app, "open_days_admin.index", _l("Facility open days"), Permission.PARTICIPATION_ORGANISE,
              _l("Facilities, open days and slots, the day-before call list, visits."))

    @app.cli.command("participation-reminders")
    @click.option("--day", required=True, help="The visit day, YYYY-MM-DD.")
    def participation_reminders(day: str) -> None:
        """How many bookings of a day still wait for their reminder call (no personal data printed)."""
        from datetime import date

        try:
            visit_day = date.fromisoformat(day)
        except ValueError as error:
            raise click.BadParameter("give the day as YYYY-MM-DD", param_hint="--day") from error
        count = open_days.reminders_due_count(db.session, visit_day)
        click.echo(f"{count} bookings on {visit_day.isoformat()} wait for a reminder call.")

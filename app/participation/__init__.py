"""Participation the city organises: activities, volunteers, facility open days, consultations and suggestions."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the models (so that the schema and migrations know them), then each part's routes and commands."""
    from app.participation import jobs, models  # noqa: F401  (the models and the scheduled duties register)
    _init_volunteers(app)
    _init_activities(app)
    _init_organisations(app)
    _init_open_days(app)
    _init_consultations(app)
    _init_figures(app)


def _init_volunteers(app: Flask) -> None:
    """Volunteers' records and certificates, the organisers' hours, and the retention purge command."""
    import click
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.db_types import utcnow
    from app.extensions import db
    from app.participation import retention, volunteer_admin_views, volunteer_views
    from app.web.nav import add_public, add_staff

    app.register_blueprint(volunteer_views.bp)
    app.register_blueprint(volunteer_admin_views.bp)
    add_public(app, "volunteers.index", _l("My volunteer hours"),
               _l("See the hours you volunteered and download a certificate."), in_menu=False)
    add_staff(app, "volunteers_admin.index", _l("Volunteers"), Permission.PARTICIPATION_ACTIVITIES,
              _l("Volunteers and the hours confirmed for them."))

    @app.cli.command("participation-purge")
    @click.option("--dry-run", is_flag=True, help="Only count what would be emptied or deleted.")
    def participation_purge(dry_run: bool) -> None:
        """Empty names and phone numbers past PARTICIPATION_RETENTION_DAYS and delete inactive volunteers."""
        counts = retention.purge(db.session, utcnow(), app.config["PARTICIPATION_RETENTION_DAYS"], dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
        click.echo(("Would empty" if dry_run else "Emptied") + f": {counts.registrations} sign-ups, "
                   f"{counts.bookings} bookings, {counts.suggestions} suggestions; "
                   + ("would delete" if dry_run else "deleted") + f" {counts.volunteers} inactive volunteers.")


def _init_activities(app: Flask) -> None:
    """Activities and sign-ups: the public pages and the organisers' back office."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.participation import activity_admin_views, activity_views
    from app.web.nav import add_staff

    app.register_blueprint(activity_views.bp)
    app.register_blueprint(activity_admin_views.bp)
    add_staff(app, "activities_admin.index", _l("Activities"), Permission.PARTICIPATION_ACTIVITIES,
              _l("Your bureau's or organisation's activities: publish, cancel, check people in at the door, close "
                 "with the record."))


def _init_organisations(app: Flask) -> None:
    """Registered organisations that run their own activities: the office's back office."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.participation import organisation_admin_views
    from app.web.nav import add_staff

    app.register_blueprint(organisation_admin_views.bp)
    add_staff(app, "organisations_admin.index", _l("Registered organisations"), Permission.PARTICIPATION_ORGANISATIONS,
              _l("Organisations that run activities: register, suspend, reinstate, their organisers' accounts."))


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


def _init_consultations(app: Flask) -> None:
    """Consultations and suggestions: the public pages and the back office, with their menu entries."""
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.participation import consultation_admin_views, consultation_views
    from app.web.nav import add_public, add_staff

    app.register_blueprint(consultation_views.bp)
    app.register_blueprint(consultation_views.standing)
    app.register_blueprint(consultation_admin_views.bp)
    app.register_blueprint(consultation_admin_views.suggestions_bp)
    add_public(app, "consultations.index", _l("Consultations"), _l("Give your opinion on the city's plans"),
               in_menu=False)
    add_staff(app, "consultations_admin.index", _l("Consultations"), Permission.PARTICIPATION_ORGANISE)
    add_staff(app, "suggestions_admin.queue", _l("Suggestions to answer"), Permission.PARTICIPATION_ORGANISE)
    add_staff(app, "suggestions_admin.moderation", _l("Suggestions to moderate"), Permission.PARTICIPATION_MODERATE)


def _init_figures(app: Flask) -> None:
    """The landing page and the yearly figures; the figures as evidence beside the survey's participation
    indicator (38); the command that checks or rebuilds the figures' running tallies."""
    import click
    from flask_babel import lazy_gettext as _l

    from app.extensions import db
    from app.indicators.evidence import register_evidence
    from app.participation import evidence, tallies, views
    from app.web.nav import add_public

    app.register_blueprint(views.bp)
    add_public(app, "participation.index", _l("Take part"),
               _l("Activities to sign up for, facility open days, consultations and suggestions, and what residents "
                  "did."))
    register_evidence(evidence.PROVIDER_KEY, evidence.participation_evidence)

    @app.cli.command("participation-tallies")
    @click.option("--rebuild", is_flag=True, help="Replace the tallies with the counts from the rows.")
    def participation_tallies(rebuild: bool) -> None:
        """Compare the running tallies behind the participation figures with a count from the rows (exit status 1
        when they differ); --rebuild replaces them with that count."""
        found = tallies.rebuild(db.session) if rebuild else tallies.differences(db.session)
        if rebuild:
            db.session.commit()
        else:
            db.session.rollback()
        for (year, place_id, name), (kept, counted) in found.items():
            click.echo(f"{year} place {place_id} {name}: tallied {kept}, counted from the rows {counted}")
        if rebuild:
            click.echo(f"Rebuilt the participation tallies from the rows: {len(found)} corrected.")
        elif found:
            click.echo(f"{len(found)} participation tallies differ from the rows (flask participation-tallies "
                       "--rebuild replaces them).")
            raise SystemExit(1)
        else:
            click.echo("The participation tallies equal the counts from the rows.")

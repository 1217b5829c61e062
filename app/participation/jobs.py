"""Participation duties on the schedule: the retention purge (`flask participation-purge`) and the morning count of
tomorrow's bookings that still wait for their reminder call (`flask participation-reminders`)."""
from dataclasses import asdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.db_types import utcnow
from app.jobs.registry import job
from app.participation import open_days, retention


@job("participation.purge", title=_l("Participants' personal data past its retention period"),
     cron="PARTICIPATION_PURGE_CRON")
def purge(context) -> dict:
    """Names and phone numbers past PARTICIPATION_RETENTION_DAYS emptied, inactive volunteers deleted (audited)."""
    counts = retention.purge(context.session, utcnow(), current_app.config["PARTICIPATION_RETENTION_DAYS"])
    return asdict(counts)


@job("participation.reminders", title=_l("Reminder calls due for tomorrow's visits"),
     cron="PARTICIPATION_REMINDERS_CRON")
def reminders(context) -> dict:
    """How many of tomorrow's bookings wait for their reminder call (the organisers call from the call list; the
    platform sends no text messages). No personal data in the result."""
    tomorrow = (utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])) + timedelta(days=1)).date()
    return {"day": tomorrow.isoformat(), "bookings_to_call": open_days.reminders_due_count(context.session, tomorrow)}

"""The scheduled duties: each registered kind with a cron setting is queued once per slot of its cron string (in
the site's time zone), by the loop beside `flask jobs-worker` or by `flask jobs-run-due` from cron. The slot's
name is unique in the jobs table, so any number of schedulers queue each slot once. Each pass also marks
stalled runs dead and deletes result files past JOBS_RESULT_DAYS."""
import logging
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db_types import utcnow
from app.extensions import db
from app.jobs import registry, schedule, services
from app.jobs.models import Job

log = logging.getLogger(__name__)
PASS_SECONDS = 30


def check_settings(config) -> None:
    """Refuse a malformed cron setting at start-up rather than skip its duty in silence."""
    for kind in registry.scheduled():
        expression = (config.get(kind.cron_setting) or "").strip()
        if expression:
            try:
                schedule.check_cron(expression)
            except schedule.CronError as error:
                raise RuntimeError(f"{kind.cron_setting}: {error}") from error


def enqueue_due(session, now: datetime | None = None) -> list[tuple[int, str]]:
    """Queue every duty whose latest slot has no job yet, each committed on its own (so it reaches its runner);
    returns (job id, kind) of those queued."""
    config = current_app.config
    now = (now or utcnow()).astimezone(ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"]))
    catch_up = timedelta(hours=config["JOBS_CATCH_UP_HOURS"])
    queued = []
    for kind in registry.scheduled():
        expression = (config.get(kind.cron_setting) or "").strip()
        if not expression:
            continue
        slot = schedule.due_slot(expression, now, catch_up)
        if slot is None:
            continue
        key = schedule.slot_key(kind.name, slot)
        if session.scalar(select(Job.id).where(Job.unique_key == key)) is not None:
            continue
        try:
            job_id = services.enqueue(session, kind.name, unique_key=key).id
            session.commit()
        except IntegrityError:  # another scheduler queued this slot first
            session.rollback()
            continue
        queued.append((job_id, kind.name))
    return queued


def housekeeping(session, now: datetime | None = None) -> None:
    """Stalled runs marked dead, old result files deleted."""
    services.bury_stalled(session, now)
    services.delete_old_results(session, now)
    session.commit()


def run_pass(app: Flask) -> list[tuple[int, str]]:
    with app.app_context():
        try:
            housekeeping(db.session)
            return enqueue_due(db.session)
        finally:
            db.session.remove()


def loop(app: Flask, stop: threading.Event) -> None:
    """Passes every PASS_SECONDS until `stop` is set; a failed pass (database away) is logged and tried again."""
    while not stop.is_set():
        try:
            for job_id, kind in run_pass(app):
                log.info("Scheduled %s (job %s)", kind, job_id)
        except Exception:
            log.exception("Scheduler pass failed")
        stop.wait(PASS_SECONDS)

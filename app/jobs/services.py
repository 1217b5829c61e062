"""Writes on jobs: queue one, retry or discard a dead one (the office), mark stalled ones dead, delete old result
files. Each flushes and audits; the job reaches its runner when the caller's transaction commits."""
import json
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.db_types import utcnow
from app.errors import ActionRefused
from app.jobs import registry, runner
from app.jobs.models import CLAIMABLE, Job, JobState
from app.web import object_store

ARGS_LIMIT = 2000  # bytes of JSON: ids and options, never data


def enqueue(session, kind: str, *, actor=None, unique_key: str | None = None, **args) -> Job:
    """Record a job of the registered `kind` with its arguments (plain JSON) and hand it to the runner (RQ with
    JOBS_REDIS_URL, else this process's threads) once the caller commits. `actor` is who asked (None: the
    scheduler); `unique_key` names a scheduled run so that it is recorded once."""
    definition = registry.get(kind)
    if definition is None:
        raise ValueError(f"unknown job kind {kind!r}")
    encoded = json.dumps(args, sort_keys=True)  # refuses what JSON cannot hold
    if len(encoded) > ARGS_LIMIT:
        raise ValueError("job arguments are ids and options, not data")
    config = current_app.config
    attempts = max(1, definition.attempts or config["JOBS_ATTEMPTS"])
    job = Job(kind=kind, args=json.loads(encoded), state=JobState.QUEUED, max_attempts=attempts, attempts=0,
              progress_done=0, requested_by_id=getattr(actor, "id", None), unique_key=unique_key,
              created_at=utcnow(), heartbeat_at=utcnow())
    session.add(job)
    session.flush()
    runner.hand_over_after_commit(session, runner.Pending(job.id, attempts, runner.timeout_of(current_app, kind)))
    return job


def is_stalled(job: Job, now: datetime | None = None) -> bool:
    """A running job whose heartbeat stopped for longer than a run may take: its process stopped under it. Without
    Redis, a waiting job that long too: the app process whose threads held it stopped (with Redis, a job waits in
    the queue for a worker, however long)."""
    if job.state == JobState.RUNNING or (job.state in CLAIMABLE and not current_app.config["JOBS_REDIS_URL"]):
        return (now or utcnow()) - job.heartbeat_at > runner.stall_limit(current_app, job.kind)
    return False


def retry(session, actor, job: Job) -> Job:
    """The office runs a dead (or stalled) job again, with all its runs."""
    if not (job.state == JobState.DEAD or is_stalled(job)):
        raise ActionRefused(_("Only a job that gave up or stalled can be run again."))
    before = job.audit_state()
    job.state = JobState.QUEUED
    job.attempts = 0
    job.finished_at = None
    job.heartbeat_at = utcnow()
    session.flush()
    runner.hand_over_after_commit(session, runner.Pending(job.id, job.max_attempts,
                                                          runner.timeout_of(current_app, job.kind)))
    audit.record(session, "jobs.retry", job, actor=actor, before=before, after=job.audit_state())
    return job


def discard(session, actor, job: Job) -> Job:
    """The office puts a dead (or stalled) job aside: it leaves the dead letters, its record and error stay."""
    if not (job.state == JobState.DEAD or is_stalled(job)):
        raise ActionRefused(_("Only a job that gave up or stalled can be discarded."))
    before = job.audit_state()
    job.state = JobState.DISCARDED
    job.finished_at = job.heartbeat_at = utcnow()
    session.flush()
    audit.record(session, "jobs.discard", job, actor=actor, before=before, after=job.audit_state())
    return job


def bury_stalled(session, now: datetime | None = None) -> int:
    """Stalled jobs (a worker killed, a server restarted under them) become dead with the reason, so that the
    office sees them among the dead letters."""
    now = now or utcnow()
    buried = 0
    for job in session.scalars(select(Job).where(Job.state.in_([JobState.RUNNING, *CLAIMABLE]))):
        if is_stalled(job, now):
            job.state = JobState.DEAD
            job.finished_at = now
            job.error = (job.error + "\n" if job.error else "") + (
                f"Stalled: no sign of life since {job.heartbeat_at.isoformat(timespec='seconds')}; "
                "the process that held it stopped.")
            buried += 1
    if buried:
        audit.record(session, "jobs.stalled", None, object_type="jobs", after={"jobs": buried})
    return buried


def delete_old_results(session, now: datetime | None = None) -> int:
    """Delete result files (exports with respondents' answers) older than JOBS_RESULT_DAYS; the record stays."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["JOBS_RESULT_DAYS"])
    deleted = 0
    for job in session.scalars(select(Job).where(Job.result_name.is_not(None), Job.finished_at < cutoff)):
        object_store.delete(runner.result_folder(), job.result_name)
        job.result_name = None
        deleted += 1
    return deleted

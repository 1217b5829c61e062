"""Running jobs: one attempt of a job (claimed, run, recorded), and the two ways it gets run.

- With JOBS_REDIS_URL: the job's id goes on an RQ queue once the transaction that created it commits; a worker
  (`flask jobs-worker`) calls `perform(job_id)`, and RQ's Retry runs it again after JOBS_RETRY_BACKOFF while
  runs are left. RQ's serializer is JSON, so the queue holds the function's dotted name and an integer.
- Without it (the embedded default): a thread pool inside the app process runs it, retrying on a timer.

Either way the jobs table is the record: a run is claimed by one conditional UPDATE (a job is never run twice
at once), the outcome and the last error are written when it ends, and a job out of runs is `dead`.
"""
import logging
import os
import tempfile
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.extensions import db
from app.jobs import registry, schedule
from app.jobs.models import CLAIMABLE, Job, JobState
from app.web import object_store

log = logging.getLogger(__name__)

RESULT_FOLDER = "jobs"
# Content types of result files, by the kind the job gives.
RESULT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ERROR_LIMIT = 4000
PENDING = "jobs.pending"  # session.info key: jobs to hand to a runner once the transaction commits


class JobError(RuntimeError):
    """A job that cannot go on (its object is gone): the message is what the office reads."""


class JobFailed(RuntimeError):
    """Raised to RQ after a failed run has been recorded, so that RQ retries it or files it as failed."""


def result_folder(app: Flask | None = None) -> str:
    return os.path.join((app or current_app).config["UPLOAD_DIR"], RESULT_FOLDER)


class JobContext:
    """What a job function gets: the session to work in, progress reports and a place for its result file."""

    def __init__(self, job_id: int, session):
        self.job_id = job_id
        self.session = session
        self._reported = -1
        self._total: int | None = None
        self._temporary: list[str] = []
        self.stored: dict | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        """Record how far the job got. Written at once on a connection of its own, so the page polling it sees it
        while the job's own transaction is still open; a change of under 0.5% is not written. A job that
        writes should not report progress on SQLite while its own writes are pending (one writer at a time)."""
        if total is not None:
            self._total = total
        step = max(1, (self._total or 0) // 200)
        if self._reported >= 0 and done < (self._total or 0) and done - self._reported < step:
            return
        self._reported = done
        values: dict = {"progress_done": max(done, 0), "heartbeat_at": utcnow()}
        if total is not None:
            values["progress_total"] = total
        with db.engine.begin() as connection:
            connection.execute(update(Job.__table__).where(Job.__table__.c.id == self.job_id).values(**values))

    def store_result(self, path: str, *, label: str, kind: str) -> None:
        """Keep the file at `path` (moved, not copied, on the local disk) as the job's result under a random name,
        in UPLOAD_DIR/jobs or the object store; `label` is the name it downloads under."""
        if kind not in RESULT_TYPES:
            raise ValueError(f"unknown result kind {kind!r}")
        stored_name = f"{os.urandom(16).hex()}.{kind}"
        size = os.path.getsize(path)
        object_store.put_file(result_folder(), stored_name, path, RESULT_TYPES[kind])
        self.stored = {"result_name": stored_name, "result_kind": kind, "result_label": label[:200],
                       "result_size": size}

    def discard_result(self) -> None:
        if self.stored:
            object_store.delete(result_folder(), self.stored["result_name"])
            self.stored = None

    def temporary_file(self, suffix: str) -> str:
        """A path for the job to write its result to before store_result (removed afterwards if still there)."""
        handle, path = tempfile.mkstemp(prefix=f"job-{self.job_id}-", suffix=suffix)
        os.close(handle)
        self._temporary.append(path)
        return path

    def remove_temporary_files(self) -> None:
        for path in self._temporary:
            Path(path).unlink(missing_ok=True)
        self._temporary.clear()


@dataclass(frozen=True)
class Outcome:
    """How a run ended: the job's state afterwards, and the seconds before the next run when one is due."""

    state: JobState | None  # None: nothing was run (the job was gone, finished or taken by another runner)
    retry_in: int | None = None
    error: str = ""


def error_summary(error: BaseException) -> str:
    """The exception and the frames it passed through, without local variables, at most ERROR_LIMIT long."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__, limit=-12))
    return text if len(text) <= ERROR_LIMIT else "…" + text[-(ERROR_LIMIT - 1):]


def attempt(job_id: int) -> Outcome:
    """One run of the job: claim it, call its function with its arguments, commit what it did with the outcome;
    after an exception roll back its work and record the error, `failed` while runs are left, else `dead`.
    Runs inside an app context."""
    session = db.session
    now = utcnow()
    claimed = session.execute(update(Job).where(Job.id == job_id, Job.state.in_(CLAIMABLE)).values(
        state=JobState.RUNNING, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now,
        finished_at=None)).rowcount
    session.commit()
    if not claimed:
        return Outcome(None)
    job = session.get(Job, job_id, populate_existing=True)
    kind = registry.get(job.kind)
    context = JobContext(job_id, session)
    try:
        if kind is None:
            raise JobError(f"no job kind {job.kind!r} is registered in this version of the code")
        result = kind.func(context, **dict(job.args or {}))
        job = session.get(Job, job_id)
        job.state = JobState.DONE
        job.result = result if isinstance(result, dict) else None
        job.finished_at = job.heartbeat_at = utcnow()
        job.error = ""
        if context.stored:
            for name, value in context.stored.items():
                setattr(job, name, value)
        if job.progress_total:
            job.progress_done = job.progress_total
        session.commit()
        return Outcome(JobState.DONE)
    except Exception as error:  # every failure is recorded; the office reads it at /admin/jobs
        session.rollback()
        context.discard_result()
        summary = error_summary(error)
        log.warning("Job %s (%s) failed: %s", job_id, kind.name if kind else "?", summary.splitlines()[-1])
        job = session.get(Job, job_id, populate_existing=True)
        job.error = summary
        job.heartbeat_at = utcnow()
        retry_in = None
        if job.attempts >= job.max_attempts:
            job.state = JobState.DEAD
            job.finished_at = job.heartbeat_at
        else:
            job.state = JobState.FAILED
            retry_in = schedule.retry_delay(schedule.parse_backoff(current_app.config["JOBS_RETRY_BACKOFF"]),
                                            job.attempts)
        state = job.state
        session.commit()
        return Outcome(state, retry_in, summary)
    finally:
        context.remove_temporary_files()


# --- the in-process runner (no Redis) ----------------------------------------------------------------------

class ThreadRunner:
    """Jobs of this app process in a small thread pool, each in its own app context; retries on a timer.
    A run cannot be stopped from outside a thread, so JOBS_TIMEOUT applies only on the RQ worker."""

    def __init__(self, app: Flask):
        self.app = app
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Condition()
        self._busy = 0

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max(1, self.app.config["JOBS_THREADS"]),
                                                    thread_name_prefix="jobs")
            return self._executor

    def dispatch(self, job_id: int, delay: float = 0) -> None:
        with self._lock:
            self._busy += 1
        if delay > 0:
            timer = threading.Timer(delay, self._submit, (job_id,))
            timer.daemon = True
            timer.start()
        else:
            self._submit(job_id)

    def _submit(self, job_id: int) -> None:
        try:
            self._pool().submit(self._run, job_id)
        except RuntimeError:  # the interpreter is shutting down: the job stays queued for the office to see
            self._done()

    def _run(self, job_id: int) -> None:
        try:
            with self.app.app_context():
                outcome = attempt(job_id)
            if outcome.retry_in is not None:
                self.dispatch(job_id, outcome.retry_in)
        except Exception:  # the database itself failed: the job stays as it was, visible to the office
            log.exception("Job %s could not be run", job_id)
        finally:
            self._done()

    def _done(self) -> None:
        with self._lock:
            self._busy -= 1
            self._lock.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job is running or waiting for a retry; False if that took longer than `timeout`."""
        with self._lock:
            return self._lock.wait_for(lambda: self._busy == 0, timeout)


def thread_runner(app: Flask | None = None) -> ThreadRunner:
    app = app or current_app._get_current_object()
    runner = app.extensions.get("jobs.threads")
    if runner is None:
        runner = app.extensions["jobs.threads"] = ThreadRunner(app)
    return runner


# --- the RQ runner (JOBS_REDIS_URL) ------------------------------------------------------------------------

_queues: dict[tuple, object] = {}
_queues_lock = threading.Lock()
_worker_app: Flask | None = None
_worker_pid: int | None = None


def rq_queue(app: Flask | None = None):
    """The app's RQ queue (JSON serializer), one connection pool per process, URL and queue name."""
    from redis import Redis
    from rq import Queue
    from rq.serializers import JSONSerializer

    config = (app or current_app).config
    identity = (os.getpid(), config["JOBS_REDIS_URL"], config["JOBS_QUEUE"])
    with _queues_lock:
        queue = _queues.get(identity)
        if queue is None:
            connection = Redis.from_url(config["JOBS_REDIS_URL"], socket_connect_timeout=5, socket_timeout=30)
            queue = _queues[identity] = Queue(config["JOBS_QUEUE"], connection=connection,
                                              serializer=JSONSerializer)
    return queue


def rq_job_id(queue, job_id: int) -> str:
    return f"{queue.name}-{job_id}"


def push_to_rq(app: Flask, job_id: int, runs_left: int, timeout: int) -> None:
    """Put the job on the RQ queue with RQ's Retry for the runs left after the first."""
    from rq import Retry

    queue = rq_queue(app)
    delays = schedule.parse_backoff(app.config["JOBS_RETRY_BACKOFF"])
    retry = Retry(max=runs_left - 1, interval=delays) if runs_left > 1 else None
    forget_rq_job(app, job_id)
    queue.enqueue_call("app.jobs.runner.perform", args=(job_id,), timeout=timeout, job_id=rq_job_id(queue, job_id),
                       retry=retry, result_ttl=24 * 3600, failure_ttl=30 * 24 * 3600,
                       description=f"job {job_id}")


def forget_rq_job(app: Flask, job_id: int) -> None:
    """Remove an earlier RQ job of this id (a dead one in RQ's failed registry) before it is queued again."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    queue = rq_queue(app)
    try:
        RQJob.fetch(rq_job_id(queue, job_id), connection=queue.connection, serializer=queue.serializer).delete()
    except NoSuchJobError:
        pass


def serve_worker(app: Flask) -> None:
    """Remember the app a forked RQ work horse runs jobs in (`flask jobs-worker` calls this before it forks)."""
    global _worker_app, _worker_pid
    _worker_app, _worker_pid = app, os.getpid()


def perform(job_id: int) -> None:
    """RQ's entry point: one run of the job in an app context; a failed run is recorded, then raised to RQ."""
    if has_app_context():
        app = current_app._get_current_object()
    elif _worker_app is not None:
        app = _worker_app
    else:
        raise RuntimeError("perform() needs an app: run jobs with `flask jobs-worker`")
    with app.app_context():
        if _worker_pid is not None and os.getpid() != _worker_pid:
            # A forked work horse must not use the connections of the worker that forked it.
            db.engine.dispose(close=False)
        outcome = attempt(job_id)
    if outcome.state in (JobState.FAILED, JobState.DEAD):
        raise JobFailed(outcome.error.strip().splitlines()[-1] if outcome.error.strip() else "failed")


# --- handing jobs over once their transaction commits -------------------------------------------------------

@dataclass(frozen=True)
class Pending:
    job_id: int
    runs_left: int
    timeout: int


def hand_over_after_commit(session, pending: Pending) -> None:
    """Queue the job once the session's transaction commits (a runner must find its row), never if it rolls back."""
    session.info.setdefault(PENDING, []).append(pending)


def dispatch(app: Flask, pending: Pending, delay: float = 0) -> None:
    """Give the job to the configured runner: RQ, or this process's threads."""
    if app.config["JOBS_REDIS_URL"]:
        push_to_rq(app, pending.job_id, pending.runs_left, pending.timeout)
    else:
        thread_runner(app).dispatch(pending.job_id, delay)


def _mark_unqueued(job_id: int, error: BaseException) -> None:
    """Redis did not take the job: it is dead at once, with the reason, so the office can retry it."""
    with db.engine.begin() as connection:
        connection.execute(update(Job.__table__).where(Job.__table__.c.id == job_id).values(
            state=JobState.DEAD.value, error=f"The job queue did not take the job: {error}"[:ERROR_LIMIT],
            finished_at=utcnow(), heartbeat_at=utcnow()))


@event.listens_for(Session, "after_commit")
def _hand_over(session) -> None:
    pending: list[Pending] = session.info.pop(PENDING, [])
    if not pending or not has_app_context():
        return
    app = current_app._get_current_object()
    for item in pending:
        try:
            dispatch(app, item)
        except Exception as error:  # Redis down: recorded on the job rather than lost
            log.exception("Job %s could not be queued", item.job_id)
            _mark_unqueued(item.job_id, error)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session) -> None:
    session.info.pop(PENDING, None)


def timeout_of(app: Flask, kind_name: str) -> int:
    kind = registry.get(kind_name)
    return (kind.timeout if kind and kind.timeout else None) or app.config["JOBS_TIMEOUT"]


def stall_limit(app: Flask, kind_name: str) -> timedelta:
    """How long a running job may go without a heartbeat before it counts as stalled (its process stopped)."""
    return timedelta(seconds=timeout_of(app, kind_name) + 120)


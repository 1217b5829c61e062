"""Background jobs: a registry of job kinds, the jobs table, two runners (RQ on Redis with `flask jobs-worker`, or
a thread pool inside the app process when no Redis is configured), the scheduled duties and the office's page.

A domain registers its kinds with `@job("surveys.export")` (app/jobs/registry.py) and queues one with
`services.enqueue(session, "surveys.export", actor=user, survey_id=3)`; the job reaches its runner when the
caller's transaction commits."""
import multiprocessing
import signal
import threading

import click
from flask import Flask

from app.jobs.registry import job

__all__ = ["init_app", "job"]


def init_app(app: Flask) -> None:
    """The model, the built-in duties, the office's page and its menu entry, and the commands. Called after the
    domains registered their kinds, so that a malformed cron setting stops the start."""
    from app.jobs import duties, models, scheduler, views  # noqa: F401  (duties register themselves)

    scheduler.check_settings(app.config)
    views.init_app(app)
    _init_commands(app)


def _init_commands(app: Flask) -> None:
    from app.extensions import db
    from app.jobs import runner, scheduler

    @app.cli.command("jobs-worker")
    @click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop (without the scheduler).")
    @click.option("--no-scheduler", is_flag=True, help="Run jobs only; another worker or cron runs the schedule.")
    def jobs_worker(burst: bool, no_scheduler: bool) -> None:
        """Run jobs from the RQ queue (JOBS_REDIS_URL), with the scheduled duties beside it."""
        from rq import Worker

        if not app.config["JOBS_REDIS_URL"]:
            raise click.ClickException("JOBS_REDIS_URL is not set: jobs run inside the app's own processes, and "
                                       "`flask jobs-run-due` from cron runs the scheduled duties.")
        scheduler.check_settings(app.config)
        queue = runner.rq_queue(app)
        runner.serve_worker(app)
        schedule_process = None
        if not (burst or no_scheduler):
            # Forked before the worker starts, while this process has no threads and no open connections.
            schedule_process = multiprocessing.get_context("fork").Process(
                target=_run_schedule, args=(app,), name="jobs-scheduler", daemon=True)
            schedule_process.start()
        try:
            Worker([queue], connection=queue.connection, serializer=queue.serializer).work(
                burst=burst, with_scheduler=True)
        finally:
            if schedule_process is not None:
                schedule_process.terminate()
                schedule_process.join(10)

    @app.cli.command("jobs-run-due")
    @click.option("--wait", type=int, default=3600, show_default=True,
                  help="Seconds to wait for duties run in this process (no Redis).")
    def jobs_run_due(wait: int) -> None:
        """Queue the scheduled duties that are due (run from cron every few minutes when no worker runs the
        schedule); without Redis they run here and the command waits for them."""
        scheduler.check_settings(app.config)
        scheduler.housekeeping(db.session)
        queued = scheduler.enqueue_due(db.session)
        if not app.config["JOBS_REDIS_URL"] and queued:
            if not runner.thread_runner(app).wait_idle(wait):
                raise click.ClickException("the duties did not finish in time; see /admin/jobs")
        click.echo(f"{len(queued)} scheduled duties queued" + (": " + ", ".join(k for _, k in queued) if queued
                                                                 else "."))


def _run_schedule(app: Flask) -> None:
    """The scheduler's process: passes until the worker stops it (SIGTERM) or Ctrl-C."""
    from app.extensions import db
    from app.jobs import scheduler

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with app.app_context():
        db.engine.dispose(close=False)  # connections are this process's own
    scheduler.loop(app, stop)

"""The scheduled duties: queued once per cron slot however many schedulers look, run as jobs like any other
(survey retention, participation purge and reminder count, planner statistics, computed indicators), and the
housekeeping of each pass (stalled runs dead, old result files deleted)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from app import create_app
from app.db_types import utcnow
from app.jobs import scheduler, services
from app.jobs.models import Job, JobState
from app.surveys.models import SurveyAnswer, SurveyResponse
from app.surveys.services import ordered_questions
from tests import factories
from tests.conftest import base_config

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUTIES = {"db.analyze", "indicators.refresh_computed", "notifications.notices", "notifications.retention",
          "participation.purge", "participation.reminders", "surveys.retention"}


def test_each_duty_is_queued_once_per_slot(app, session, settle):
    now = datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)
    first = scheduler.enqueue_due(session, now)
    again = scheduler.enqueue_due(session, now + timedelta(minutes=5))
    settle()
    assert {kind for _, kind in first} == DUTIES and again == []
    keys = set(session.scalars(select(Job.unique_key)))
    assert "cron:surveys.retention@2026-12-07T18:30" in keys and len(keys) == len(DUTIES)
    next_night = scheduler.enqueue_due(session, datetime(2026, 12, 9, 2, 31, tzinfo=SHANGHAI))
    settle()
    # The notices duty runs every quarter of an hour.
    assert [kind for _, kind in next_night] == ["notifications.notices", "surveys.retention"]


def test_a_slot_queued_by_another_scheduler_is_not_queued_again(app, session, settle):
    now = datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)
    services.enqueue(session, "surveys.retention", unique_key="cron:surveys.retention@2026-12-07T18:30")
    session.commit()
    assert "surveys.retention" not in {kind for _, kind in scheduler.enqueue_due(session, now)}
    settle()


def test_an_empty_cron_setting_switches_a_duty_off_and_old_slots_are_not_caught_up(app, session, settle):
    app.config.update(DB_ANALYZE_CRON="", JOBS_CATCH_UP_HOURS=2)
    queued = scheduler.enqueue_due(session, datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI))
    settle()
    # 02:30, 02:45, 02:50, 04:00 and 09:00 slots: only the reminder count (09:00) is within two hours, and the
    # notices duty of every quarter of an hour.
    assert [kind for _, kind in queued] == ["notifications.notices", "participation.reminders"]


def test_a_malformed_cron_setting_stops_the_start(database_url):
    config = base_config(database_url)
    config["SURVEY_RETENTION_CRON"] = "every night"
    with pytest.raises(RuntimeError, match="SURVEY_RETENTION_CRON"):
        create_app(config)


def test_the_duties_run_as_jobs_and_do_their_work(app, session, settle, staff):
    survey = factories.survey(session, staff["admin"], responses=1)
    survey.retention_days = 30
    response = session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
    suggestion = ordered_questions(survey)[4]
    session.add(SurveyAnswer(response_id=response.id, question_id=suggestion.id, text="多种树"))
    session.execute(update(SurveyResponse).values(submitted_at=utcnow() - timedelta(days=31)))
    session.commit()
    scheduler.enqueue_due(session)
    settle()
    jobs = {job.kind: job for job in session.scalars(select(Job))}
    assert set(jobs) == DUTIES and {job.state for job in jobs.values()} == {JobState.DONE}
    assert jobs["surveys.retention"].result == {"written_answers_deleted": 1}
    assert session.scalar(select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.text.is_not(None))) == 0
    assert jobs["participation.purge"].result == {"registrations": 0, "bookings": 0, "suggestions": 0,
                                                  "volunteers": 0}
    assert jobs["participation.reminders"].result["bookings_to_call"] == 0
    assert jobs["notifications.retention"].result == {"addresses_emptied": 0}
    assert all(job.requested_by_id is None for job in jobs.values())


def test_flask_jobs_run_due_runs_the_due_duties_here_without_redis(app, runner, session):
    result = runner.invoke(args=["jobs-run-due"])
    assert result.exit_code == 0, result.output
    assert f"{len(DUTIES)} scheduled duties queued" in result.output
    session.expire_all()
    assert set(session.scalars(select(Job.state))) == {JobState.DONE}
    assert "0 scheduled duties queued." in runner.invoke(args=["jobs-run-due"]).output


def test_flask_jobs_worker_needs_redis(runner):
    result = runner.invoke(args=["jobs-worker", "--burst"])
    assert result.exit_code != 0 and "JOBS_REDIS_URL is not set" in result.output


def test_flask_jobs_worker_runs_queued_jobs_in_forked_work_horses(rq_app, runner, session):
    job_id = services.enqueue(session, "tests.echo", value="forked").id
    session.commit()
    result = runner.invoke(args=["jobs-worker", "--burst"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    job = session.get(Job, job_id)
    assert job.state == JobState.DONE and job.result == {"echo": "forked"}


def test_housekeeping_buries_stalled_runs_and_deletes_old_result_files(app, session, settle, tmp_path):
    stalled = Job(kind="tests.echo", args={}, state=JobState.RUNNING, attempts=1, max_attempts=1, progress_done=0,
                  heartbeat_at=utcnow() - timedelta(hours=3), created_at=utcnow() - timedelta(hours=3))
    session.add(stalled)
    file_job = services.enqueue(session, "tests.file", text="old\n")
    session.commit()
    settle()
    stored = tmp_path / "uploads" / "jobs" / session.get(Job, file_job.id).result_name
    assert stored.exists()
    scheduler.housekeeping(session, utcnow() + timedelta(days=8))
    session.expire_all()
    assert session.get(Job, stalled.id).state == JobState.DEAD and "Stalled" in session.get(Job, stalled.id).error
    kept = session.get(Job, file_job.id)
    assert kept.result_name is None and kept.result_label == "test.csv" and not stored.exists()


def test_a_running_job_with_a_recent_heartbeat_is_not_stalled(app, session):
    running = Job(kind="tests.echo", args={}, state=JobState.RUNNING, attempts=1, max_attempts=1, progress_done=0,
                  heartbeat_at=utcnow() - timedelta(minutes=5), created_at=utcnow())
    session.add(running)
    session.commit()
    assert services.bury_stalled(session) == 0
    assert not services.is_stalled(running, datetime.now(timezone.utc))


def test_a_long_waiting_job_is_stalled_only_without_redis(app, session):
    waiting = Job(kind="tests.echo", args={}, state=JobState.QUEUED, attempts=0, max_attempts=1, progress_done=0,
                  heartbeat_at=utcnow() - timedelta(hours=3), created_at=utcnow() - timedelta(hours=3))
    session.add(waiting)
    session.commit()
    app.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    assert not services.is_stalled(waiting)  # it waits in the queue for a worker
    app.config["JOBS_REDIS_URL"] = ""
    assert services.is_stalled(waiting)  # the process whose threads held it stopped
    assert services.bury_stalled(session) == 1 and waiting.state == JobState.DEAD

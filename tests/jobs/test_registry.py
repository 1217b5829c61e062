"""Job kinds are registered by name; a job records its kind and plain JSON arguments, never a callable."""
import pytest
from sqlalchemy import select

from app.jobs import registry, services
from app.jobs.models import Job, JobState


def test_kinds_are_found_by_name_and_duties_by_their_cron_setting(app):
    assert registry.get("surveys.export").permission == "surveys.manage"
    assert registry.get("nothing.here") is None
    scheduled = {kind.name: kind.cron_setting for kind in registry.scheduled()}
    assert scheduled == {"db.analyze": "DB_ANALYZE_CRON", "indicators.refresh_computed": "INDICATOR_REFRESH_CRON",
                         "notifications.notices": "NOTIFICATION_NOTICES_CRON",
                         "notifications.retention": "NOTIFICATION_RETENTION_CRON",
                         "participation.purge": "PARTICIPATION_PURGE_CRON",
                         "participation.reminders": "PARTICIPATION_REMINDERS_CRON",
                         "surveys.retention": "SURVEY_RETENTION_CRON"}


def test_a_second_function_under_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        registry.job("tests.echo")(lambda context: None)


def test_registering_the_same_function_again_is_harmless():
    kind = registry.get("tests.echo")
    assert registry.job("tests.echo", attempts=1)(kind.func) is kind.func


def test_a_queued_job_names_its_kind_and_keeps_json_arguments(app, session):
    job = services.enqueue(session, "tests.echo", value={"a": [1, 2]})
    session.rollback()  # never committed: never handed to a runner
    assert job.kind == "tests.echo" and job.args == {"value": {"a": [1, 2]}}
    assert job.state == JobState.QUEUED and job.max_attempts == 1
    assert session.scalars(select(Job)).all() == []


def test_unknown_kinds_and_arguments_json_cannot_hold_are_refused(app, session):
    with pytest.raises(ValueError):
        services.enqueue(session, "nothing.here")
    with pytest.raises(TypeError):
        services.enqueue(session, "tests.echo", value=object())
    with pytest.raises(ValueError, match="not data"):
        services.enqueue(session, "tests.echo", value="x" * 3000)


def test_a_kind_without_its_own_attempts_takes_the_configured_number(app, session):
    app.config["JOBS_ATTEMPTS"] = 5
    job = services.enqueue(session, "surveys.retention")
    assert job.max_attempts == 5
    session.rollback()

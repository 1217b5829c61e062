"""The in-process runner (no Redis, the embedded default): jobs run in the app's threads after the transaction
that queued them commits, retry after a failure, and die when out of runs, with the error kept for the office."""
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.jobs import runner, services
from app.jobs.models import Job, JobState
from tests.jobs import kinds


def _job(session, job_id) -> Job:
    session.expire_all()
    return session.get(Job, job_id)


def test_a_job_runs_once_its_transaction_commits_and_keeps_its_result(app, session, settle):
    job_id = services.enqueue(session, "tests.echo", value="hello").id
    session.commit()
    settle()
    job = _job(session, job_id)
    assert job.state == JobState.DONE and job.result == {"echo": "hello"}
    assert job.attempts == 1 and job.error == "" and job.finished_at is not None


def test_a_job_queued_in_a_transaction_that_rolls_back_never_runs(app, session, settle):
    services.enqueue(session, "tests.echo", value="lost")
    session.rollback()
    session.commit()  # a later commit does not hand over what was rolled back
    settle()
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_progress_is_recorded(app, session, settle):
    job_id = services.enqueue(session, "tests.progress", steps=500).id
    session.commit()
    settle()
    job = _job(session, job_id)
    assert (job.progress_done, job.progress_total, job.percent) == (500, 500, 100)


def test_a_failed_run_is_rolled_back_and_retried(app, session, settle):
    app.config["JOBS_RETRY_BACKOFF"] = "0"
    job_id = services.enqueue(session, "tests.flaky", fail_runs=2).id
    session.commit()
    settle()
    job = _job(session, job_id)
    assert job.state == JobState.DONE and job.attempts == 3 and job.result == {"runs": 3}
    assert kinds.RUNS[job_id] == 3
    # The two failed runs' writes were rolled back: only the successful run's audit entry stayed.
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "tests.flaky_ran")) == 1


def test_a_job_out_of_runs_is_dead_with_its_error(app, session, settle):
    app.config["JOBS_RETRY_BACKOFF"] = "0"
    job_id = services.enqueue(session, "tests.flaky", fail_runs=10).id
    session.commit()
    settle()
    job = _job(session, job_id)
    assert job.state == JobState.DEAD and job.attempts == job.max_attempts == 3
    assert job.error.rstrip().endswith("RuntimeError: run 3 failed on purpose")
    assert 'kinds.py", line' in job.error and "in flaky" in job.error  # where it was raised, for the office
    assert kinds.RUNS[job_id] == 3


def test_a_result_file_is_kept_under_the_upload_folder(app, session, settle, tmp_path):
    job_id = services.enqueue(session, "tests.file", text="a,b\n1,2\n").id
    session.commit()
    settle()
    job = _job(session, job_id)
    assert job.state == JobState.DONE and job.result_kind == "csv" and job.result_label == "test.csv"
    stored = tmp_path / "uploads" / "jobs" / job.result_name
    assert stored.read_text(encoding="utf-8") == "a,b\n1,2\n" and job.result_size == 8


def test_a_job_of_a_kind_this_code_does_not_know_is_dead_at_once(app, session, settle):
    job = services.enqueue(session, "tests.echo", value=1)
    job.kind = "tests.removed_in_this_version"
    session.commit()
    settle()
    job = _job(session, job.id)
    assert job.state == JobState.DEAD and "no job kind 'tests.removed_in_this_version'" in job.error


def test_a_job_is_claimed_once(app, session, settle):
    job_id = services.enqueue(session, "tests.echo", value=1).id
    session.commit()
    settle()
    with app.app_context():
        assert runner.attempt(job_id).state is None  # already done: a second runner does nothing
    assert _job(session, job_id).attempts == 1

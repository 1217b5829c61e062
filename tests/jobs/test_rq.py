"""The RQ runner against the real Redis on 127.0.0.1:6379, with RQ's SimpleWorker in burst mode in this process
(each test on a queue of its own): the queue holds only the job's id, RQ's Retry runs a failed job again, and a
job out of runs is dead here and in RQ's failed registry."""
from rq.job import Job as RQJob
from rq.serializers import JSONSerializer

from app.jobs import runner, services
from app.jobs.models import Job, JobState
from tests.jobs import kinds


def _job(session, job_id) -> Job:
    session.expire_all()
    return session.get(Job, job_id)


def test_the_queue_holds_the_jobs_id_and_the_worker_runs_it(rq_app, session, work):
    job_id = services.enqueue(session, "tests.echo", value="over redis").id
    session.commit()
    queue = runner.rq_queue(rq_app)
    queued = RQJob.fetch(runner.rq_job_id(queue, job_id), connection=queue.connection, serializer=JSONSerializer)
    assert queued.func_name == "app.jobs.runner.perform" and queued.args == [job_id]  # JSON: no pickled callable
    assert _job(session, job_id).state == JobState.QUEUED
    work()
    job = _job(session, job_id)
    assert job.state == JobState.DONE and job.result == {"echo": "over redis"} and job.attempts == 1


def test_rq_retries_a_failed_job_until_it_succeeds(rq_app, session, work):
    job_id = services.enqueue(session, "tests.flaky", fail_runs=2).id
    session.commit()
    work()
    job = _job(session, job_id)
    assert job.state == JobState.DONE and job.attempts == 3 and kinds.RUNS[job_id] == 3


def test_a_job_out_of_runs_is_dead_and_in_rqs_failed_registry(rq_app, session, work):
    job_id = services.enqueue(session, "tests.flaky", fail_runs=10).id
    session.commit()
    work()
    job = _job(session, job_id)
    assert job.state == JobState.DEAD and job.attempts == 3 and kinds.RUNS[job_id] == 3
    assert "run 3 failed on purpose" in job.error
    queue = runner.rq_queue(rq_app)
    assert runner.rq_job_id(queue, job_id) in queue.failed_job_registry.get_job_ids()


def test_the_office_runs_a_dead_job_again_on_the_queue(rq_app, session, work, staff):
    job_id = services.enqueue(session, "tests.flaky", fail_runs=3).id
    session.commit()
    work()
    assert _job(session, job_id).state == JobState.DEAD
    services.retry(session, staff["admin"], _job(session, job_id))
    session.commit()
    queue = runner.rq_queue(rq_app)
    assert runner.rq_job_id(queue, job_id) not in queue.failed_job_registry.get_job_ids()
    work()
    job = _job(session, job_id)
    assert job.state == JobState.DONE and job.attempts == 1 and kinds.RUNS[job_id] == 4


def test_a_job_redis_does_not_take_is_dead_with_the_reason(app, session):
    app.config.update(JOBS_REDIS_URL="redis://127.0.0.1:1/0", JOBS_QUEUE="nowhere")
    job_id = services.enqueue(session, "tests.echo", value=1).id
    session.commit()
    job = _job(session, job_id)
    assert job.state == JobState.DEAD and job.error.startswith("The job queue did not take the job")

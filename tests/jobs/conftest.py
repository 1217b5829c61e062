"""Job fixtures: the test kinds and an RQ queue of the test's own on the Redis
at 127.0.0.1:6379 (skipped, saying why, when none answers; CI has one)."""
import uuid

import pytest

from app.jobs import runner
from app.serving import LOCAL_REDIS, redis_answers
from tests.jobs import kinds  # registers the test kinds


@pytest.fixture(autouse=True)
def _fresh_run_counts():
    kinds.RUNS.clear()  # job ids start again at 1 in every test's database


@pytest.fixture
def rq_app(app):
    """The app queueing on RQ under a queue name of this test's own; emptied and forgotten afterwards."""
    if not redis_answers(LOCAL_REDIS):
        pytest.skip("no Redis answers on 127.0.0.1:6379 (CI starts one); the RQ runner needs it")
    app.config.update(JOBS_REDIS_URL=LOCAL_REDIS, JOBS_QUEUE=f"test-{uuid.uuid4().hex[:12]}", JOBS_RETRY_BACKOFF="0")
    yield app
    queue = runner.rq_queue(app)
    connection = queue.connection
    for key in connection.scan_iter(match=f"*{queue.name}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def work(rq_app):
    """Run the jobs waiting on the test's queue in this process (RQ's SimpleWorker in burst mode)."""
    from rq import SimpleWorker

    def run() -> None:
        queue = runner.rq_queue(rq_app)
        SimpleWorker([queue], connection=queue.connection, serializer=queue.serializer).work(burst=True)
    return run

"""Job kinds the tests queue: they record what they were given, fail a given number of runs, report progress and
write to the database (rolled back when the run fails)."""
import threading
from collections import Counter

from app.audit import record
from app.jobs import job

RUNS: Counter = Counter()  # runs per job id, across retries (threads and in-process RQ workers alike)
_lock = threading.Lock()


def _count(context) -> int:
    with _lock:
        RUNS[context.job_id] += 1
        return RUNS[context.job_id]


@job("tests.echo", attempts=1)
def echo(context, *, value) -> dict:
    return {"echo": value}


@job("tests.flaky", attempts=3)
def flaky(context, *, fail_runs: int) -> dict:
    """Fails its first `fail_runs` runs; each failed run leaves an audit entry that must be rolled back."""
    run = _count(context)
    record(context.session, "tests.flaky_ran", None, object_type="jobs", object_id=context.job_id)
    context.session.flush()
    if run <= fail_runs:
        raise RuntimeError(f"run {run} failed on purpose")
    return {"runs": run}


@job("tests.progress", attempts=1)
def progress(context, *, steps: int) -> dict:
    context.progress(0, steps)
    for done in range(1, steps + 1):
        context.progress(done)
    return {"steps": steps}


@job("tests.file", attempts=1)
def file(context, *, text: str, repeat: int = 1) -> dict:
    path = context.temporary_file(".csv")
    with open(path, "w", encoding="utf-8") as output:
        output.write(text * repeat)
    context.store_result(path, label="test.csv", kind="csv")
    return {}

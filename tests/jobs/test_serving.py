"""`make run` and the jobs: a local worker beside gunicorn when a Redis answers (stopped with gunicorn), the
in-process runner otherwise."""
import os
import sys

import pytest

from app.serving import LOCAL_REDIS, jobs_plan, supervise


def test_a_local_worker_is_started_only_when_redis_is_there():
    assert jobs_plan({}, redis_up=lambda url: False) is None
    assert jobs_plan({}, redis_up=lambda url: url == LOCAL_REDIS) == {"JOBS_REDIS_URL": LOCAL_REDIS}
    assert jobs_plan({"JOBS_REDIS_URL": "redis://queue-host:6379/2"}, redis_up=lambda url: False) == {}


def test_the_worker_stops_when_the_server_does(tmp_path):
    marker = tmp_path / "worker-pid"
    worker = [sys.executable, "-c", f"import os, time; open({str(marker)!r}, 'w').write(str(os.getpid())); "
                                    "time.sleep(120)"]
    server = [sys.executable, "-c", f"import os, time\nwhile not os.path.exists({str(marker)!r}): time.sleep(0.05)\n"
                                    "raise SystemExit(3)"]
    assert supervise(server, worker, {}) == 3
    with pytest.raises(ProcessLookupError):  # the worker was stopped (and reaped) with the server
        os.kill(int(marker.read_text()), 0)

"""How `make run` serves the site with gunicorn: several workers only when the rate-limit counters live in
storage the workers share (Redis), otherwise one worker with threads, so that a limit of 30 a minute is 30
a minute and not 30 per worker. With a Redis, background jobs go to it and one local job worker
(`flask jobs-worker`, which also runs the scheduled duties) is started beside gunicorn and stopped with it;
without one, jobs run in the web process's own threads."""
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

# The Redis `make run` uses when it answers and no storage is configured.
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def redis_answers(url: str) -> bool:
    """True when a Redis server answers a PING at `url` within a second."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def plan(environ: Mapping[str, str], workers: int, threads: int,
         redis_up: Callable[[str], bool] = redis_answers) -> tuple[list[str], dict[str, str]]:
    """The gunicorn worker options and the environment additions for serving with shared rate limits."""
    storage = environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL") or ""
    added = {}
    if not storage and redis_up(LOCAL_REDIS):
        storage = added["RATELIMIT_STORAGE_URI"] = LOCAL_REDIS
    if storage and not storage.startswith("memory://"):
        return ["--workers", str(workers)], added
    # Process memory is per worker: one process, the concurrency from threads, so every limit counts once.
    return ["--workers", "1", "--threads", str(max(workers, threads))], added


def jobs_plan(environ: Mapping[str, str], redis_up: Callable[[str], bool] = redis_answers) -> dict[str, str] | None:
    """The environment additions for a local job worker beside gunicorn (JOBS_REDIS_URL set, or the local Redis
    answering), or None: jobs then run in the web process's threads."""
    if environ.get("JOBS_REDIS_URL"):
        return {}
    if redis_up(LOCAL_REDIS):
        return {"JOBS_REDIS_URL": LOCAL_REDIS}
    return None


def supervise(server: list[str], worker: list[str], environ: Mapping[str, str], restarts: int = 5) -> int:
    """Run the web server and the job worker side by side: a worker that stops is started again (a few times),
    a SIGTERM or Ctrl-C stops the server gracefully, and the worker is stopped once the server has exited.
    Returns the server's exit status."""
    server_process = subprocess.Popen(server, env=dict(environ))
    worker_process = subprocess.Popen(worker, env=dict(environ))

    def stop_server(signum, _frame) -> None:
        if server_process.poll() is None:
            server_process.send_signal(signal.SIGTERM)

    previous = {signum: signal.signal(signum, stop_server) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        while server_process.poll() is None:
            if worker_process.poll() is not None and restarts > 0:
                restarts -= 1
                print(f"The job worker stopped ({worker_process.returncode}); starting it again.", flush=True)
                time.sleep(1)
                worker_process = subprocess.Popen(worker, env=dict(environ))
            try:
                server_process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if worker_process.poll() is None:
            worker_process.send_signal(signal.SIGTERM)  # RQ's warm shutdown: the job in hand is finished
            try:
                worker_process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker_process.kill()
                worker_process.wait()
        if server_process.poll() is None:
            server_process.kill()
            server_process.wait()
    return server_process.returncode


def main(argv: list[str]) -> None:
    """`python -m app.serving WORKERS THREADS gunicorn-args…`: choose the workers, then become gunicorn (or, with a
    Redis for jobs, run gunicorn and one job worker side by side)."""
    workers, threads, rest = int(argv[0]), int(argv[1]), argv[2:]
    redis_up = functools.cache(redis_answers)
    options, added = plan(os.environ, workers, threads, redis_up)
    jobs = jobs_plan(os.environ, redis_up)
    environ = {**os.environ, **added, **(jobs or {})}
    shared = "--threads" not in options
    where = environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL")
    print(f"Rate limits: {'shared in ' + where if shared else 'in the memory of one worker process'}; "
          f"gunicorn {' '.join(options)}", flush=True)
    bin_dir = os.path.dirname(sys.executable)
    gunicorn = shutil.which("gunicorn", path=bin_dir) or "gunicorn"
    if jobs is None:
        print("Background jobs: in the web process's threads (no Redis); scheduled duties only through "
              "`flask jobs-run-due`.", flush=True)
        os.execve(gunicorn, [gunicorn, *options, *rest], environ)
    print(f"Background jobs: one local worker (flask jobs-worker) on {environ['JOBS_REDIS_URL']}, with the "
          "scheduled duties.", flush=True)
    flask = shutil.which("flask", path=bin_dir) or "flask"
    sys.exit(supervise([gunicorn, *options, *rest], [flask, "--app", "wsgi", "jobs-worker"], environ))


if __name__ == "__main__":
    main(sys.argv[1:])

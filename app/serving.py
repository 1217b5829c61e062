"""How `make run` serves the site with gunicorn: several workers only when the rate-limit counters live in
storage the workers share (Redis), otherwise one worker with threads, so that a limit of 30 a minute is 30
a minute and not 30 per worker."""
import os
import shutil
import sys
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


def main(argv: list[str]) -> None:
    """`python -m app.serving WORKERS THREADS gunicorn-args…`: choose the workers, then become gunicorn."""
    workers, threads, rest = int(argv[0]), int(argv[1]), argv[2:]
    options, added = plan(os.environ, workers, threads)
    environ = {**os.environ, **added}
    shared = "--threads" not in options
    where = environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL")
    print(f"Rate limits: {'shared in ' + where if shared else 'in the memory of one worker process'}; "
          f"gunicorn {' '.join(options)}", flush=True)
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    os.execve(gunicorn, [gunicorn, *options, *rest], environ)


if __name__ == "__main__":
    main(sys.argv[1:])

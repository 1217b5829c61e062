"""Measure the public indicator pages in-process: CPU ms and SQL statements per request, or a cProfile of one page.

Builds the bench data (`flask seed-demo --years INDICATOR_YEARS`, as `make bench` does) in a temporary SQLite
database, then requests each page through the test client.

    .venv/bin/python -m tests.bench.indicator_profile [--requests 50] [--profile /indicators/7] [--cold]

--cold empties the in-process indicator cache before every request, to measure the cost of a first view
after a change (an approval, a correction) next to the cost of the views that follow.
"""
import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from app import create_app
from app.extensions import db
from tests.bench.run import INDICATOR_YEARS

PAGES = [
    ("overview", "/indicators/", {}),
    ("htmx filter fragment", "/indicators/?place=qingshan&status=not_met", {"HX-Request": "true"}),
    ("district comparison", "/indicators/districts", {}),
    ("one indicator /7", "/indicators/7", {}),
    ("API districts/compliance", "/api/v1/districts/compliance", {}),
    ("API indicators", "/api/v1/indicators", {}),
    ("home (reference)", "/", {}),
]


def build_app(workdir: Path):
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}", "SECRET_KEY": "bench-" + "x" * 32,
        "RATELIMIT_ENABLED": False, "DEMO_CREDENTIALS_FILE": str(workdir / "credentials.txt"),
        "UPLOAD_DIR": str(workdir / "uploads"),
    })
    with app.app_context():
        upgrade()
        from app.demo import seed
        seed.run(db.session, app.config["DEMO_CREDENTIALS_FILE"], years=INDICATOR_YEARS)
        db.session.commit()
        db.session.remove()
    return app


def clear_cache(app) -> None:
    """Forget what the indicator pages cached in this process (no-op before the cache exists)."""
    try:
        from app.indicators import cache
    except ImportError:
        return
    cache.clear(app)


def cpu_ms(app, client, path: str, headers: dict, requests: int, cold: bool) -> tuple[float, float]:
    """CPU milliseconds and SQL statements per request."""
    for _ in range(3):  # warm up: templates compiled, caches filled
        assert client.get(path, headers=headers).status_code == 200, path
    total, statements = 0.0, []
    with app.app_context():
        engine = db.engine
    count = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(requests):
            if cold:
                clear_cache(app)
            start = time.process_time()
            response = client.get(path, headers=headers)
            response.get_data()
            total += time.process_time() - start
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return total / requests * 1000, len(statements) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", help="a path to profile (cProfile, top 30 by cumulative time)")
    parser.add_argument("--cold", action="store_true", help="empty the indicator cache before every request")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="indicator-bench-"))
    try:
        app = build_app(workdir)
        client = app.test_client()
        if args.profile:
            headers = {"HX-Request": "true"} if "status=" in args.profile else {}
            cpu_ms(app, client, args.profile, headers, 1, args.cold)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                if args.cold:
                    clear_cache(app)
                client.get(args.profile, headers=headers).get_data()
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            return
        print(f"{INDICATOR_YEARS} years of values, {args.requests} requests per page"
              f"{', cache emptied before each' if args.cold else ''}")
        for label, path, headers in PAGES:
            ms, statements = cpu_ms(app, client, path, headers, args.requests, args.cold)
            print(f"{label:28} {ms:8.2f} ms CPU/request {statements:6.1f} SQL statements/request")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

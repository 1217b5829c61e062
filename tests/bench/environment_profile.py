"""Measure the public environment pages in-process on a loaded database: CPU ms and SQL statements per request,
or a cProfile of one page, so that a page whose cost grows with years of hourly data shows before `make bench`.

Load a database first (`python -m tests.bench.environment_data load 20 1826` with DATABASE_URL set), then:

    DATABASE_URL=sqlite:///… .venv/bin/python -m tests.bench.environment_profile [--requests 20] [--profile PATH]
        [--plans] [--work PATH …]

--work prints one JSON line with, for each path, the Python function calls and the SQL statements one request
makes: counts that do not depend on how busy the machine is, which `make bench` reports next to wrk's figures.
"""
import argparse
import cProfile
import json
import pstats
import time
from datetime import datetime, timezone

from sqlalchemy import event, select

from app import create_app
from app.environment.models import AirStation, WaterSection
from app.extensions import db


def pages(year: int, station: str, section: str) -> list[str]:
    """Every public environment page and API answer whose cost could depend on the amount of data."""
    return [
        "/environment/", "/environment/air/history", "/environment/air/history?view=month",
        "/environment/air/history?view=year", "/environment/air/ranking", f"/environment/air/ranking?year={year}",
        f"/environment/air/stations/{station}", "/environment/water/", f"/environment/water/sections/{section}",
        "/environment/water/sources", "/environment/map", f"/environment/bulletin/{year}",
        "/environment/bulletin/", "/environment/alerts.atom", "/environment/data", "/",
        "/api/v1/air/places", "/api/v1/air/days?place=yunxi",
        f"/api/v1/air/days?place=yunxi&from={year}-01-01&to={year}-12-31",
        f"/api/v1/air/periods?place=yunxi&year={year}", "/api/v1/air/stations",
        f"/api/v1/air/stations/{station}/hours", "/api/v1/water/sections", "/api/v1/water/sources",
    ]


def cost(app, client, path: str, requests: int) -> tuple[float, float, int]:
    """CPU milliseconds and SQL statements per request, and the status."""
    status = 0
    for _ in range(2):  # warm up: templates compiled, caches filled
        status = client.get(path).status_code
    total, statements = 0.0, []
    with app.app_context():
        engine = db.engine
    count = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(requests):
            start = time.process_time()
            client.get(path).get_data()
            total += time.process_time() - start
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return total / requests * 1000, len(statements) / requests, status


def work(app, client, path: str, requests: int = 3) -> dict:
    """Python function calls and SQL statements per request, the status, the answer's size."""
    client.get(path)
    client.get(path)  # warm: templates compiled, caches filled
    statements: list[int] = []
    with app.app_context():
        engine = db.engine
    count = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", count)
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        for _ in range(requests):
            response = client.get(path)
            body = response.get_data()
        profiler.disable()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    calls = pstats.Stats(profiler).total_calls  # type: ignore[attr-defined]
    return {"calls": round(calls / requests), "statements": len(statements) / requests,
            "status": response.status_code, "bytes": len(body)}


def scans(app, client, path: str) -> None:
    """The statements of one request whose SQLite plan scans a table (rather than searching an index)."""
    statements: list[tuple[str, object]] = []
    with app.app_context():
        engine = db.engine
    keep = lambda conn, cursor, statement, parameters, context, many: statements.append((statement, parameters))  # noqa: E731
    event.listen(engine, "before_cursor_execute", keep)
    try:
        client.get(path).get_data()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    with app.app_context(), engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            scanned = [row[-1] for row in plan if row[-1].startswith("SCAN")]
            if scanned:
                print(f"{path}: {'; '.join(scanned)}\n    {' '.join(statement.split())[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", help="a path to profile (cProfile, top 30 by cumulative time)")
    parser.add_argument("--plans", action="store_true",
                        help="print the SQLite query plan of every statement that scans a table")
    parser.add_argument("--work", nargs="+", metavar="PATH",
                        help="one JSON line: function calls and SQL statements per request of each path")
    args = parser.parse_args()
    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        station = db.session.scalar(select(AirStation.code).order_by(AirStation.id))
        section = db.session.scalar(select(WaterSection.code).order_by(WaterSection.id))
    client = app.test_client()
    client.get("/", headers={"Accept-Language": "en"})
    if args.work:
        print(json.dumps({path: work(app, client, path) for path in args.work}))
        return
    if args.profile:
        client.get(args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(args.profile).get_data()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    year = datetime.now(timezone.utc).year - 1
    if args.plans:
        for path in pages(year, station, section):
            scans(app, client, path)
        return
    for path in pages(year, station, section):
        ms, statements, status = cost(app, client, path, args.requests)
        print(f"{path:70} {status} {ms:8.2f} ms CPU/request {statements:6.1f} SQL statements/request", flush=True)


if __name__ == "__main__":
    main()

"""Bench environmental data: hourly air values of many stations over years, bulk-loaded into the demo database,
then the station-days, the city's and districts' days, months and years rebuilt from them by the site's own
aggregation (`aggregation.rebuild_all`), as `flask environment-rebuild` does.

Run as `python -m tests.bench.environment_data load <stations> <days>` with DATABASE_URL set; it prints one JSON
line ({"stations", "days", "hours", "station_days", "place_days", "periods", "rows_seconds", "rebuild_seconds",
"seconds"}).

The demo's air values are replaced: stations are added to the demo's (in its districts, the first two-thirds
national or provincial) until there are <stations>, and each gets an hourly value for every hour of the <days>
days up to yesterday. The hours are written directly in batches (executemany on SQLite, COPY on PostgreSQL) inside
one transaction; their AQI comes from `app.environment.aqi` with its IAQI memoised for the loader's run (values are
rounded as published, so the same concentrations come back again and again). Everything evaluated from them is
the site's own computation, exact arithmetic included.
"""
import contextlib
import functools
import json
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, func, select

from app import create_app
from app.db_types import analyze
from app.demo import environment as demo
from app.environment import aggregation, aqi
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, AirStation, ControlLevel,
                                    DataOrigin, DataState)
from app.extensions import db
from app.org.models import Bureau, Place, PlaceLevel
from tests.bench.survey_data import insert_rows

BEIJING = timezone(timedelta(hours=8))
HOUR_COLUMNS = ["station_id", "observed_at", "so2", "no2", "co", "o3", "pm10", "pm25", "aqi", "primary_pollutants",
                "state", "origin", "updated_at"]


@contextlib.contextmanager
def _memoised_iaqi():
    """While the hours are generated: IAQI of (pollutant, concentration, averaging) computed once each. Not during
    the rebuild, which is measured as the site runs it."""
    original = aqi.iaqi
    aqi.iaqi = functools.lru_cache(maxsize=None)(original)
    try:
        yield
    finally:
        aqi.iaqi = original


def _stations(session, count: int) -> list[AirStation]:
    """The demo's stations and bench ones (BENCH-A01…) in the districts, round robin, until there are `count`."""
    stations = list(session.scalars(select(AirStation).order_by(AirStation.id)))
    districts = list(session.scalars(select(Place).where(Place.level == PlaceLevel.DISTRICT).order_by(Place.id)))
    bureau = session.scalar(select(Bureau).where(Bureau.code == "eeb"))
    number = 0
    while len(stations) < count:
        number += 1
        level = ControlLevel.PROVINCIAL if number % 3 else ControlLevel.MUNICIPAL
        station = AirStation(code=f"BENCH-A{number:02d}", name_zh_hans=f"测试站{number}",
                             name_zh_hant=f"測試站{number}", name_en=f"Bench station {number}", control_level=level,
                             place=districts[number % len(districts)], bureau=bureau, sort_order=100 + number)
        session.add(station)
        stations.append(station)
    session.flush()
    return stations[:count]


def _station_hours(rng: random.Random, station_id: int, factor: float, first: date, days: int, now: datetime):
    """One station's hours, as tuples for insert_rows."""
    hours = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        rows = demo._hour_rows(rng, demo._day_values(rng, day, factor))
        start = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
        for h, row in enumerate(rows):
            result = aqi.hourly_aqi({p: row[p.value] for p in aqi.Pollutant})
            hours.append((station_id, start + timedelta(hours=h + 1), row["so2"], row["no2"], row["co"], row["o3"],
                          row["pm10"], row["pm25"], result.aqi, ",".join(p.value for p in result.primary),
                          DataState.VALIDATED.value, DataOrigin.DEMO.value, now))
    return hours


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def load(session, station_count: int, days: int, seed: int = 2025) -> dict:
    """Replace the air values by `days` days of hours of `station_count` stations, then rebuild what is evaluated
    from them."""
    started = time.monotonic()
    for model in (AirPlacePeriod, AirPlaceDay, AirDay, AirHour):
        session.execute(delete(model))
    stations = _stations(session, station_count)
    now = datetime.now(timezone.utc)
    first = (now.astimezone(BEIJING) - timedelta(days=days)).date()
    rng = random.Random(seed)
    factors = {s.id: (0.7 + 0.5 * rng.random()) for s in stations}
    with _memoised_iaqi():
        for station in stations:
            insert_rows(session, AirHour.__table__, HOUR_COLUMNS,
                        _station_hours(rng, station.id, factors[station.id], first, days, now))
    rows_seconds = time.monotonic() - started
    rebuilding = time.monotonic()
    aggregation.rebuild_all(session)
    rebuild_seconds = time.monotonic() - rebuilding
    session.commit()
    analyze(session)  # the planner's statistics, which the demo's were taken before these rows
    session.commit()
    return {"stations": len(stations), "days": days, "hours": _count(session, AirHour),
            "station_days": _count(session, AirDay), "place_days": _count(session, AirPlaceDay),
            "periods": _count(session, AirPlacePeriod), "rows_seconds": rows_seconds,
            "rebuild_seconds": rebuild_seconds, "seconds": time.monotonic() - started}


def main() -> None:
    command, *args = sys.argv[1:]
    app = create_app()
    with app.app_context():
        if command == "load":
            result = load(db.session, int(args[0]), int(args[1]))
        else:
            sys.exit(__doc__)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

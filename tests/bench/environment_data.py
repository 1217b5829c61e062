"""Bench environmental data: hourly air values of many stations over years, with their days and the city's and
districts' days, months and years, bulk-loaded into the demo database.

Run as `python -m tests.bench.environment_data load <stations> <days>` with DATABASE_URL set; it prints one JSON
line ({"stations", "days", "hours", "station_days", "place_days", "periods", "seconds", "rows_seconds"}).

The demo's air values are replaced: stations are added to the demo's (in its districts, the first two-thirds
national or provincial) until there are <stations>, and each gets an hourly value for every hour of the <days>
days up to yesterday, its day computed from those hours (means of the 24 values, O3 8-hour maxima), the places'
days as the mean of their stations' days and every month and year evaluated by HJ 663-2013 (the demo's
`place_days` and `place_periods`). Going through the services (and the aggregation's exact arithmetic) would take
an hour at 900k hours, so rows are written directly in batches (executemany on SQLite, COPY on PostgreSQL)
inside one transaction. The AQI of an hour or a day comes from `app.environment.aqi` with its IAQI memoised for
the loader's run: values are rounded as published, so the same concentrations come back again and again.
"""
import functools
import json
import math
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, func, select

from app import create_app
from app.db_types import analyze
from app.demo import environment as demo
from app.environment import aqi
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, AirStation, ControlLevel,
                                    DataOrigin, DataState)
from app.extensions import db
from app.org.models import Bureau, Place, PlaceLevel
from tests.bench.survey_data import insert_rows

BEIJING = timezone(timedelta(hours=8))
HOUR_COLUMNS = ["station_id", "observed_at", "so2", "no2", "co", "o3", "pm10", "pm25", "aqi", "primary_pollutants",
                "state", "origin", "updated_at"]
DAY_COLUMNS = ["station_id", "day", "so2", "no2", "co", "pm10", "pm25", "o3_1h_max", "o3_8h_max", "aqi",
               "primary_pollutants", "state", "origin", "updated_at"]
PLACE_DAY_COLUMNS = ["place_id", "day", "so2", "no2", "co", "pm10", "pm25", "o3_1h_max", "o3_8h_max", "aqi",
                     "primary_pollutants", "stations", "provisional", "updated_at"]
PERIOD_COLUMNS = ["place_id", "period", "so2", "no2", "pm10", "pm25", "co_p95", "o3_8h_p90", "valid_days",
                  "good_days", "days_by_level", "good_ratio", "composite_index", "meets_grade2", "annual_valid",
                  "provisional", "updated_at"]
ITEMS = ("so2", "no2", "co", "pm10", "pm25")


def _memoise_iaqi() -> None:
    """The loader's own run only: IAQI of (pollutant, concentration, averaging) computed once each."""
    aqi.iaqi = functools.lru_cache(maxsize=None)(aqi.iaqi)


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


def _mean(values) -> float | None:
    present = [v for v in values if v is not None]
    return round(math.fsum(present) / len(present), 1) if present else None


def _station(rng: random.Random, station_id: int, factor: float, first: date, days: int, now: datetime):
    """One station's hours (as tuples for insert_rows) and its days (as dicts for the demo's place_days)."""
    hours, day_rows = [], []
    for offset in range(days):
        day = first + timedelta(days=offset)
        values = demo._day_values(rng, day, factor)
        rows = demo._hour_rows(rng, values)
        start = datetime(day.year, day.month, day.day, tzinfo=BEIJING)
        for h, row in enumerate(rows):
            result = aqi.hourly_aqi({p: row[p.value] for p in aqi.Pollutant})
            hours.append((station_id, start + timedelta(hours=h + 1), row["so2"], row["no2"], row["co"], row["o3"],
                          row["pm10"], row["pm25"], result.aqi, ",".join(p.value for p in result.primary),
                          DataState.VALIDATED.value, DataOrigin.DEMO.value, now))
        means = {item: _mean(row[item] for row in rows) for item in ITEMS}
        o3 = [row["o3"] for row in rows]
        o3_8h_max = max(round(math.fsum(o3[end - 7:end + 1]) / 8, 1) for end in range(7, 24))
        day_row = {"station_id": station_id, "day": day, **means, "o3_1h_max": max(o3), "o3_8h_max": o3_8h_max,
                   "state": DataState.VALIDATED}
        result = aqi.daily_aqi({aqi.Pollutant(k): v for k, v in means.items()}, o3_8h_max, max(o3))
        day_row.update(aqi=result.aqi, primary_pollutants=",".join(p.value for p in result.primary))
        day_rows.append(day_row)
    return hours, day_rows


def load(session, station_count: int, days: int, seed: int = 2025) -> dict:
    """Replace the air values by `days` days of hours of `station_count` stations, with their evaluated tables."""
    started = time.monotonic()
    _memoise_iaqi()
    for model in (AirPlacePeriod, AirPlaceDay, AirDay, AirHour):
        session.execute(delete(model))
    stations = _stations(session, station_count)
    now = datetime.now(timezone.utc)
    first = (now.astimezone(BEIJING) - timedelta(days=days)).date()
    rng = random.Random(seed)
    factors = {s.id: (0.7 + 0.5 * rng.random()) for s in stations}
    all_days: list[dict] = []
    hour_count = 0
    for station in stations:
        hours, day_rows = _station(rng, station.id, factors[station.id], first, days, now)
        insert_rows(session, AirHour.__table__, HOUR_COLUMNS, hours)
        insert_rows(session, AirDay.__table__, DAY_COLUMNS, [
            tuple(row.get(c) for c in DAY_COLUMNS[:-3]) + (DataState.VALIDATED.value, DataOrigin.COMPUTED.value, now)
            for row in day_rows])
        hour_count += len(hours)
        all_days += day_rows
    rows_seconds = time.monotonic() - started
    city = session.scalar(select(Place).where(Place.level == PlaceLevel.CITY))
    members: dict[int, list[int]] = {}
    for station in stations:
        members.setdefault(station.place_id, []).append(station.id)
        if station.control_level.counts_for_city:
            members.setdefault(city.id, []).append(station.id)
    place_days = demo.place_days(all_days, members)
    insert_rows(session, AirPlaceDay.__table__, PLACE_DAY_COLUMNS,
                [tuple(row.get(c) for c in PLACE_DAY_COLUMNS[:-1]) + (now,) for row in place_days])
    periods = demo.place_periods(place_days)
    insert_rows(session, AirPlacePeriod.__table__, PERIOD_COLUMNS,
                [tuple(row.get(c) for c in PERIOD_COLUMNS[:-1]) + (now,) for row in periods])
    session.commit()
    analyze(session)  # the planner's statistics, which the demo's were taken before these rows
    session.commit()
    return {"stations": len(stations), "days": days, "hours": hour_count, "station_days": len(all_days),
            "place_days": len(place_days), "periods": len(periods), "rows_seconds": rows_seconds,
            "seconds": time.monotonic() - started,
            "stored_hours": session.scalar(select(func.count()).select_from(AirHour))}


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

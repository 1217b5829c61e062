"""Rebuilding the evaluated air tables from the values: station-days from hours, place-days from station-days,
months and years from place-days. Set-based: each step reads its rows a month at a time and upserts results.

Hour labelling (see models.py and `aqi.daily_means`): an hour is labelled by its END, so the Beijing day D holds
the hours labelled D 01:00 … D+1 00:00 Beijing time; the hour labelled L is row (L − 1 h).hour of day
(L − 1 h).date(). A station-day imported as daily values (origin import, demo or push) is authoritative and
is never recomputed from hours; a computed one follows its hours and goes when they go.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import DateTime, delete, func, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.db_types import utcnow
from app.environment.air_evaluation import DayRecord, city_day, evaluate_period
from app.environment.aqi import POLLUTANTS, Pollutant, daily_aqi, daily_columns
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, AirStation, DataOrigin,
                                    DataState)
from app.notifications import topics
from app.org.models import Place, PlaceLevel

# China has kept UTC+8 all year since 1992: a fixed offset is exact and needs no time-zone database.
BEIJING = timezone(timedelta(hours=8))
HOUR = timedelta(hours=1)
_BEIJING_START = timedelta(hours=8) - HOUR
_DAY_ITEMS = ("so2", "no2", "co", "pm10", "pm25")
_DAY_POLLUTANTS = tuple((name, Pollutant(name)) for name in _DAY_ITEMS)
_ROWS_PER_STATEMENT = 400
_ROWS_PER_EXECUTEMANY = 5000

StationDay = tuple[int, date]


# --- time ---------------------------------------------------------------------------------------------------

def day_and_row(observed_at: datetime) -> tuple[date, int]:
    """The Beijing day an hour belongs to and its row 0…23 in that day (the hour is labelled by its end)."""
    if observed_at.tzinfo is timezone.utc:
        # What the database gives back: the start of the hour in Beijing's wall time is UTC + 7 h, and adding
        # to the UTC time is far cheaper than converting it (this runs once for every stored hour).
        start = observed_at + _BEIJING_START
    else:
        start = observed_at.astimezone(BEIJING) - HOUR
    return start.date(), start.hour


def _stored_day_and_row(observed_at: datetime) -> tuple[date, int]:
    """day_and_row of a stored time as the driver returns it: SQLite gives the UTC time without its zone."""
    if observed_at.tzinfo is None:
        start = observed_at + _BEIJING_START
        return start.date(), start.hour
    return day_and_row(observed_at)


def hour_label(day: date, row: int) -> datetime:
    """The end-of-hour label (UTC) of row 0…23 of a Beijing day."""
    return (datetime.combine(day, time(0), BEIJING) + HOUR * (row + 1)).astimezone(timezone.utc)


def _day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """The labels of the hours of Beijing days first…last: after the first bound, up to and with the second."""
    return (datetime.combine(first, time(0), BEIJING).astimezone(timezone.utc),
            datetime.combine(last + timedelta(days=1), time(0), BEIJING).astimezone(timezone.utc))


def _month_of(day: date) -> tuple[int, int]:
    return day.year, day.month


def _month_days(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of a period "2025-03" or "2025"."""
    if len(period) == 4:
        year = int(period)
        return date(year, 1, 1), date(year, 12, 31)
    year, month = int(period[:4]), int(period[5:7])
    return _month_days(year, month)


def periods_of(day: date) -> tuple[str, str]:
    """The month and the year a day counts in."""
    return f"{day.year:04d}-{day.month:02d}", f"{day.year:04d}"


# --- writing ------------------------------------------------------------------------------------------------

def _chunks(rows: Sequence, size: int = _ROWS_PER_STATEMENT) -> Iterator[Sequence]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _upsert(session, model, rows: list[dict], keys: tuple[str, ...]) -> None:
    """Insert the rows or update the row with the same keys: one statement executed for many rows (compiled
    once, where a multi-row VALUES would be compiled afresh for every chunk), rows in key order."""
    if not rows:
        return
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else pg_insert
    rows = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
    statement = insert(model.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in rows[0] if name not in keys})
    for chunk in _chunks(rows, _ROWS_PER_EXECUTEMANY):
        session.execute(statement, list(chunk))


def _forget_loaded(session, *models) -> None:
    """Expire rows of these tables the session already holds: the upserts bypassed the identity map."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, models):
            session.expire(obj)


# --- station-days -------------------------------------------------------------------------------------------

_ITEMS_FROM = 3  # an hour row: station id, time, validated, then the six items in Pollutant order
_NO_HOUR = (None,) * (_ITEMS_FROM + len(Pollutant))


def _station_day_row(station_id: int, day: date, hours: Mapping[int, Any], now: datetime) -> dict:
    """The AirDay values of one station-day from its hours (row number 0…23 → hour row)."""
    rows = [hours.get(r, _NO_HOUR) for r in range(24)]
    stats = daily_columns({pollutant: [row[index] for row in rows]
                           for index, pollutant in enumerate(POLLUTANTS, start=_ITEMS_FROM)})
    result = daily_aqi(stats.means, stats.o3_8h_max, stats.o3_1h_max)
    validated = all(hour[2] for hour in hours.values())
    return {
        "station_id": station_id, "day": day,
        **{name: stats.means[pollutant] for name, pollutant in _DAY_POLLUTANTS},
        "o3_1h_max": stats.o3_1h_max, "o3_8h_max": stats.o3_8h_max,
        "aqi": result.aqi, "primary_pollutants": ",".join(p.value for p in result.primary),
        "state": (DataState.VALIDATED if validated else DataState.PROVISIONAL).value,
        "origin": DataOrigin.COMPUTED.value, "updated_at": now,
    }


def _rebuild_station_month(session, wanted: Mapping[int, set[date]] | None,
                           span: tuple[date, date] | None = None) -> None:
    """Recompute station-days of one month: the wanted ones, or (wanted None) every station-day of `span` that
    has hours. One query for their hours, one for the imported days to keep, a few upserts and deletes."""
    if wanted is not None:
        station_ids: list[int] | None = sorted(wanted)
        first = min(min(days) for days in wanted.values())
        last = max(max(days) for days in wanted.values())
    else:
        assert span is not None
        station_ids, (first, last) = None, span
    lower, upper = _day_range(first, last)
    kept_query = select(AirDay.station_id, AirDay.day).where(
        AirDay.day.between(first, last), AirDay.origin != DataOrigin.COMPUTED)
    # Plain tuples, read through the connection (no ORM row handling), the time as the driver gives it, the state
    # as a flag (no enum member made per hour), then the items in Pollutant order, as _station_day_row reads them:
    # this loop runs once for every stored hour.
    hour_query = (select(AirHour.station_id, type_coerce(AirHour.observed_at, DateTime(timezone=True)),
                         AirHour.state == DataState.VALIDATED,
                         *[getattr(AirHour, pollutant.value) for pollutant in POLLUTANTS])
                  .where(AirHour.observed_at > lower, AirHour.observed_at <= upper))
    if station_ids is not None:
        kept_query = kept_query.where(AirDay.station_id.in_(station_ids))
        hour_query = hour_query.where(AirHour.station_id.in_(station_ids))
    else:
        # Every station named, so that the (station_id, observed_at) index serves the month for each station
        # rather than a scan of every hour of every year (PostgreSQL cannot skip over the index's first column).
        hour_query = hour_query.where(AirHour.station_id.in_(select(AirStation.id)))
    kept = {(row.station_id, row.day) for row in session.execute(kept_query)}
    hours: dict[StationDay, dict[int, Any]] = defaultdict(dict)
    for row in session.connection().execute(hour_query):
        day, hour_row = _stored_day_and_row(row[1])
        if wanted is None or day in wanted[row[0]]:
            hours[(row[0], day)][hour_row] = row
    if wanted is None:
        wanted = defaultdict(set)
        for station_id, day in hours:
            wanted[station_id].add(day)
    now = utcnow()
    results: list[dict] = []
    gone: dict[int, list[date]] = defaultdict(list)
    for station_id in sorted(wanted):
        for day in sorted(wanted[station_id]):
            key = (station_id, day)
            if key in kept:
                continue
            if key in hours:
                results.append(_station_day_row(station_id, day, hours[key], now))
            else:
                gone[station_id].append(day)
    _upsert(session, AirDay, results, ("station_id", "day"))
    for station_id, days in gone.items():
        for chunk in _chunks(days):
            session.execute(delete(AirDay).where(
                AirDay.station_id == station_id, AirDay.day.in_(list(chunk)),
                AirDay.origin == DataOrigin.COMPUTED))


def _by_month(keys: Iterable[StationDay]) -> dict[tuple[int, int], dict[int, set[date]]]:
    months: dict[tuple[int, int], dict[int, set[date]]] = defaultdict(lambda: defaultdict(set))
    for station_id, day in keys:
        months[_month_of(day)][station_id].add(day)
    return months


def rebuild_station_days(session, keys: Iterable[StationDay]) -> None:
    """Recompute the computed AirDay rows of these station-days from their hours (imported days are kept)."""
    for _month, wanted in sorted(_by_month(keys).items()):
        _rebuild_station_month(session, wanted)
    _forget_loaded(session, AirDay)


# --- place-days ---------------------------------------------------------------------------------------------

def _city(session) -> Place | None:
    return session.scalars(select(Place).where(Place.level == PlaceLevel.CITY)).first()


def _record(row) -> DayRecord:
    return DayRecord(day=row.day, means={pollutant: getattr(row, name) for name, pollutant in _DAY_POLLUTANTS},
                     o3_8h_max=row.o3_8h_max, aqi=row.aqi, o3_1h_max=row.o3_1h_max)


def _has_valid_value(row) -> bool:
    """A station-day counts for its place when it has a valid statistic of at least one item: a station short
    of hours for one item is left out of that item's mean only (HJ 663-2013), not out of the others'."""
    return any(getattr(row, name) is not None for name in (*_DAY_ITEMS, "o3_8h_max", "o3_1h_max"))


def _place_day_row(place_id: int, day: date, station_days: list, now: datetime) -> dict:
    record = city_day([_record(row) for row in station_days])
    result = daily_aqi(record.means, record.o3_8h_max, record.o3_1h_max)
    return {
        "place_id": place_id, "day": day,
        **{name: record.means[pollutant] for name, pollutant in _DAY_POLLUTANTS},
        "o3_1h_max": record.o3_1h_max, "o3_8h_max": record.o3_8h_max,
        "aqi": result.aqi, "primary_pollutants": ",".join(p.value for p in result.primary),
        "stations": len(station_days),
        "provisional": any(row.state == DataState.PROVISIONAL for row in station_days),
        "updated_at": now,
    }


def _rebuild_place_range(session, city_id: int | None, days: set[date]) -> None:
    """The city's and every district's AirPlaceDay on these days (all within one month): one query."""
    first, last = min(days), max(days)
    groups: dict[tuple[int, date], list] = defaultdict(list)
    for row in session.execute(
            select(AirDay.day, AirDay.so2, AirDay.no2, AirDay.co, AirDay.pm10, AirDay.pm25, AirDay.o3_1h_max,
                   AirDay.o3_8h_max, AirDay.aqi, AirDay.state, AirStation.place_id, AirStation.control_level)
            .join(AirStation, AirStation.id == AirDay.station_id)
            .where(AirDay.day.between(first, last), AirStation.active.is_(True))):
        if row.day not in days or not _has_valid_value(row):
            continue
        groups[(row.place_id, row.day)].append(row)
        if city_id is not None and row.control_level.counts_for_city:
            groups[(city_id, row.day)].append(row)
    now = utcnow()
    _upsert(session, AirPlaceDay, [_place_day_row(place_id, day, rows, now)
                                   for (place_id, day), rows in groups.items()], ("place_id", "day"))
    # A place-day none of whose stations has a valid day any more goes.
    stale = session.execute(select(AirPlaceDay.id, AirPlaceDay.place_id, AirPlaceDay.day)
                            .where(AirPlaceDay.day.between(first, last))).all()
    gone = [row.id for row in stale if row.day in days and (row.place_id, row.day) not in groups]
    for chunk in _chunks(gone):
        session.execute(delete(AirPlaceDay).where(AirPlaceDay.id.in_(list(chunk))))


def rebuild_place_days(session, days: Iterable[date]) -> None:
    """Recompute AirPlaceDay of the city (national and provincial stations) and each district on these days."""
    city = _city(session)
    months: dict[tuple[int, int], set[date]] = defaultdict(set)
    for day in days:
        months[_month_of(day)].add(day)
    for _month, month_days in sorted(months.items()):
        _rebuild_place_range(session, city.id if city else None, month_days)
    _forget_loaded(session, AirPlaceDay)


# --- periods ------------------------------------------------------------------------------------------------

def _period_row(place_id: int, period: str, rows: list, now: datetime) -> dict:
    evaluation = evaluate_period([_record(row) for row in rows])
    yearly = len(period) == 4
    return {
        "place_id": place_id, "period": period,
        "so2": evaluation.means[Pollutant.SO2], "no2": evaluation.means[Pollutant.NO2],
        "pm10": evaluation.means[Pollutant.PM10], "pm25": evaluation.means[Pollutant.PM25],
        "co_p95": evaluation.means[Pollutant.CO], "o3_8h_p90": evaluation.means[Pollutant.O3],
        "valid_days": evaluation.valid_days, "good_days": evaluation.good_days,
        "days_by_level": ",".join(str(evaluation.days_by_level[level]) for level in range(1, 7)),
        "good_ratio": evaluation.good_ratio, "composite_index": evaluation.composite_index,
        "meets_grade2": evaluation.meets_grade2 if yearly else None,
        "annual_valid": evaluation.annual_valid if yearly else False,
        "provisional": any(row.provisional for row in rows), "updated_at": now,
    }


def rebuild_periods(session, place_periods: Iterable[tuple[int, str]]) -> None:
    """Recompute AirPlacePeriod of these (place id, "YYYY-MM" or "YYYY") from the place's days; one query per
    period for all its places. A period without any place-day is deleted."""
    by_period: dict[str, set[int]] = defaultdict(set)
    for place_id, period in place_periods:
        by_period[period].add(place_id)
    now = utcnow()
    for period, place_ids in sorted(by_period.items()):
        first, last = period_bounds(period)
        rows: dict[int, list] = defaultdict(list)
        for row in session.execute(
                select(AirPlaceDay.place_id, AirPlaceDay.day, AirPlaceDay.so2, AirPlaceDay.no2, AirPlaceDay.co,
                       AirPlaceDay.pm10, AirPlaceDay.pm25, AirPlaceDay.o3_1h_max, AirPlaceDay.o3_8h_max,
                       AirPlaceDay.aqi, AirPlaceDay.provisional)
                .where(AirPlaceDay.place_id.in_(sorted(place_ids)), AirPlaceDay.day.between(first, last))
                .order_by(AirPlaceDay.place_id, AirPlaceDay.day)):
            rows[row.place_id].append(row)
        _upsert(session, AirPlacePeriod, [_period_row(place_id, period, rows[place_id], now)
                                          for place_id in sorted(rows)], ("place_id", "period"))
        empty = sorted(place_ids - set(rows))
        if empty:
            session.execute(delete(AirPlacePeriod).where(AirPlacePeriod.period == period,
                                                         AirPlacePeriod.place_id.in_(empty)))
    _forget_loaded(session, AirPlacePeriod)


def _all_place_ids(session) -> list[int]:
    return list(session.scalars(select(Place.id).order_by(Place.id)))


def _periods_for_days(place_ids: Iterable[int], days: Iterable[date]) -> set[tuple[int, str]]:
    periods = {period for day in days for period in periods_of(day)}
    return {(place_id, period) for place_id in place_ids for period in periods}


# --- entry points -------------------------------------------------------------------------------------------

def refresh(session, station_days: Iterable[StationDay]) -> None:
    """After values were written: the station-days, then the place-days of those days, then their periods."""
    keys = set(station_days)
    if not keys:
        return
    session.flush()
    rebuild_station_days(session, keys)
    days = {day for _station, day in keys}
    rebuild_place_days(session, days)
    topics.air_days_evaluated(session, days, today=utcnow().astimezone(BEIJING).date())
    rebuild_periods(session, _periods_for_days(_all_place_ids(session), days))


def refresh_places(session, days: Iterable[date]) -> None:
    """After a station changed place, level or activity: the place-days of these days and their periods."""
    days = set(days)
    if not days:
        return
    session.flush()
    rebuild_place_days(session, days)
    rebuild_periods(session, _periods_for_days(_all_place_ids(session), days))


def rebuild_all(session) -> None:
    """Rebuild every computed station-day, place-day and period from the stored values, a month at a time."""
    session.flush()
    session.execute(delete(AirDay).where(AirDay.origin == DataOrigin.COMPUTED))
    session.execute(delete(AirPlaceDay))
    session.execute(delete(AirPlacePeriod))
    bounds = session.execute(select(func.min(AirHour.observed_at), func.max(AirHour.observed_at))).one()
    day_bounds = session.execute(select(func.min(AirDay.day), func.max(AirDay.day))).one()
    firsts = [day_and_row(bounds[0])[0] if bounds[0] else None, day_bounds[0]]
    lasts = [day_and_row(bounds[1])[0] if bounds[1] else None, day_bounds[1]]
    known_first = [d for d in firsts if d is not None]
    known_last = [d for d in lasts if d is not None]
    if not known_first:
        _forget_loaded(session, AirDay, AirPlaceDay, AirPlacePeriod)
        return
    year, month = _month_of(min(known_first))
    end = _month_of(max(known_last))
    city = _city(session)
    months: list[tuple[int, int]] = []
    while (year, month) <= end:
        first, last = _month_days(year, month)
        _rebuild_station_month(session, None, (first, last))
        days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
        _rebuild_place_range(session, city.id if city else None, days)
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    place_ids = _all_place_ids(session)
    periods = {f"{y:04d}-{m:02d}" for y, m in months} | {f"{y:04d}" for y, _m in months}
    rebuild_periods(session, {(place_id, period) for place_id in place_ids for period in periods})
    _forget_loaded(session, AirDay, AirPlaceDay)


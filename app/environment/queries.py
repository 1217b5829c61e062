"""Read questions of the public air pages over the evaluated tables (air_place_days, air_place_periods, air_days)
and, for "now", each station's latest hour.

Every question reads a bounded number of rows through a unique index — a place's days of one month, a place's
months of one year, a station's hours of one day, the latest hour of each station — so a page costs the same
whatever number of years is stored. Hours are never scanned or aggregated here.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.environment.air_evaluation import round_half_even
from app.environment.aqi import EIGHT_HOURS, HOUR, Category, Pollutant, category_of, iaqi
from app.environment.models import (AirDay, AirHour, AirPlaceDay, AirPlacePeriod, AirStation, DataState,
                                    DrinkingSource, WaterSection)
from app.org.models import Place, PlaceLevel

MONTH_PATTERN = re.compile(r"([0-9]{4})-([0-9]{2})")
YEAR_PATTERN = re.compile(r"[0-9]{4}")
FIRST_YEAR, LAST_YEAR = 2000, 2100
STATION_DAYS = 30


# ---------------------------------------------------------------------------------------------- readings


@dataclass(frozen=True)
class Reading:
    """An AQI as a page shows it: the value, its category, the primary pollutants, whether it is provisional.

    o3_daily says how ozone is named among the primary pollutants: 臭氧8小时 (a day whose O3 index came from the
    8-hour maximum) or 臭氧1小时 (an hour, or a day whose O3 index came from the 1-hour maximum)."""

    aqi: int | None
    category: Category | None
    primary: tuple[Pollutant, ...]
    o3_daily: bool
    provisional: bool


def primary_of(text: str) -> tuple[Pollutant, ...]:
    """The stored primary pollutants ("pm25,o3") as members in the standard's order; unknown keys are left out."""
    keys = {part.strip() for part in (text or "").split(",")}
    return tuple(p for p in Pollutant if p.value in keys)


def _category(aqi: int | None) -> Category | None:
    return None if aqi is None or aqi < 0 else category_of(aqi)


def hour_reading(hour: AirHour) -> Reading:
    """The real-time reading of one station-hour."""
    return Reading(hour.aqi, _category(hour.aqi), primary_of(hour.primary_pollutants), False,
                   hour.state == DataState.PROVISIONAL)


def _o3_from_eight_hours(row) -> bool:
    """HJ 633-2012: a day's O3 index is the larger of its 8-hour and 1-hour maxima's (8-hour above 800: 1-hour)."""
    eight = None if row.o3_8h_max is None else iaqi(Pollutant.O3, row.o3_8h_max, EIGHT_HOURS)
    one = None if row.o3_1h_max is None else iaqi(Pollutant.O3, row.o3_1h_max, HOUR)
    return not (one is not None and (eight is None or one > eight))


def day_reading(row: AirDay | AirPlaceDay) -> Reading:
    """The daily reading of a station-day or a place-day."""
    provisional = row.provisional if isinstance(row, AirPlaceDay) else row.state == DataState.PROVISIONAL
    primary = primary_of(row.primary_pollutants)
    return Reading(row.aqi, _category(row.aqi), primary,
                   _o3_from_eight_hours(row) if Pollutant.O3 in primary else True, provisional)


# ---------------------------------------------------------------------------------------------- parameters


def parse_month(text: str) -> tuple[int, int] | None:
    """"2025-03" as (2025, 3); None for anything else (other shapes, month 13, years out of range)."""
    match = MONTH_PATTERN.fullmatch(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12 else None


def parse_year(text: str) -> int | None:
    """"2025" as 2025; None for anything else."""
    if not YEAR_PATTERN.fullmatch(text or ""):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and the last day of a month."""
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def year_before(period: str) -> str:
    """The same month or year a year earlier: "2025-03" → "2024-03", "2025" → "2024"."""
    return f"{int(period[:4]) - 1:04d}{period[4:]}"


# ---------------------------------------------------------------------------------------------- places


def air_places(session) -> list[Place]:
    """The city and its active districts, the city first: the places with air figures."""
    query = (select(Place).where(Place.active.is_(True))
             .order_by((Place.level == PlaceLevel.DISTRICT), Place.sort_order, Place.code))
    return list(session.scalars(query))


def place_by_code(session, code: str) -> Place | None:
    """An active city or district by its code."""
    return session.scalar(select(Place).where(Place.code == code, Place.active.is_(True)))


def the_city(session) -> Place | None:
    return session.scalar(select(Place).where(Place.level == PlaceLevel.CITY))


# ---------------------------------------------------------------------------------------------- now


@dataclass(frozen=True)
class StationNow:
    """A station with its latest hour (None for a station that has reported none yet)."""

    station: AirStation
    hour: AirHour | None

    @property
    def reading(self) -> Reading | None:
        return None if self.hour is None else hour_reading(self.hour)


def stations_now(session) -> list[StationNow]:
    """Every active station with its latest hour: one index seek per station on (station_id, observed_at)."""
    latest = (select(AirHour.id).where(AirHour.station_id == AirStation.id)
              .order_by(AirHour.observed_at.desc()).limit(1).correlate(AirStation).scalar_subquery())
    query = (select(AirStation, AirHour).outerjoin(AirHour, AirHour.id == latest)
             .where(AirStation.active.is_(True)).options(joinedload(AirStation.place))
             .order_by(AirStation.sort_order, AirStation.code))
    return [StationNow(station, hour) for station, hour in session.execute(query)]


def newest_hour(session) -> datetime | None:
    """The time of the newest stored hour of any station: the largest of each station's newest, each read at the
    end of its (station_id, observed_at) index (a MAX over every hour would read all of them)."""
    per_station = (select(func.max(AirHour.observed_at)).where(AirHour.station_id == AirStation.id)
                   .correlate(AirStation).scalar_subquery())
    return session.scalar(select(func.max(per_station)).select_from(AirStation))


def latest_place_day(session, place_id: int) -> AirPlaceDay | None:
    """A place's newest evaluated day."""
    return session.scalar(select(AirPlaceDay).where(AirPlaceDay.place_id == place_id)
                          .order_by(AirPlaceDay.day.desc()).limit(1))


# ---------------------------------------------------------------------------------------------- history


def place_month_days(session, place_id: int, year: int, month: int) -> list[AirPlaceDay]:
    """A place's evaluated days of one month, oldest first."""
    first, last = month_bounds(year, month)
    return list(session.scalars(select(AirPlaceDay).where(AirPlaceDay.place_id == place_id,
                                                          AirPlaceDay.day >= first, AirPlaceDay.day <= last)
                                .order_by(AirPlaceDay.day)))


def neighbour_months(session, place_id: int, year: int, month: int) -> tuple[str | None, str | None]:
    """The nearest earlier and later months ("2025-02") in which the place has evaluated days."""
    first, last = month_bounds(year, month)
    before = session.scalar(select(AirPlaceDay.day).where(AirPlaceDay.place_id == place_id, AirPlaceDay.day < first)
                            .order_by(AirPlaceDay.day.desc()).limit(1))
    after = session.scalar(select(AirPlaceDay.day).where(AirPlaceDay.place_id == place_id, AirPlaceDay.day > last)
                           .order_by(AirPlaceDay.day).limit(1))
    return (before.strftime("%Y-%m") if before else None, after.strftime("%Y-%m") if after else None)


def place_year_months(session, place_id: int, year: int) -> list[AirPlacePeriod]:
    """A place's evaluated months of one year, January first."""
    return list(session.scalars(select(AirPlacePeriod).where(
        AirPlacePeriod.place_id == place_id, AirPlacePeriod.period >= f"{year:04d}-01",
        AirPlacePeriod.period <= f"{year:04d}-12").order_by(AirPlacePeriod.period)))


def place_years(session, place_id: int) -> list[AirPlacePeriod]:
    """A place's evaluated years, oldest first (one row a year)."""
    return list(session.scalars(select(AirPlacePeriod).where(
        AirPlacePeriod.place_id == place_id, func.length(AirPlacePeriod.period) == 4)
        .order_by(AirPlacePeriod.period)))


def latest_period(session, place_id: int, *, years: bool) -> str | None:
    """A place's newest evaluated month ("2025-03") or, with years=True, year ("2025")."""
    return session.scalar(select(AirPlacePeriod.period).where(
        AirPlacePeriod.place_id == place_id, func.length(AirPlacePeriod.period) == (4 if years else 7))
        .order_by(AirPlacePeriod.period.desc()).limit(1))


def neighbour_periods(session, place_id: int, period: str) -> tuple[str | None, str | None]:
    """The nearest earlier and later evaluated periods of the same kind (month or year) of a place."""
    same_kind = (AirPlacePeriod.place_id == place_id, func.length(AirPlacePeriod.period) == len(period))
    before = session.scalar(select(AirPlacePeriod.period).where(*same_kind, AirPlacePeriod.period < period)
                            .order_by(AirPlacePeriod.period.desc()).limit(1))
    after = session.scalar(select(AirPlacePeriod.period).where(*same_kind, AirPlacePeriod.period > period)
                           .order_by(AirPlacePeriod.period).limit(1))
    return before, after


# ---------------------------------------------------------------------------------------------- ranking


def _percent_change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before * 100


@dataclass(frozen=True)
class RankRow:
    """A place's period with the same period a year before and its ranks (None: not ranked, no figure)."""

    place: Place
    figures: AirPlacePeriod
    before: AirPlacePeriod | None
    index_rank: int | None = None
    ratio_rank: int | None = None

    @property
    def index_change(self) -> float | None:
        """综合指数 against a year before, in per cent (negative: better)."""
        return _percent_change(self.figures.composite_index, self.before and self.before.composite_index)

    @property
    def ratio_change(self) -> float | None:
        """优良天数比例 against a year before, in percentage points (positive: better)."""
        if self.before is None or self.figures.good_ratio is None or self.before.good_ratio is None:
            return None
        return self.figures.good_ratio - self.before.good_ratio

    @property
    def pm25_change(self) -> float | None:
        """PM2.5 against a year before, in per cent (negative: better)."""
        return _percent_change(self.figures.pm25, self.before and self.before.pm25)


@dataclass(frozen=True)
class Ranking:
    """The districts of one month or year ranked by 综合指数 (lower first) and by 优良天数比例 (higher first)."""

    period: str
    by_index: list[RankRow]
    by_ratio: list[RankRow]
    city: RankRow | None

    @property
    def provisional(self) -> bool:
        rows = self.by_index + ([self.city] if self.city else [])
        return any(row.figures.provisional for row in rows)


def _ranks(rows: list[RankRow], key, reverse: bool) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) by the published value, places without a figure unranked."""
    ranked = sorted((row for row in rows if key(row) is not None), key=key, reverse=reverse)
    ranks: dict[int, int] = {}
    for position, row in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        ranks[row.place.id] = (ranks[previous.place.id] if previous is not None and key(previous) == key(row)
                               else position)
    return ranks


def ranking(session, period: str) -> Ranking:
    """The ranking of one period ("2025-03" or "2025"): the city's and the active districts' rows and a year before."""
    wanted = (period, year_before(period))
    rows = session.execute(select(AirPlacePeriod, Place).join(Place, Place.id == AirPlacePeriod.place_id)
                           .where(AirPlacePeriod.period.in_(wanted), Place.active.is_(True))).all()
    current = {place.id: (place, figures) for figures, place in rows if figures.period == period}
    earlier = {place.id: figures for figures, place in rows if figures.period != period}
    plain = [RankRow(place, figures, earlier.get(place_id)) for place_id, (place, figures) in current.items()]
    districts = [row for row in plain if row.place.level == PlaceLevel.DISTRICT]
    # Ranked by the published figures (two decimals, one for the ratio): equal as published, equal in rank.
    index_ranks = _ranks(districts, lambda r: None if r.figures.composite_index is None
                         else round_half_even(r.figures.composite_index, 2), reverse=False)
    ratio_ranks = _ranks(districts, lambda r: None if r.figures.good_ratio is None
                         else round_half_even(r.figures.good_ratio, 1), reverse=True)
    ranked = [RankRow(r.place, r.figures, r.before, index_ranks.get(r.place.id), ratio_ranks.get(r.place.id))
              for r in districts]
    last = 10**6

    def by_index(row: RankRow):
        return (row.index_rank or last, row.place.sort_order, row.place.code)

    def by_ratio(row: RankRow):
        return (row.ratio_rank or last, row.place.sort_order, row.place.code)

    city = next((row for row in plain if row.place.level == PlaceLevel.CITY), None)
    return Ranking(period, sorted(ranked, key=by_index), sorted(ranked, key=by_ratio), city)


# ---------------------------------------------------------------------------------------------- stations


def station_by_code(session, code: str) -> AirStation | None:
    """An active station by its code, with its district and bureau."""
    return session.scalar(select(AirStation).where(AirStation.code == code, AirStation.active.is_(True))
                          .options(joinedload(AirStation.place)))


def station_hours(session, station_id: int) -> list[AirHour]:
    """A station's hours of the 24 hours up to its latest one, oldest first (an index range)."""
    latest: datetime | None = session.scalar(select(AirHour.observed_at).where(AirHour.station_id == station_id)
                                             .order_by(AirHour.observed_at.desc()).limit(1))
    if latest is None:
        return []
    return list(session.scalars(select(AirHour).where(
        AirHour.station_id == station_id, AirHour.observed_at > latest - timedelta(hours=24),
        AirHour.observed_at <= latest).order_by(AirHour.observed_at)))


def station_days(session, station_id: int, days: int = STATION_DAYS) -> list[AirDay]:
    """A station's evaluated days of the `days` days up to its latest one, oldest first."""
    latest: date | None = session.scalar(select(AirDay.day).where(AirDay.station_id == station_id)
                                         .order_by(AirDay.day.desc()).limit(1))
    if latest is None:
        return []
    return list(session.scalars(select(AirDay).where(
        AirDay.station_id == station_id, AirDay.day > latest - timedelta(days=days), AirDay.day <= latest)
        .order_by(AirDay.day)))


# ---------------------------------------------------------------------------------------------- map


@dataclass(frozen=True)
class Sites:
    """The active monitoring sites of the map, each kind in its published order."""

    stations: list[StationNow]
    sections: list[WaterSection]
    sources: list[DrinkingSource]


def map_sites(session, *, air: bool = True, water: bool = True, sources: bool = True) -> Sites:
    """The sites the map shows: air stations with their latest hour, water sections, drinking-water sources."""
    def active(model):
        return list(session.scalars(select(model).where(model.active.is_(True))
                                    .options(joinedload(model.place)).order_by(model.sort_order, model.code)))

    return Sites(stations_now(session) if air else [], active(WaterSection) if water else [],
                 active(DrinkingSource) if sources else [])

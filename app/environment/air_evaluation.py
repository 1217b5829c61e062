"""Air quality over a month or a year by HJ 663-2013: statistics, good-day ratio, composite index, rounding."""
from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from app.environment.aqi import POLLUTANTS, Pollutant, category_of, daily_aqi, exact
from app.environment.measured import exact_mean

# GB 3095-2012 grade-2 limits used for the annual judgement and as the divisors of the composite index:
# annual means for SO2, NO2, PM10, PM2.5; the 24-hour limit for CO (its 95th percentile of daily means) and the
# daily maximum 8-hour limit for O3 (its 90th percentile).
GRADE2_ANNUAL: dict[Pollutant, float] = {
    Pollutant.SO2: 60,
    Pollutant.NO2: 40,
    Pollutant.PM10: 70,
    Pollutant.CO: 4,
    Pollutant.O3: 160,
    Pollutant.PM25: 35,
}
MEAN_ITEMS = (Pollutant.SO2, Pollutant.NO2, Pollutant.PM10, Pollutant.PM25)
CO_PERCENTILE = 95
O3_PERCENTILE = 90
# GB 3095-2012 table 4: an annual statistic needs ≥ 324 daily values, ≥ 27 in each month, ≥ 25 in February.
MIN_DAYS_PER_YEAR = 324
MIN_DAYS_PER_MONTH = 27
MIN_DAYS_IN_FEBRUARY = 25


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile by HJ 663-2013: k = 1 + (n−1)·p/100, s = ⌊k⌋, X_s + (X_{s+1} − X_s)·(k − s)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} outside 0…100")
    # Floats sort as the decimals they were written as (a float's shortest repr lies in its own rounding
    # interval, and those intervals are ordered like the floats), so the floats are sorted and only X_s and
    # X_{s+1} are taken exactly.
    ordered = sorted(float(v) for v in values)
    if not all(map(math.isfinite, ordered)):
        raise ValueError("not a finite number among the values")
    k = 1 + (len(ordered) - 1) * exact(p) / 100
    s = math.floor(k)
    if s >= len(ordered):
        return ordered[-1]
    low, high = exact(ordered[s - 1]), exact(ordered[s])  # X_s and X_{s+1}, 1-based in the standard
    return float(low + (high - low) * (k - s))


@dataclass(frozen=True)
class DayRecord:
    """One day of a station or a city: 24-hour means, O3 daily maxima and the daily AQI (None when invalid)."""

    day: datetime.date
    means: Mapping[Pollutant, float | None]
    o3_8h_max: float | None
    aqi: int | None
    o3_1h_max: float | None = None


@dataclass(frozen=True)
class PeriodEvaluation:
    """The statistics of a month or a year (HJ 663-2013) and what they say.

    means: SO2, NO2, PM10, PM2.5 arithmetic means; CO the 95th percentile of daily means; O3 the 90th
    percentile of daily maximum 8-hour means. good_ratio is a percent. meets_grade2 compares every statistic,
    rounded for publication, with GRADE2_ANNUAL (None when one is missing): a judgement for a year.
    annual_valid is GB 3095's validity of an annual statistic, meaningful for a calendar year only."""

    means: dict[Pollutant, float | None]
    valid_days: int
    good_days: int
    good_ratio: float | None
    composite_index: float | None
    days_by_level: dict[int, int]
    meets_grade2: bool | None
    annual_valid: bool


def _arithmetic_mean(values: Sequence[float]) -> float:
    return exact_mean(values)


def period_statistics(days: Sequence[DayRecord]) -> dict[Pollutant, float | None]:
    """Each item's statistic over the period: means for four items, percentiles for CO and O3 (None if no data)."""
    stats: dict[Pollutant, float | None] = {}
    for pollutant in POLLUTANTS:
        if pollutant is Pollutant.O3:
            values = [d.o3_8h_max for d in days if d.o3_8h_max is not None]
        else:
            values = [v for d in days if (v := d.means.get(pollutant)) is not None]
        if not values:
            stats[pollutant] = None
        elif pollutant is Pollutant.CO:
            stats[pollutant] = percentile(values, CO_PERCENTILE)
        elif pollutant is Pollutant.O3:
            stats[pollutant] = percentile(values, O3_PERCENTILE)
        else:
            stats[pollutant] = _arithmetic_mean(values)
    return stats


def composite_index(stats: Mapping[Pollutant, float | None]) -> float | None:
    """环境空气质量综合指数: Σ C_i / S_i over the six items (S_i from GRADE2_ANNUAL); None if any is missing."""
    total = Fraction(0)
    for pollutant in POLLUTANTS:
        value = stats.get(pollutant)
        if value is None:
            return None
        total += exact(value) / exact(GRADE2_ANNUAL[pollutant])
    return float(total)


def annual_data_valid(dates: Iterable[datetime.date]) -> bool:
    """Whether the dates of valid daily values make an annual statistic valid (≥ 324; ≥ 27 a month, ≥ 25 in Feb)."""
    unique = set(dates)
    if len({d.year for d in unique}) != 1 or len(unique) < MIN_DAYS_PER_YEAR:
        return False
    per_month = {month: 0 for month in range(1, 13)}
    for d in unique:
        per_month[d.month] += 1
    return all(count >= (MIN_DAYS_IN_FEBRUARY if month == 2 else MIN_DAYS_PER_MONTH)
               for month, count in per_month.items())


def _item_dates(days: Sequence[DayRecord], pollutant: Pollutant) -> list[datetime.date]:
    if pollutant is Pollutant.O3:
        return [d.day for d in days if d.o3_8h_max is not None]
    return [d.day for d in days if d.means.get(pollutant) is not None]


def evaluate_period(days: Sequence[DayRecord]) -> PeriodEvaluation:
    """Evaluate a month or a year of daily records of one station or one city."""
    stats = period_statistics(days)
    with_aqi = [d.aqi for d in days if d.aqi is not None]
    good = sum(1 for value in with_aqi if value <= 100)
    by_level = {level: 0 for level in range(1, 7)}
    for value in with_aqi:
        by_level[category_of(value).level] += 1
    if any(value is None for value in stats.values()):
        meets: bool | None = None
    else:
        # Judged on the statistic as published (rounded by HJ 663-2013 appendix A with GB/T 8170), so that
        # the page never shows "35, not met" for an annual PM2.5 of 35.4 against the limit 35; check this
        # against the standard's text before the first annual bulletin.
        meets = all(publish_decimal(p, value) <= Decimal(str(GRADE2_ANNUAL[p]))
                    for p, value in stats.items() if value is not None)
    return PeriodEvaluation(
        means=stats,
        valid_days=len(with_aqi),
        good_days=good,
        good_ratio=float(Fraction(good * 100, len(with_aqi))) if with_aqi else None,
        composite_index=composite_index(stats),
        days_by_level=by_level,
        meets_grade2=meets,
        annual_valid=all(annual_data_valid(_item_dates(days, p)) for p in Pollutant),
    )


def round_half_even(value: float, places: int) -> Decimal:
    """Round as GB/T 8170 数值修约 does (四舍六入五成双) on the decimal the value was written as."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def decimals_of(pollutant: Pollutant) -> int:
    """Published decimals of a concentration (HJ 663-2013 appendix A): CO one, the others none."""
    return 1 if pollutant is Pollutant.CO else 0


def publish_decimal(pollutant: Pollutant, value: float) -> Decimal:
    """A concentration rounded for publication, as a Decimal."""
    return round_half_even(value, decimals_of(pollutant))


def publish_value(pollutant: Pollutant, value: float) -> str:
    """A concentration as published: integer μg/m³, CO in mg/m³ with one decimal; GB/T 8170 rounding."""
    return f"{publish_decimal(pollutant, value):f}"


def publish_ratio(value: float) -> str:
    """A percentage as published, one decimal (优良天数比例, shares)."""
    return f"{round_half_even(value, 1):f}"


def publish_index(value: float) -> str:
    """A composite index as published, two decimals."""
    return f"{round_half_even(value, 2):f}"


def city_day(stations: Sequence[DayRecord]) -> DayRecord:
    """A city's day from its stations' days: each item the arithmetic mean of the stations that have it.

    HJ 663-2013 takes a city's concentration as the arithmetic mean of its stations' concentrations and then
    computes the city's AQI from those means (never the mean of station AQIs), so the AQI is recomputed with
    daily_aqi. A station without a valid value for an item is left out of that item's mean; an item no
    station has is None. Means are kept unrounded; round only for publication."""
    if not stations:
        raise ValueError("a city day needs at least one station")
    day = stations[0].day
    if any(s.day != day for s in stations):
        raise ValueError("station records of different days")

    def mean(values: Iterable[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return _arithmetic_mean(present) if present else None

    means: dict[Pollutant, float | None] = {
        p: mean(s.means.get(p) for s in stations) for p in POLLUTANTS if p is not Pollutant.O3}
    o3_8h = mean(s.o3_8h_max for s in stations)
    o3_1h = mean(s.o3_1h_max for s in stations)
    result = daily_aqi(means, o3_8h, o3_1h)
    return DayRecord(day=day, means=means, o3_8h_max=o3_8h, aqi=result.aqi, o3_1h_max=o3_1h)

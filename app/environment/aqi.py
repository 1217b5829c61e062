"""Air quality index by HJ 633-2012: IAQI breakpoints, categories, hourly and daily AQI, daily statistics."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from itertools import accumulate

from app.environment.measured import exact_add, exact_difference, exact_mean, reported, to_float


class Pollutant(StrEnum):
    """The six items of the AQI, in the order tied primary pollutants are listed (CO in mg/m³, others μg/m³)."""

    SO2 = "so2"
    NO2 = "no2"
    PM10 = "pm10"
    CO = "co"
    O3 = "o3"
    PM25 = "pm25"


# The members in order, as a tuple: iterating over the enum class itself is several times slower, and the
# aggregation runs these loops for every station-day.
POLLUTANTS: tuple[Pollutant, ...] = tuple(Pollutant)


# Averaging periods accepted by iaqi().
HOUR = "1h"
EIGHT_HOURS = "8h"
DAY = "24h"

IAQI_STEPS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

# HJ 633-2012 table 1. Concentrations as decimal strings so that the arithmetic is exact.
# Two columns stop early: (a) SO2 1-hour above 800 is not used for the index (the 24-hour value is used),
# (b) O3 8-hour above 800 is not used (the 1-hour value is used).
_BREAKPOINTS: dict[tuple[Pollutant, str], tuple[str, ...]] = {
    (Pollutant.SO2, DAY): ("0", "50", "150", "475", "800", "1600", "2100", "2620"),
    (Pollutant.SO2, HOUR): ("0", "150", "500", "650", "800"),
    (Pollutant.NO2, DAY): ("0", "40", "80", "180", "280", "565", "750", "940"),
    (Pollutant.NO2, HOUR): ("0", "100", "200", "700", "1200", "2340", "3090", "3840"),
    (Pollutant.PM10, DAY): ("0", "50", "150", "250", "350", "420", "500", "600"),
    (Pollutant.CO, DAY): ("0", "2", "4", "14", "24", "36", "48", "60"),
    (Pollutant.CO, HOUR): ("0", "5", "10", "35", "60", "90", "120", "150"),
    (Pollutant.O3, HOUR): ("0", "160", "200", "300", "400", "800", "1000", "1200"),
    (Pollutant.O3, EIGHT_HOURS): ("0", "100", "160", "215", "265", "800"),
    (Pollutant.PM25, DAY): ("0", "35", "75", "115", "150", "250", "350", "500"),
}
BREAKPOINTS: dict[tuple[Pollutant, str], tuple[Fraction, ...]] = {
    key: tuple(Fraction(value) for value in values) for key, values in _BREAKPOINTS.items()}
# The same whole numbers as integers: comparing a float with an int is exact and far cheaper than with a Fraction.
_WHOLE_BREAKPOINTS: dict[tuple[Pollutant, str], tuple[int, ...]] = {
    key: tuple(int(value) for value in values) for key, values in _BREAKPOINTS.items()}


def exact(value: float) -> Fraction:
    """The decimal a float was written as, exactly (0.1 is 1/10): what was reported, not its binary neighbour."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(repr(float(value)))


def iaqi(pollutant: Pollutant, concentration: float, averaging: str) -> int | None:
    """The individual index of one concentration ("1h", "8h" or "24h"), rounded up; None where HJ 633 says not used."""
    breakpoints = _WHOLE_BREAKPOINTS.get((pollutant, averaging))
    if breakpoints is None:
        raise ValueError(f"no {averaging} breakpoints for {pollutant}")
    if not math.isfinite(concentration):
        raise ValueError(f"not a finite number: {concentration!r}")
    if concentration < 0:
        raise ValueError(f"negative concentration {concentration!r}")
    # Breakpoints are whole numbers, so comparing the float with them is exact.
    if concentration > breakpoints[-1]:
        # A full column ends at IAQI 500: beyond it the index stays 500. A short column (notes a and b) ends
        # where the standard stops using that averaging period.
        return 500 if len(breakpoints) == len(IAQI_STEPS) else None
    for index in range(1, len(breakpoints)):
        if concentration <= breakpoints[index]:
            lo, hi = breakpoints[index - 1], breakpoints[index]
            i_lo, i_hi = IAQI_STEPS[index - 1], IAQI_STEPS[index]
            # HJ 633-2012 formula (1), rounded up (向上取整) on the exact value: 73.75 → 74, 74 stays 74. Floats
            # decide it unless the result lies next to a whole number, where only exact arithmetic can tell
            # (PM10 352.1 gives 203 exactly, 203.00000000000003 in floats).
            rough = (i_hi - i_lo) / (hi - lo) * (concentration - lo) + i_lo
            if abs(rough - round(rough)) > 1e-6:
                return math.ceil(rough)
            return math.ceil(Fraction(i_hi - i_lo, hi - lo) * (exact(concentration) - lo) + i_lo)
    raise AssertionError("unreachable: c is within the last breakpoint")


@dataclass(frozen=True)
class Category:
    """An AQI category of HJ 633-2012 table 2 with its appendix A colour and a readable text colour on it."""

    level: int
    key: str
    colour: str
    text_colour: str


# Appendix A colours as hex of the RGB values. Text colours give WCAG AA contrast (≥ 4.5) on each:
# black on green, yellow, orange and also red — white on pure red (#ff0000) is only 4.0:1, black is 5.25:1 —
# and white on purple and maroon.
CATEGORIES: tuple[Category, ...] = (
    Category(1, "excellent", "#00e400", "#000000"),
    Category(2, "good", "#ffff00", "#000000"),
    Category(3, "light", "#ff7e00", "#000000"),
    Category(4, "moderate", "#ff0000", "#000000"),
    Category(5, "heavy", "#99004c", "#ffffff"),
    Category(6, "severe", "#7e0023", "#ffffff"),
)
_CATEGORY_UPPER = (50, 100, 150, 200, 300)


def category_of(aqi: int) -> Category:
    """The category of an AQI: 0–50, 51–100, 101–150, 151–200, 201–300, above 300."""
    if aqi < 0:
        raise ValueError(f"negative AQI {aqi}")
    for category, upper in zip(CATEGORIES, _CATEGORY_UPPER):
        if aqi <= upper:
            return category
    return CATEGORIES[-1]


@dataclass(frozen=True)
class AqiResult:
    """An AQI with the IAQI of each item present, the primary and the exceeding pollutants (in enum order).

    o3_averaging says which O3 value gave the O3 IAQI ("1h" or "8h"), so the page can name it 臭氧1小时 or
    臭氧8小时; None when O3 is absent."""

    aqi: int | None
    iaqis: dict[Pollutant, int]
    primary: tuple[Pollutant, ...]
    exceeding: tuple[Pollutant, ...]
    o3_averaging: str | None = None

    @property
    def category(self) -> Category | None:
        """The category of the AQI, or None without an AQI."""
        return None if self.aqi is None else category_of(self.aqi)


def _result(iaqis: dict[Pollutant, int], complete: bool, o3_averaging: str | None) -> AqiResult:
    """AQI = max IAQI; with items missing, published only when the items present already exceed 100."""
    ordered = {pollutant: iaqis[pollutant] for pollutant in POLLUTANTS if pollutant in iaqis}
    top = max(ordered.values(), default=None)
    aqi = top if top is not None and (complete or top > 100) else None
    primary = tuple(p for p, value in ordered.items() if value == aqi) if aqi is not None and aqi > 50 else ()
    exceeding = tuple(p for p, value in ordered.items() if value > 100) if aqi is not None else ()
    return AqiResult(aqi=aqi, iaqis=ordered, primary=primary, exceeding=exceeding, o3_averaging=o3_averaging)


def hourly_aqi(c: Mapping[Pollutant, float | None], *, so2_24h: float | None = None) -> AqiResult:
    """The real-time AQI of one station-hour as CNEMC publishes it, from the six 1-hour concentrations.

    SO2, NO2, CO and O3 use their 1-hour breakpoints; PM10 and PM2.5 their 24-hour ones (they have no others).
    SO2 above 800 μg/m³ (note a) uses the 24-hour sliding mean `so2_24h` if given, else counts as missing.
    With any item missing the AQI is published only when the items present already give more than 100."""
    iaqis: dict[Pollutant, int] = {}
    for pollutant in POLLUTANTS:
        value = c.get(pollutant)
        if value is None:
            continue
        averaging = DAY if pollutant in (Pollutant.PM10, Pollutant.PM25) else HOUR
        index = iaqi(pollutant, value, averaging)
        if index is None and pollutant is Pollutant.SO2 and so2_24h is not None:
            index = iaqi(Pollutant.SO2, so2_24h, DAY)
        if index is not None:
            iaqis[pollutant] = index
    return _result(iaqis, len(iaqis) == len(Pollutant), HOUR if Pollutant.O3 in iaqis else None)


def daily_aqi(means: Mapping[Pollutant, float | None], o3_8h_max: float | None,
              o3_1h_max: float | None) -> AqiResult:
    """The daily AQI (日报) from the 24-hour means of SO2, NO2, PM10, CO, PM2.5 and the O3 daily maxima.

    HJ 633-2012 §5 (日报) lists seven indicators: the five 24-hour means, the O3 daily maximum 1-hour mean
    (against the 1-hour breakpoints) and the O3 daily maximum 8-hour mean (against the 8-hour ones), and the
    AQI is the largest of their IAQIs. So O3's IAQI here is the larger of the two; when the 8-hour maximum is
    above 800 (note b) only the 1-hour one counts. Any O3 value in `means` is ignored (no 24-hour O3 limit).
    O3 counts as present when its 8-hour maximum is known; with an item missing the AQI is given only when the
    items present already exceed 100, the same rule as the real-time report."""
    iaqis: dict[Pollutant, int] = {}
    for pollutant in POLLUTANTS:
        value = means.get(pollutant)
        if pollutant is not Pollutant.O3 and value is not None:
            index = iaqi(pollutant, value, DAY)
            if index is not None:
                iaqis[pollutant] = index
    eight = None if o3_8h_max is None else iaqi(Pollutant.O3, o3_8h_max, EIGHT_HOURS)
    one = None if o3_1h_max is None else iaqi(Pollutant.O3, o3_1h_max, HOUR)
    o3_averaging: str | None = None
    if eight is not None and (one is None or eight >= one):
        iaqis[Pollutant.O3], o3_averaging = eight, EIGHT_HOURS
    elif one is not None:
        iaqis[Pollutant.O3], o3_averaging = one, HOUR
    o3_present = o3_8h_max is not None and (eight is not None or one is not None)
    five_present = all(p in iaqis for p in POLLUTANTS if p is not Pollutant.O3)
    return _result(iaqis, five_present and o3_present, o3_averaging)


_ZERO = Decimal(0)

# GB 3095-2012 table 4 (data validity).
MIN_HOURS_PER_DAY = 20
MIN_HOURS_PER_8H = 6
MIN_8H_MEANS_PER_DAY = 14
_DAILY_MEAN_ITEMS = (Pollutant.SO2, Pollutant.NO2, Pollutant.PM10, Pollutant.CO, Pollutant.PM25)


@dataclass
class DailyValues:
    """A station-day's statistics: 24-hour means (not O3), O3 daily maxima, valid hours per item.

    o3_8h holds the 24 O3 8-hour sliding means of the day, o3_8h[h] being the window ending at (h+1):00."""

    means: dict[Pollutant, float | None]
    o3_1h_max: float | None
    o3_8h_max: float | None
    valid_hours: dict[Pollutant, int]
    o3_8h: tuple[float | None, ...] = field(default=())


def o3_8h_sliding(o3_hours: Sequence[float | None],
                  previous_day_tail: Sequence[float | None] | None = None) -> tuple[float | None, ...]:
    """The 8-hour sliding means ending at each hour of the day, each from ≥ 6 valid hours (else None).

    Element h is the window of hours h−7 … h (the window ending at (h+1):00); windows ending before 08:00 reach
    into the previous day and use `previous_day_tail` (its last 7 hours, in order), missing hours when absent."""
    tail = list(previous_day_tail or ())
    if len(tail) > 7:
        raise ValueError("previous_day_tail holds at most the last 7 hours of the previous day")
    series = [None] * (7 - len(tail)) + tail + list(o3_hours)
    # Running exact sums and counts of the valid hours: a window's sum is the difference of two of them, exact
    # like the sum of its hours, so each hour is read once and not eight times.
    sums = list(accumulate((_ZERO if v is None else reported(v) for v in series), exact_add, initial=_ZERO))
    counts = list(accumulate((v is not None for v in series), initial=0))
    windows: list[float | None] = []
    for end in range(8, len(series) + 1):
        count = counts[end] - counts[end - 8]
        windows.append(to_float(exact_difference(sums[end], sums[end - 8]), count)
                       if count >= MIN_HOURS_PER_8H else None)
    return tuple(windows)


def daily_means(hours: Sequence[Mapping[Pollutant, float | None]],
                previous_day_tail: Sequence[Mapping[Pollutant, float | None]] | None = None) -> DailyValues:
    """The statistics of one station-day from its 24 hourly rows (GB 3095-2012 table 4 validity).

    Hour labelling: row h (0…23) is the mean over h:00–(h+1):00 of the day. CNEMC labels an hourly value by the
    END of its hour ("2025-01-01 01:00" is 00:00–01:00, "2025-01-02 00:00" is 23:00–24:00 of 1 January), so an
    importer puts a value labelled L into day (L − 1 h).date(), row (L − 1 h).hour. The natural day 00:00–24:00
    is then rows 0…23, which is what the 24-hour mean (≥ 20 valid hours) is taken over.

    The O3 daily maximum 8-hour mean is the largest of the 8-hour sliding means ending 08:00 … 24:00 (rows 7…23,
    17 windows); each window needs ≥ 6 valid hours and the day ≥ 14 valid windows. With end-of-hour labelling
    those 17 windows lie wholly inside the day, so `previous_day_tail` (the previous day's last 7 rows) only
    feeds the sliding means ending 01:00 … 07:00 published hour by hour (DailyValues.o3_8h), not the maximum.
    The O3 daily maximum 1-hour value needs ≥ 20 valid hours, like the day's other statistics (GB 3095 sets no
    separate rule for it)."""
    if len(hours) != 24:
        raise ValueError(f"a station-day has 24 hourly rows, not {len(hours)}")
    columns = {p: [row.get(p) for row in hours] for p in POLLUTANTS}
    tail = None if previous_day_tail is None else [row.get(Pollutant.O3) for row in previous_day_tail]
    return daily_columns(columns, tail)


def daily_columns(columns: Mapping[Pollutant, Sequence[float | None]],
                  previous_o3_tail: Sequence[float | None] | None = None) -> DailyValues:
    """daily_means for a day given as each item's 24 hourly values (rows 0…23, None where missing), and the
    previous day's last 7 O3 hours: what a caller holding columns passes without building 24 mappings."""
    if any(len(columns.get(p, ())) != 24 for p in POLLUTANTS):
        raise ValueError("a station-day has 24 hourly rows for every item")
    valid = {p: [v for v in columns[p] if v is not None] for p in POLLUTANTS}
    means: dict[Pollutant, float | None] = {
        p: exact_mean(valid[p]) if len(valid[p]) >= MIN_HOURS_PER_DAY else None for p in _DAILY_MEAN_ITEMS}
    sliding = o3_8h_sliding(columns[Pollutant.O3], previous_o3_tail)
    daytime = [v for v in sliding[7:] if v is not None]
    o3_8h_max = max(daytime) if len(daytime) >= MIN_8H_MEANS_PER_DAY else None
    o3_1h_max = max(valid[Pollutant.O3]) if len(valid[Pollutant.O3]) >= MIN_HOURS_PER_DAY else None
    return DailyValues(means=means, o3_1h_max=o3_1h_max, o3_8h_max=o3_8h_max,
                       valid_hours={p: len(valid[p]) for p in POLLUTANTS}, o3_8h=sliding)

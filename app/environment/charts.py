"""The geometry of the server-drawn SVG charts and the site map (pure: numbers in, positions out).

The templates draw what these return; every chart's numbers are also given in a table beside it.
"""
import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.org.outlines import SIZE, parse_bounds

WIDTH, HEIGHT = 360, 180  # about the width of a phone, so that the 11-unit labels stay legible there
LEFT, RIGHT, TOP, BOTTOM = 34, 6, 10, 26
BAR_FILL = "#17663a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    fill: str
    show_label: bool


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    baseline: float
    left: int
    right: int
    reference: Tick | None  # a marked level (AQI 100, the grade-2 limit), when within the scale


def nice_top(high: float) -> float:
    """The smallest 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k that reaches `high` (at least 1): a scale in fifths."""
    high = max(high, 1.0)
    magnitude = 10.0 ** math.floor(math.log10(high))
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if factor * magnitude >= high:
            return factor * magnitude
    return 10 * magnitude


def _label(number: float) -> str:
    return f"{number:g}"


def bar_chart(points: Sequence[tuple[str, float | None, str | None]], *, top: float | None = None,
              reference: float | None = None, width: int = WIDTH, height: int = HEIGHT) -> BarChart | None:
    """Bars for (label, value, fill) points; a missing value leaves its slot empty. None when nothing to draw.

    With many points (a month's days) only every fifth label and the last are written, so they stay legible."""
    values = [value for _, value, _ in points if value is not None]
    if not values:
        return None
    scale = top or nice_top(max(values + ([reference] if reference else [])))
    inner_width, inner_height = width - LEFT - RIGHT, height - TOP - BOTTOM
    slot = inner_width / len(points)
    baseline = TOP + inner_height
    bars = []
    for index, (label, value, fill) in enumerate(points):
        if value is None:
            continue
        bar_height = min(value, scale) / scale * inner_height
        bars.append(Bar(label, value, round(LEFT + index * slot + slot * 0.15, 1),
                        round(baseline - bar_height, 1), round(slot * 0.7, 1), round(bar_height, 1),
                        fill or BAR_FILL,
                        len(points) <= 12 or index % 5 == 0 or index == len(points) - 1))
    ticks = [Tick(round(baseline - step / 5 * inner_height, 1), _label(round(scale * step / 5, 6)))
             for step in range(6)]
    mark = (Tick(round(baseline - reference / scale * inner_height, 1), _label(reference))
            if reference is not None and reference <= scale else None)
    return BarChart(width, height, bars, ticks, baseline, LEFT, width - RIGHT, mark)


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float


def map_point(latitude: float | None, longitude: float | None, bounds: str) -> MapPoint | None:
    """A site's place on the plain map (0–1000 × 0–1000 of the city's box, north up, the outlines' projection);
    None without coordinates or outside the box."""
    if latitude is None or longitude is None:
        return None
    south, north, west, east = parse_bounds(bounds)
    if not (south <= latitude <= north and west <= longitude <= east):
        return None
    return MapPoint(round((longitude - west) / (east - west) * SIZE, 1),
                    round((north - latitude) / (north - south) * SIZE, 1))

"""Is a new tip about the same pollution as an open one? Pure code: text likeness, distance and the verdict."""
import functools
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import cast

EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Report:
    """What the comparison looks at in a tip."""

    category_ids: frozenset[int]
    district_id: int
    description: str
    address: str
    submitted_at: datetime
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class Thresholds:
    radius_m: float = 500          # two points closer than this are the same place
    window_days: int = 30          # only reports this recent are compared
    text_likeness: float = 0.2     # share of characters and character pairs in common for "similar text"
    address_likeness: float = 0.5  # without coordinates, addresses this alike are the same place


# Texts up to this long have their grams kept per process (the last KEPT_GRAMS of them): a new report is compared
# with up to 100 candidates, and a district's open tips with every new report of their kinds. Bounded in memory
# (a few MB); a longer text is taken apart each time.
KEPT_GRAMS, KEPT_TEXT_LENGTH = 256, 300


def _grams(text: str) -> frozenset[str]:
    """The text's letters and digits, one by one and in pairs: works for Chinese, which has no spaces, and
    catches a paraphrase ("晚上排黄烟" for "夜间排放黄色烟雾") that pairs alone would miss."""
    return _kept_grams(text) if len(text) <= KEPT_TEXT_LENGTH else _taken_apart(text)


def _taken_apart(text: str) -> frozenset[str]:
    kept = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower()
                   if unicodedata.category(ch)[0] in "LN")
    return frozenset(kept) | {kept[i:i + 2] for i in range(len(kept) - 1)}


_kept_grams = functools.lru_cache(maxsize=KEPT_GRAMS)(_taken_apart)


def likeness(a: str, b: str) -> float:
    """0 (nothing in common) to 1 (the same text), ignoring spacing and punctuation."""
    first, second = _grams(a), _grams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def distance_m(lat1: Decimal | float, lon1: Decimal | float, lat2: Decimal | float,
               lon2: Decimal | float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi, dlambda = phi2 - phi1, math.radians(float(lon2) - float(lon1))
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def same_place(new: Report, old: Report, limits: Thresholds) -> bool:
    if None not in (new.latitude, new.longitude, old.latitude, old.longitude):
        points = cast(tuple[Decimal, Decimal, Decimal, Decimal],
                      (new.latitude, new.longitude, old.latitude, old.longitude))  # none is None, checked above
        return distance_m(*points) <= limits.radius_m
    return likeness(new.address, old.address) >= limits.address_likeness


def score(new: Report, old: Report, limits: Thresholds = Thresholds()) -> float | None:
    """How alike the two reports are (text likeness), or None when they are not about the same pollution:
    another kind, another district, too long before, another place, or text too different."""
    if not new.category_ids & old.category_ids or new.district_id != old.district_id:
        return None
    age = new.submitted_at - old.submitted_at
    if age.total_seconds() < 0 or age.days >= limits.window_days:
        return None
    if not same_place(new, old, limits):
        return None
    text = likeness(new.description, old.description)
    return text if text >= limits.text_likeness else None


def best_match(new: Report, candidates: list[tuple[int, Report]], limits: Thresholds = Thresholds()) -> int | None:
    """The id of the most alike candidate, or None; on a tie the earliest report wins."""
    scored = [(s, -candidate.submitted_at.timestamp(), key) for key, candidate in candidates
              if (s := score(new, candidate, limits)) is not None]
    return max(scored)[2] if scored else None

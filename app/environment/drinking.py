"""Centralised drinking-water sources (indicator 25): surface by GB 3838-2002, groundwater by GB/T 14848-2017."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from app.environment.measured import Measured
from app.environment.water import EVALUATED, BodyKind, Item, WaterClass, class_limit, unit_of as water_unit_of


class SourceKind(StrEnum):
    """A surface-water source (river, lake, reservoir) or a groundwater source."""

    SURFACE = "surface"
    GROUND = "ground"


class SourceItem(StrEnum):
    """Items judged at drinking-water sources; keys shared with water.Item mean the same measurement."""

    PH = "ph"
    DO = "do"
    CODMN = "codmn"  # permanganate index; groundwater's 耗氧量 (CODMn method) is the same measurement
    COD = "cod"
    BOD5 = "bod5"
    NH3N = "nh3n"
    TP = "tp"
    CU = "cu"
    ZN = "zn"
    F = "f"
    SE = "se"
    AS = "as"
    HG = "hg"
    CD = "cd"
    CR6 = "cr6"
    PB = "pb"
    CN = "cn"
    PHENOL = "phenol"
    PETROLEUM = "petroleum"
    LAS = "las"
    S2 = "s2"
    SULFATE = "sulfate"
    CHLORIDE = "chloride"
    NITRATE = "nitrate"  # as N
    FE = "fe"
    MN = "mn"
    HARDNESS = "hardness"  # total hardness as CaCO3
    TDS = "tds"
    NITRITE = "nitrite"  # as N
    NA = "na"
    AL = "al"
    COLIFORM_TOTAL = "coliform_total"
    BACTERIA_TOTAL = "bacteria_total"
    IODIDE = "iodide"


@dataclass(frozen=True)
class Limit:
    """An acceptable range: a value must be ≥ lower (if any) and ≤ upper (if any)."""

    lower: Fraction | None
    upper: Fraction | None

    @property
    def text(self) -> str:
        """The limit as written in the standards: "≤0.3", "≥5", "6.5–8.5"."""
        if self.lower is not None and self.upper is not None:
            return f"{_decimal(self.lower)}–{_decimal(self.upper)}"
        if self.lower is not None:
            return f"≥{_decimal(self.lower)}"
        assert self.upper is not None
        return f"≤{_decimal(self.upper)}"


def _decimal(value: Fraction) -> str:
    return format((Decimal(value.numerator) / Decimal(value.denominator)).normalize(), "f")


def _upper(value: str) -> Limit:
    return Limit(lower=None, upper=Fraction(value))


# Surface sources: the 21 evaluated basic items of GB 3838-2002 table 1 against class Ⅲ (total nitrogen and fecal
# coliform are reported but, as in the 评价办法, not judged), plus the supplementary items of table 2 for
# centralised drinking-water sources (mg/L).
SURFACE_SUPPLEMENTARY: dict[str, Limit] = {
    SourceItem.SULFATE: _upper("250"),
    SourceItem.CHLORIDE: _upper("250"),
    SourceItem.NITRATE: _upper("10"),
    SourceItem.FE: _upper("0.3"),
    SourceItem.MN: _upper("0.1"),
}

# Groundwater sources: GB/T 14848-2017 table 1, class Ⅲ (the class for centralised drinking water), the routine
# and toxicological items monitored at sources; figures recalled from the standard, which matches the brief's
# list, plus aluminium (0.20). Colour, odour, turbidity, visible matter and the organic items of table 2 are
# not covered here.
GROUND_LIMITS: dict[str, Limit] = {
    SourceItem.PH: Limit(lower=Fraction("6.5"), upper=Fraction("8.5")),
    SourceItem.HARDNESS: _upper("450"),
    SourceItem.TDS: _upper("1000"),
    SourceItem.SULFATE: _upper("250"),
    SourceItem.CHLORIDE: _upper("250"),
    SourceItem.FE: _upper("0.3"),
    SourceItem.MN: _upper("0.10"),
    SourceItem.CU: _upper("1.00"),
    SourceItem.ZN: _upper("1.00"),
    SourceItem.AL: _upper("0.20"),
    SourceItem.PHENOL: _upper("0.002"),
    SourceItem.LAS: _upper("0.3"),
    SourceItem.CODMN: _upper("3.0"),
    SourceItem.NH3N: _upper("0.50"),
    SourceItem.S2: _upper("0.02"),
    SourceItem.NA: _upper("200"),
    SourceItem.COLIFORM_TOTAL: _upper("3.0"),
    SourceItem.BACTERIA_TOTAL: _upper("100"),
    SourceItem.NITRITE: _upper("1.00"),
    SourceItem.NITRATE: _upper("20.0"),
    SourceItem.CN: _upper("0.05"),
    SourceItem.F: _upper("1.0"),
    SourceItem.IODIDE: _upper("0.08"),
    SourceItem.HG: _upper("0.001"),
    SourceItem.AS: _upper("0.01"),
    SourceItem.SE: _upper("0.01"),
    SourceItem.CD: _upper("0.005"),
    SourceItem.CR6: _upper("0.05"),
    SourceItem.PB: _upper("0.01"),
}

_UNITS: dict[str, str] = {key.value: "mg/L" for key in SourceItem}
_UNITS.update({SourceItem.PH: "", SourceItem.COLIFORM_TOTAL: "MPN/100mL", SourceItem.BACTERIA_TOTAL: "CFU/mL"})
# Reported at surface sources but not judged.
_REPORTED_ONLY = {Item.TEMPERATURE.value, Item.TN.value, Item.FECAL_COLIFORM.value}


def items_for(kind: SourceKind) -> tuple[str, ...]:
    """The keys judged at a source of this kind, in the standards' table order."""
    if kind is SourceKind.SURFACE:
        return tuple(item.value for item in EVALUATED) + tuple(SURFACE_SUPPLEMENTARY)
    return tuple(GROUND_LIMITS)


def unit_of(key: str) -> str:
    """The unit of a source item key (pH has none); raises KeyError for an unknown key."""
    if key in _REPORTED_ONLY:
        return water_unit_of(Item(key))
    return _UNITS[key]


def limit_of(key: str, kind: SourceKind, body: BodyKind = BodyKind.RIVER) -> Limit:
    """The limit a source of this kind must meet for an item (surface: class Ⅲ; ground: GB/T 14848 class Ⅲ).

    A surface source's `body` sets the total phosphorus limit (rivers 0.2 mg/L, lakes and reservoirs 0.05) and
    whether total nitrogen has one at all (lakes and reservoirs only: 1.0 mg/L); KeyError for an item without
    a limit here."""
    if kind is SourceKind.GROUND:
        return GROUND_LIMITS[key]
    if key in SURFACE_SUPPLEMENTARY:
        return SURFACE_SUPPLEMENTARY[key]
    item = Item(key)
    if item not in EVALUATED and not (item is Item.TN and body is BodyKind.LAKE):
        raise KeyError(key)
    if item is Item.PH:
        return Limit(lower=Fraction(6), upper=Fraction(9))
    limit = class_limit(item, WaterClass.III, body)
    assert limit is not None
    return Limit(lower=limit, upper=None) if item is Item.DO else Limit(lower=None, upper=limit)


def meets_limit(value: Measured, limit: Limit) -> bool:
    """Whether a value meets a limit; below detection meets an upper limit and fails a lower one."""
    if value.below_detection:
        if limit.upper is not None and limit.lower is not None:
            raise ValueError("a range-limited item (pH) cannot be below detection")
        return limit.lower is None
    exact = Fraction(repr(value.value))
    return (limit.lower is None or exact >= limit.lower) and (limit.upper is None or exact <= limit.upper)


class Failure(NamedTuple):
    """An item that fails its limit: the key, the reported value and the limit as text."""

    key: str
    value: Measured
    limit: str


@dataclass(frozen=True)
class SourceResult:
    """Whether a sample (or a source over a period) meets the standard, and the items that fail."""

    compliant: bool | None
    failing: tuple[Failure, ...]


def evaluate_source(values: Mapping[str, Measured], kind: SourceKind,
                    body: BodyKind = BodyKind.RIVER, include_tn: bool = False) -> SourceResult:
    """Judge one sample of a source; compliant is None when no judged item is present.

    `body` matters for surface sources only: lakes and reservoirs (湖、库) have the stricter total phosphorus
    limit of GB 3838-2002 (class Ⅲ 0.05 mg/L against 0.2 for rivers). Total nitrogen, which the standard limits
    for lakes and reservoirs only, is judged separately as the 评价办法 does, not in the compliance: include_tn
    adds it for a lake or reservoir (rivers have no nitrogen limit: ValueError). Keys reported but not judged
    for this kind are ignored; keys unknown to both tables raise ValueError."""
    if include_tn and (kind is SourceKind.GROUND or body is BodyKind.RIVER):
        raise ValueError("total nitrogen has a limit for lakes and reservoirs only")
    judged = items_for(kind) + ((Item.TN.value,) if include_tn else ())
    unknown = [key for key in values if key not in _UNITS and key not in _REPORTED_ONLY]
    if unknown:
        raise ValueError(f"unknown drinking-water items: {', '.join(sorted(unknown))}")
    present = [key for key in judged if key in values]
    if not present:
        return SourceResult(compliant=None, failing=())
    failing = []
    for key in present:
        limit = limit_of(key, kind, body)
        if not meets_limit(values[key], limit):
            failing.append(Failure(key=key, value=values[key], limit=limit.text))
    return SourceResult(compliant=not failing, failing=tuple(failing))


def over_period(samples: Sequence[SourceResult]) -> SourceResult:
    """A source over a period: it meets the standard only if every judged sample (e.g. every quarter) met it."""
    judged = [s for s in samples if s.compliant is not None]
    if not judged:
        return SourceResult(compliant=None, failing=())
    return SourceResult(compliant=all(s.compliant for s in judged),
                        failing=tuple(f for s in judged for f in s.failing))


def compliance_share(results: Sequence[SourceResult]) -> float | None:
    """The percentage of judged results that are compliant (None when none is judged).

    Indicator 25 (集中式饮用水水源地水质优良比例) counts sources: pass one result per source for the year,
    built with over_period (a source counts only if every sample of the year met the standard) — that is
    by_source_share. Passing every sample instead gives the by-sample share (by_sample_share), which bulletins
    sometimes print beside it."""
    judged = [r for r in results if r.compliant is not None]
    if not judged:
        return None
    return float(Fraction(sum(1 for r in judged if r.compliant) * 100, len(judged)))


def by_source_share(sources: Sequence[Sequence[SourceResult]]) -> float | None:
    """Indicator 25: the share of sources whose every sample of the period met the standard (percent)."""
    return compliance_share([over_period(samples) for samples in sources])


def by_sample_share(sources: Sequence[Sequence[SourceResult]]) -> float | None:
    """The share of all judged samples of all sources that met the standard (percent)."""
    return compliance_share([sample for samples in sources for sample in samples])

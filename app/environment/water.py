"""Surface water classes by GB 3838-2002 and the 地表水环境质量评价办法（试行） (环办〔2011〕22号)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from fractions import Fraction

from app.environment.measured import Measured, exact_sum, to_float


class WaterClass(IntEnum):
    """Water quality class Ⅰ…Ⅴ and 劣Ⅴ (worse than Ⅴ); a larger number is worse."""

    I = 1  # noqa: E741 - the standard names the class Ⅰ
    II = 2
    III = 3
    IV = 4
    V = 5
    WORSE_V = 6

    @property
    def label(self) -> str:
        """The class as printed: Ⅰ … Ⅴ, 劣Ⅴ (not translated)."""
        return ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "劣Ⅴ")[self.value - 1]


class BodyKind(StrEnum):
    """Rivers, or lakes and reservoirs (湖、库), which have their own phosphorus limits and a nitrogen class."""

    RIVER = "river"
    LAKE = "lake"


class Item(StrEnum):
    """The 24 basic items of GB 3838-2002 table 1, in the table's order (1 … 24)."""

    TEMPERATURE = "temperature"
    PH = "ph"
    DO = "do"
    CODMN = "codmn"
    COD = "cod"
    BOD5 = "bod5"
    NH3N = "nh3n"
    TP = "tp"
    TN = "tn"
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
    FECAL_COLIFORM = "fecal_coliform"


# GB 3838-2002 table 1, upper limits for classes Ⅰ…Ⅴ in mg/L (fecal coliform per L), checked against the
# standard's table: the md lists only the common items. Dissolved oxygen is a lower limit (Ⅰ: 饱和率 90% or
# 7.5). pH is 6–9 for every class. Water temperature (a limit on man-made change) has no class.
_UPPER: dict[Item, tuple[str, str, str, str, str]] = {
    Item.CODMN: ("2", "4", "6", "10", "15"),
    Item.COD: ("15", "15", "20", "30", "40"),
    Item.BOD5: ("3", "3", "4", "6", "10"),
    Item.NH3N: ("0.15", "0.5", "1.0", "1.5", "2.0"),
    Item.TP: ("0.02", "0.1", "0.2", "0.3", "0.4"),
    Item.TN: ("0.2", "0.5", "1.0", "1.5", "2.0"),
    Item.CU: ("0.01", "1.0", "1.0", "1.0", "1.0"),
    Item.ZN: ("0.05", "1.0", "1.0", "2.0", "2.0"),
    Item.F: ("1.0", "1.0", "1.0", "1.5", "1.5"),
    Item.SE: ("0.01", "0.01", "0.01", "0.02", "0.02"),
    Item.AS: ("0.05", "0.05", "0.05", "0.1", "0.1"),
    Item.HG: ("0.00005", "0.00005", "0.0001", "0.001", "0.001"),
    Item.CD: ("0.001", "0.005", "0.005", "0.005", "0.01"),
    Item.CR6: ("0.01", "0.05", "0.05", "0.05", "0.1"),
    Item.PB: ("0.01", "0.01", "0.05", "0.05", "0.1"),
    Item.CN: ("0.005", "0.05", "0.2", "0.2", "0.2"),
    Item.PHENOL: ("0.002", "0.002", "0.005", "0.01", "0.1"),
    Item.PETROLEUM: ("0.05", "0.05", "0.05", "0.5", "1.0"),
    Item.LAS: ("0.2", "0.2", "0.2", "0.3", "0.3"),
    Item.S2: ("0.05", "0.1", "0.2", "0.5", "1.0"),
    Item.FECAL_COLIFORM: ("200", "2000", "10000", "20000", "40000"),
}
# Total phosphorus in lakes and reservoirs (湖、库), the bracketed column of table 1.
_TP_LAKE: tuple[str, str, str, str, str] = ("0.01", "0.025", "0.05", "0.1", "0.2")
_DO_LOWER: tuple[str, str, str, str, str] = ("7.5", "6", "5", "3", "2")
PH_RANGE = (Fraction(6), Fraction(9))

UNITS: dict[Item, str] = {item: "mg/L" for item in Item}
UNITS.update({Item.PH: "", Item.TEMPERATURE: "℃", Item.FECAL_COLIFORM: "个/L"})

# The 评价办法 classes a section on 21 items: table 1 without water temperature, total nitrogen and fecal
# coliform. Total nitrogen is judged separately for lakes and reservoirs.
EVALUATED: tuple[Item, ...] = tuple(
    item for item in Item if item not in (Item.TEMPERATURE, Item.TN, Item.FECAL_COLIFORM))


def unit_of(item: Item) -> str:
    """The unit of an item: mg/L, 个/L for fecal coliform, ℃ for temperature, empty for pH."""
    return UNITS[item]


def limits(item: Item, body: BodyKind) -> tuple[Fraction, ...] | None:
    """The Ⅰ…Ⅴ limits of an item (upper limits; lower ones for DO), None for pH, temperature and river TN."""
    if item is Item.DO:
        return tuple(Fraction(v) for v in _DO_LOWER)
    if item is Item.TP and body is BodyKind.LAKE:
        return tuple(Fraction(v) for v in _TP_LAKE)
    if item is Item.TN and body is BodyKind.RIVER:
        return None  # table 1 gives total nitrogen for lakes and reservoirs only
    values = _UPPER.get(item)
    return None if values is None else tuple(Fraction(v) for v in values)


def class_limit(item: Item, water_class: WaterClass, body: BodyKind = BodyKind.RIVER) -> Fraction | None:
    """The limit of one class (Ⅰ…Ⅴ) for an item, None where the item has no such limit."""
    table = limits(item, body)
    if table is None or water_class is WaterClass.WORSE_V:
        return None
    return table[water_class.value - 1]


def _class_of(item: Item, value: Fraction, body: BodyKind) -> WaterClass | None:
    if item is Item.PH:
        return WaterClass.I if PH_RANGE[0] <= value <= PH_RANGE[1] else WaterClass.WORSE_V
    table = limits(item, body)
    if table is None:
        return None
    for water_class, limit in zip(WaterClass, table):
        if (value >= limit) if item is Item.DO else (value <= limit):
            return water_class
    return WaterClass.WORSE_V


def item_class(item: Item, value: Measured, body: BodyKind) -> WaterClass | None:
    """The class of one item's value; None for items without classes (temperature, total nitrogen in rivers).

    A value below detection meets class Ⅰ (评价办法). Dissolved oxygen is the exception: its limits are lower
    bounds, so "below the detection limit" is below every one of them and the class is 劣Ⅴ."""
    if value.below_detection:
        if item is Item.PH:
            raise ValueError("pH cannot be below detection")
        if limits(item, body) is None:
            return None
        return WaterClass.WORSE_V if item is Item.DO else WaterClass.I
    return _class_of(item, Fraction(repr(value.value)), body)


@dataclass(frozen=True)
class Exceedance:
    """An item beyond its class Ⅲ limit, with 超标倍数 (None for dissolved oxygen and pH)."""

    item: Item
    multiple: float | None
    item_class: WaterClass


@dataclass(frozen=True)
class SectionResult:
    """A section's class, its exceeding items (largest multiple first) and the items that set its class."""

    water_class: WaterClass | None
    exceeding: tuple[Exceedance, ...]
    limiting: tuple[Item, ...]
    status: str

    def meets(self, target: WaterClass) -> bool:
        """Whether the section is at its target class or better."""
        return self.water_class is not None and self.water_class <= target


# 评价办法 table 1: Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染, Ⅴ 中度污染, 劣Ⅴ 重度污染.
_STATUS = {WaterClass.I: "excellent", WaterClass.II: "excellent", WaterClass.III: "good",
           WaterClass.IV: "light", WaterClass.V: "moderate", WaterClass.WORSE_V: "heavy"}
NO_DATA = "no_data"


def status_of(water_class: WaterClass | None) -> str:
    """The status key of a class: excellent, good, light, moderate, heavy (no_data without a class)."""
    return NO_DATA if water_class is None else _STATUS[water_class]


def _exceedance(item: Item, value: Measured, water_class: WaterClass, body: BodyKind) -> Exceedance | None:
    if water_class <= WaterClass.III:
        return None
    limit = class_limit(item, WaterClass.III, body)
    if item in (Item.DO, Item.PH) or limit is None:
        return Exceedance(item=item, multiple=None, item_class=water_class)
    # 超标倍数 = (C − Ⅲ limit) ÷ Ⅲ limit, exactly on the reported decimals.
    return Exceedance(item=item, multiple=float((Fraction(repr(value.value)) - limit) / limit),
                      item_class=water_class)


def evaluate_section(values: Mapping[Item, Measured], body: BodyKind, include_tn: bool = False) -> SectionResult:
    """Class a section from one sample (or annual means): the worst class of the evaluated items present.

    include_tn adds total nitrogen to the class, for a lake or reservoir judged with nitrogen; rivers have no
    nitrogen class. `limiting` lists the items at the section's class (empty for a class Ⅰ section, where no
    item limits it). Exceeding items are ordered by 超标倍数, largest first, DO and pH after, then table order."""
    if include_tn and body is BodyKind.RIVER:
        raise ValueError("total nitrogen has class limits for lakes and reservoirs only")
    judged = EVALUATED + ((Item.TN,) if include_tn else ())
    classes: dict[Item, WaterClass] = {}
    for item in Item:
        if item in judged and item in values:
            found = item_class(item, values[item], body)
            if found is not None:
                classes[item] = found
    worst = max(classes.values(), default=None)
    exceeding = [e for item, c in classes.items() if (e := _exceedance(item, values[item], c, body)) is not None]
    order = list(Item)
    exceeding.sort(key=lambda e: (e.multiple is None, -(e.multiple or 0.0), order.index(e.item)))
    limiting = tuple(item for item, c in classes.items() if c == worst and worst is not WaterClass.I)
    return SectionResult(water_class=worst, exceeding=tuple(exceeding), limiting=limiting, status=status_of(worst))


def annual_mean(samples: Sequence[Measured]) -> Measured:
    """An item's mean over the year's samples, below-detection ones counting as half their limit.

    When every sample is below detection the mean is reported below detection too (the largest limit, "L"),
    so that it still meets class Ⅰ rather than turning into a number."""
    if not samples:
        raise ValueError("annual mean of no samples")
    if all(s.below_detection for s in samples):
        limit = max(samples, key=lambda s: s.value)
        return Measured(value=limit.value, below_detection=True, text=limit.text)
    value = to_float(exact_sum(s.decimal for s in samples), len(samples))
    return Measured(value=value, below_detection=False, text=repr(value))


def annual_means(months: Sequence[Mapping[Item, Measured]]) -> dict[Item, Measured]:
    """Each item's annual mean over the monthly samples that report it (pH too, arithmetically, as is usual)."""
    return {item: annual_mean(samples) for item in Item
            if (samples := [month[item] for month in months if item in month])}


def annual_section(months: Sequence[Mapping[Item, Measured]], body: BodyKind) -> SectionResult:
    """A section's annual class from its monthly samples: each item's annual mean, then evaluate_section."""
    return evaluate_section(annual_means(months), body)


@dataclass(frozen=True)
class SectionsSummary:
    """Several sections (a river, a basin, a city): class shares in percent and the overall status."""

    n: int
    share_good: float
    share_worse_v: float
    status: str
    by_class: dict[WaterClass, int]

    @property
    def share_rule_applies(self) -> bool:
        """The 评价办法 judges by shares from 5 sections on; with fewer it averages the sections' values
        and classes the means like one section (see mean_of_sections)."""
        return self.n >= 5


def summarise_sections(classes: Sequence[WaterClass]) -> SectionsSummary | None:
    """Shares of Ⅰ–Ⅲ and 劣Ⅴ among sections and the status by the 评价办法 (None without sections).

    ≥ 90 % Ⅰ–Ⅲ 优; 75–90 % 良好; < 75 % with 劣Ⅴ < 20 % 轻度污染; < 75 % with 20 % ≤ 劣Ⅴ < 40 % 中度污染;
    < 60 % with 劣Ⅴ ≥ 40 % 重度污染. The rules leave one gap: Ⅰ–Ⅲ ≥ 60 % with 劣Ⅴ ≥ 40 %, which (the shares
    summing to at most 100 %) is exactly 60 % Ⅰ–Ⅲ and 40 % 劣Ⅴ with nothing in between. We call it 重度污染:
    the 劣Ⅴ share has reached the heavy threshold, and 中度污染 is defined with 劣Ⅴ below 40 %."""
    if not classes:
        return None
    n = len(classes)
    by_class = {c: 0 for c in WaterClass}
    for c in classes:
        by_class[c] += 1
    good = Fraction(sum(by_class[c] for c in (WaterClass.I, WaterClass.II, WaterClass.III)) * 100, n)
    worse = Fraction(by_class[WaterClass.WORSE_V] * 100, n)
    if good >= 90:
        status = "excellent"
    elif good >= 75:
        status = "good"
    elif worse < 20:
        status = "light"
    elif worse < 40:
        status = "moderate"
    else:
        status = "heavy"  # < 60 % with 劣Ⅴ ≥ 40 %, and the gap case 60 % / 40 % (see the docstring)
    return SectionsSummary(n=n, share_good=float(good), share_worse_v=float(worse), status=status,
                           by_class=by_class)


def mean_of_sections(sections: Sequence[Mapping[Item, Measured]], body: BodyKind) -> SectionResult:
    """A river or basin with fewer than 5 sections: the mean of each item over its sections, classed as one."""
    return evaluate_section(annual_means(sections), body)

"""Reads over the evaluated water samples: sections by month, a section's history, drinking-water sources by
quarter, and the names of the items as a page shows them."""
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.environment import drinking, water
from app.environment.models import (AirDay, AirPlaceDay, DataState, DrinkingSource, WaterSample,
                                     WaterSection)

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
QUARTER = re.compile(r"([0-9]{4})Q([1-4])")
HISTORY_MONTHS = 24

# What residents read for each reported item (GB 3838-2002 tables 1 and 2, GB/T 14848-2017); the key is the
# item's key in water.Item / drinking.SourceItem.
ITEM_NAMES = {
    "temperature": _l("Water temperature"),
    "ph": _l("pH"),
    "do": _l("Dissolved oxygen"),
    "codmn": _l("Permanganate index"),
    "cod": _l("Chemical oxygen demand (COD)"),
    "bod5": _l("Five-day biochemical oxygen demand (BOD5)"),
    "nh3n": _l("Ammonia nitrogen"),
    "tp": _l("Total phosphorus"),
    "tn": _l("Total nitrogen"),
    "cu": _l("Copper"),
    "zn": _l("Zinc"),
    "f": _l("Fluoride"),
    "se": _l("Selenium"),
    "as": _l("Arsenic"),
    "hg": _l("Mercury"),
    "cd": _l("Cadmium"),
    "cr6": _l("Chromium (hexavalent)"),
    "pb": _l("Lead"),
    "cn": _l("Cyanide"),
    "phenol": _l("Volatile phenols"),
    "petroleum": _l("Petroleum"),
    "las": _l("Anionic surfactants"),
    "s2": _l("Sulphide"),
    "fecal_coliform": _l("Fecal coliforms"),
    "sulfate": _l("Sulphate"),
    "chloride": _l("Chloride"),
    "nitrate": _l("Nitrate (as N)"),
    "fe": _l("Iron"),
    "mn": _l("Manganese"),
    "hardness": _l("Total hardness (as CaCO3)"),
    "tds": _l("Total dissolved solids"),
    "nitrite": _l("Nitrite (as N)"),
    "na": _l("Sodium"),
    "al": _l("Aluminium"),
    "coliform_total": _l("Total coliforms"),
    "bacteria_total": _l("Total bacterial count"),
    "iodide": _l("Iodide"),
}

# The 评价办法's status words for a class and for several sections (water.status_of, SectionsSummary.status).
STATUS_TITLES = {
    "excellent": _l("Excellent"),
    "good": _l("Good"),
    "light": _l("Lightly polluted"),
    "moderate": _l("Moderately polluted"),
    "heavy": _l("Heavily polluted"),
    water.NO_DATA: _l("No data"),
}


def item_name(key: str) -> str:
    """The item's name in the reader's language; an unknown key as it was stored."""
    name = ITEM_NAMES.get(key)
    return str(name) if name is not None else key


def item_unit(key: str) -> str:
    """The item's unit (mg/L, 个/L, ℃; empty for pH and unknown keys)."""
    try:
        return drinking.unit_of(key)
    except KeyError:
        return ""


def class_label(value: int | None) -> str:
    """Ⅰ…Ⅴ, 劣Ⅴ for a stored class 1..6; empty without one."""
    return water.WaterClass(value).label if value else ""


def class_html(value: int | None) -> Markup:
    """The class for a page: 劣Ⅴ is Chinese in every language, so it carries lang="zh-Hans"."""
    if value == water.WaterClass.WORSE_V:
        return Markup('<span lang="zh-Hans">{}</span>').format(class_label(value))
    return Markup.escape(class_label(value))


def parse_month(text: str | None) -> str | None:
    """A month "2025-03" as given, or None when it is not one (years 1900–2999)."""
    match = MONTH.fullmatch(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2999:
        return None
    return match.group(0)


def parse_quarter(text: str | None) -> str | None:
    """A quarter "2025Q1" as given (q in either case), or None when it is not one."""
    match = QUARTER.fullmatch((text or "").upper())
    if not match or not 1900 <= int(match.group(1)) <= 2999:
        return None
    return match.group(0)


def months_back(month: str, count: int) -> str:
    """The month `count - 1` months before `month`: the first of a run of `count` months ending at `month`."""
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + number - 1 - (count - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Exceeding:
    """An item beyond its class Ⅲ limit; multiple is 超标倍数 (None for dissolved oxygen and pH)."""

    key: str
    multiple: float | None

    @property
    def name(self) -> str:
        return item_name(self.key)


def exceeding_items(stored: str) -> list[Exceeding]:
    """The sample's stored exceeding items ("nh3n:0.5,do:") as a list."""
    items = []
    for part in filter(None, stored.split(",")):
        key, _sep, multiple = part.partition(":")
        try:
            number = float(multiple) if multiple else None
        except ValueError:
            number = None
        items.append(Exceeding(key, number))
    return items


@dataclass
class SectionRow:
    """A section in a month: its sample (None when none was reported) and what the sample says."""

    section: WaterSection
    sample: WaterSample | None

    @property
    def water_class(self) -> water.WaterClass | None:
        value = self.sample.water_class if self.sample else None
        return water.WaterClass(value) if value else None

    @property
    def target(self) -> water.WaterClass:
        return water.WaterClass(self.section.target_class)

    @property
    def meets(self) -> bool | None:
        return self.sample.meets_target if self.sample else None

    @property
    def exceeding(self) -> list[Exceeding]:
        return exceeding_items(self.sample.exceeding) if self.sample else []

    @property
    def provisional(self) -> bool:
        return self.sample is not None and self.sample.state == DataState.PROVISIONAL


@dataclass
class MonthSections:
    """Every active section in a month, and the city's summary by the several-sections rule."""

    month: str | None
    rows: list[SectionRow] = field(default_factory=list)
    summary: water.SectionsSummary | None = None

    @property
    def reported(self) -> list[SectionRow]:
        return [row for row in self.rows if row.water_class is not None]

    @property
    def met(self) -> int:
        return sum(1 for row in self.rows if row.meets)

    @property
    def good_count(self) -> int:
        """Sections of class Ⅰ–Ⅲ."""
        return sum(1 for row in self.reported if row.water_class and row.water_class <= water.WaterClass.III)

    @property
    def worse_v_count(self) -> int:
        return sum(1 for row in self.reported if row.water_class is water.WaterClass.WORSE_V)

    @property
    def any_provisional(self) -> bool:
        return any(row.provisional for row in self.rows)


def section_months(session) -> list[str]:
    """The months with any section sample, newest first."""
    statement = (select(WaterSample.period).where(WaterSample.section_id.is_not(None)).distinct()
                 .order_by(WaterSample.period.desc()))
    return list(session.scalars(statement))


def latest_section_month(session) -> str | None:
    """The newest month with a section sample (one indexed MAX)."""
    return session.scalar(select(func.max(WaterSample.period)).where(WaterSample.section_id.is_not(None)))


def sections_in_month(session, month: str | None, *, with_values: bool = False) -> MonthSections:
    """The active sections (and any inactive one with a sample that month) with their sample of the month."""
    if month is None:
        return MonthSections(None)
    options = [selectinload(WaterSample.values)] if with_values else []
    samples = {s.section_id: s for s in session.scalars(
        select(WaterSample).options(*options).where(WaterSample.section_id.is_not(None), WaterSample.period == month))}
    sections = session.scalars(
        select(WaterSection).options(selectinload(WaterSection.place))
        .where(WaterSection.active.is_(True) | WaterSection.id.in_(list(samples) or [-1]))
        .order_by(WaterSection.sort_order, WaterSection.code))
    rows = [SectionRow(section, samples.get(section.id)) for section in sections]
    classes = [row.water_class for row in rows if row.water_class is not None]
    return MonthSections(month, rows, water.summarise_sections(classes))


def section_by_code(session, code: str) -> WaterSection | None:
    return session.scalar(select(WaterSection).where(WaterSection.code == code))


def section_history(session, section: WaterSection, months: int = HISTORY_MONTHS) -> list[WaterSample]:
    """The section's samples of the `months` months ending with its newest one, newest first, with values."""
    newest = session.scalar(select(func.max(WaterSample.period)).where(WaterSample.section_id == section.id))
    if newest is None:
        return []
    statement = (select(WaterSample).options(selectinload(WaterSample.values))
                 .where(WaterSample.section_id == section.id, WaterSample.period >= months_back(newest, months),
                        WaterSample.period <= newest)
                 .order_by(WaterSample.period.desc()))
    return list(session.scalars(statement))


@dataclass
class SourceRow:
    """A drinking-water source in a quarter with its sample (None when none was reported)."""

    source: DrinkingSource
    sample: WaterSample | None

    @property
    def failing(self) -> list[str]:
        return [key for key in (self.sample.failing if self.sample else "").split(",") if key]

    @property
    def provisional(self) -> bool:
        return self.sample is not None and self.sample.state == DataState.PROVISIONAL


@dataclass
class YearCompliance:
    """Indicator 25's figure for a year: the share of sources whose every judged sample met the standard."""

    year: int
    share: float | None
    judged: int
    compliant: int


def source_quarters(session) -> list[str]:
    """The quarters with any source sample, newest first."""
    statement = (select(WaterSample.period).where(WaterSample.source_id.is_not(None)).distinct()
                 .order_by(WaterSample.period.desc()))
    return list(session.scalars(statement))


def latest_source_quarter(session) -> str | None:
    return session.scalar(select(func.max(WaterSample.period)).where(WaterSample.source_id.is_not(None)))


def sources_in_quarter(session, quarter: str | None) -> list[SourceRow]:
    """The active sources (and any inactive one with a sample then) with their sample of the quarter."""
    if quarter is None:
        return []
    samples = {s.source_id: s for s in session.scalars(
        select(WaterSample).options(selectinload(WaterSample.values))
        .where(WaterSample.source_id.is_not(None), WaterSample.period == quarter))}
    sources = session.scalars(
        select(DrinkingSource).options(selectinload(DrinkingSource.place))
        .where(DrinkingSource.active.is_(True) | DrinkingSource.id.in_(list(samples) or [-1]))
        .order_by(DrinkingSource.sort_order, DrinkingSource.code))
    return [SourceRow(source, samples.get(source.id)) for source in sources]


def year_compliance(session, year: int) -> YearCompliance:
    """The year's share of compliant sources (a source counts only if every judged quarter met the standard)."""
    by_source: dict[int, list[drinking.SourceResult]] = {}
    statement = select(WaterSample.source_id, WaterSample.compliant).where(
        WaterSample.source_id.is_not(None), WaterSample.period.in_([f"{year}Q{q}" for q in range(1, 5)]))
    for source_id, compliant in session.execute(statement):
        by_source.setdefault(source_id, []).append(drinking.SourceResult(compliant=compliant, failing=()))
    results = [drinking.over_period(samples) for samples in by_source.values()]
    judged = [r for r in results if r.compliant is not None]
    return YearCompliance(year, drinking.compliance_share(results), len(judged),
                          sum(1 for r in judged if r.compliant))


def data_years(session) -> dict[str, list[int]]:
    """The years for which each kind of data exists (newest first): air days, air periods, sections, sources."""
    def span(column) -> list[int]:
        # MIN and MAX apart: each alone is one seek at an end of the column's index, together they read it all.
        low = session.scalar(select(func.min(column)))
        high = session.scalar(select(func.max(column)))
        return list(range(high.year, low.year - 1, -1)) if low and high else []

    sections = {int(p[:4]) for p in section_months(session)}
    sources = {int(p[:4]) for p in source_quarters(session)}
    place_days = span(AirPlaceDay.day)
    # A place's month and year are evaluated exactly when it has days in them (aggregation.rebuild_periods), so
    # the periods span the place-days' years, without reading every period of every place.
    return {"station_days": span(AirDay.day), "place_days": place_days, "periods": place_days,
            "sections": sorted(sections, reverse=True), "sources": sorted(sources, reverse=True)}


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"

"""The yearly 生态环境状况公报 figures, assembled from the evaluated tables and the water samples: the city's and
each district's air (HJ 663-2013), surface water (GB 3838-2002 and the 评价办法) and drinking-water sources; and
the same as an editable Word document.

Reads only: air from `air_place_periods` (rebuilt from the values by the aggregation), water from the section
months and source quarters of the year. The indicator providers (providers.py) read their figures here too, so
the bulletin and the indicator values never disagree.
"""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.shared import Mm, Pt
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from app.environment import drinking, water, water_queries
from app.environment.air_evaluation import GRADE2_ANNUAL, publish_decimal, publish_index, publish_ratio
from app.environment.aqi import CATEGORIES, Category, Pollutant
from app.environment.aqi_texts import category_title, pollutant_name
from app.environment.measured import Measured
from app.environment.models import (AirDay, AirPlacePeriod, AirStation, DataOrigin, DrinkingSource, WaterBody,
                                    WaterSample, WaterSection, WaterValue)
from app.org.queries import districts, the_city
from app.web.text import xml_safe

# The six items in the order bulletins print them, with the statistic each is judged by.
AIR_ITEMS = (Pollutant.PM25, Pollutant.PM10, Pollutant.O3, Pollutant.NO2, Pollutant.SO2, Pollutant.CO)
_COLUMNS = {Pollutant.SO2: "so2", Pollutant.NO2: "no2", Pollutant.PM10: "pm10", Pollutant.PM25: "pm25",
            Pollutant.CO: "co_p95", Pollutant.O3: "o3_8h_p90"}
STATISTIC = {
    Pollutant.SO2: _l("annual mean"), Pollutant.NO2: _l("annual mean"), Pollutant.PM10: _l("annual mean"),
    Pollutant.PM25: _l("annual mean"), Pollutant.CO: _l("95th percentile of daily means"),
    Pollutant.O3: _l("90th percentile of daily maximum 8-hour means"),
}
UNIT = {p: "μg/m³" for p in Pollutant} | {Pollutant.CO: "mg/m³"}
# The 评价办法's status words, as the water pages say them.
WATER_STATUS = water_queries.STATUS_TITLES
METHOD_SECTIONS = _l("A section's annual class is the class of each item's annual mean over the year's monthly "
                     "samples (a value below detection counts as half its limit), judged on the 21 items of "
                     "GB 3838-2002 by the national surface water evaluation method of 2011; a river or lake of "
                     "five sections or more is judged by the shares of its sections, one of fewer by the means of "
                     "its sections.")
METHOD_SOURCES = _l("A source counts as meeting the standard only if every sample of the year met it: surface "
                    "sources class Ⅲ of GB 3838-2002 with its supplementary items, groundwater sources class Ⅲ "
                    "of GB/T 14848-2017.")


# ------------------------------------------------------------------------------------------------ air

@dataclass(frozen=True)
class AirItem:
    """One item's statistic of the year against its grade-2 limit, and its change on the previous year."""

    pollutant: Pollutant
    value: float | None
    previous: float | None

    @property
    def name(self) -> str:
        return str(pollutant_name(self.pollutant, True))

    @property
    def statistic(self) -> str:
        return str(STATISTIC[self.pollutant])

    @property
    def unit(self) -> str:
        return UNIT[self.pollutant]

    @property
    def limit(self) -> str:
        return f"{GRADE2_ANNUAL[self.pollutant]:g}"

    @property
    def published(self) -> str:
        return "—" if self.value is None else f"{publish_decimal(self.pollutant, self.value):f}"

    @property
    def meets(self) -> bool | None:
        if self.value is None:
            return None
        return publish_decimal(self.pollutant, self.value) <= publish_decimal(self.pollutant,
                                                                              GRADE2_ANNUAL[self.pollutant])

    @property
    def change(self) -> float | None:
        """Percent change on the previous year (negative: lower), on the published values."""
        if self.value is None or not self.previous:
            return None
        now, before = publish_decimal(self.pollutant, self.value), publish_decimal(self.pollutant, self.previous)
        return None if before == 0 else float((now - before) / before * 100)


@dataclass(frozen=True)
class AirYear:
    """A place's air in a year (city: national and provincial stations; a district: its stations)."""

    place: object
    year: int
    row: AirPlacePeriod | None
    previous: AirPlacePeriod | None
    stations: int

    @property
    def has_data(self) -> bool:
        return self.row is not None and self.row.valid_days > 0

    @property
    def items(self) -> list[AirItem]:
        return [AirItem(p, _value(self.row, p), _value(self.previous, p)) for p in AIR_ITEMS]

    @property
    def good_ratio(self) -> str:
        return "—" if self.row is None or self.row.good_ratio is None else publish_ratio(self.row.good_ratio)

    @property
    def good_ratio_change(self) -> float | None:
        """Percentage points on the previous year, on the published one-decimal ratios."""
        if self.row is None or self.previous is None or None in (self.row.good_ratio, self.previous.good_ratio):
            return None
        return float(publish_ratio(self.row.good_ratio)) - float(publish_ratio(self.previous.good_ratio))

    @property
    def pm25_change(self) -> float | None:
        return next(item.change for item in self.items if item.pollutant is Pollutant.PM25)

    @property
    def composite(self) -> str:
        return "—" if self.row is None or self.row.composite_index is None else publish_index(
            self.row.composite_index)

    @property
    def days_by_category(self) -> list[tuple[Category, str, int]]:
        counts = [int(n) for n in self.row.days_by_level.split(",")] if self.row else [0] * 6
        return [(category, str(category_title(category)), count) for category, count in zip(CATEGORIES, counts)]


def _value(row: AirPlacePeriod | None, pollutant: Pollutant) -> float | None:
    return None if row is None else getattr(row, _COLUMNS[pollutant])


def air_year(session, place, year: int) -> AirYear:
    """The place's evaluated year and the year before, and how many stations it is the mean of."""
    rows = {row.period: row for row in session.scalars(
        select(AirPlacePeriod).where(AirPlacePeriod.place_id == place.id,
                                     AirPlacePeriod.period.in_([str(year), str(year - 1)])))}
    query = select(AirStation).where(AirStation.active.is_(True))
    if place.is_city:
        stations = [s for s in session.scalars(query) if s.control_level.counts_for_city]
    else:
        stations = list(session.scalars(query.where(AirStation.place_id == place.id)))
    return AirYear(place=place, year=year, row=rows.get(str(year)), previous=rows.get(str(year - 1)),
                   stations=len(stations))


# ------------------------------------------------------------------------------------------------ water

@dataclass(frozen=True)
class SectionYear:
    """A section's annual class from its monthly samples of the year, and how many months failed the target."""

    section: WaterSection
    months: int
    months_failing: int
    result: water.SectionResult
    means: dict

    @property
    def water_class(self) -> water.WaterClass | None:
        return self.result.water_class

    @property
    def label(self) -> str:
        return "—" if self.water_class is None else self.water_class.label

    @property
    def meets_target(self) -> bool:
        return self.result.meets(water.WaterClass(self.section.target_class))

    @property
    def target_label(self) -> str:
        return water.WaterClass(self.section.target_class).label

    @property
    def status(self) -> str:
        return str(WATER_STATUS[self.result.status])


def _body(section: WaterSection) -> water.BodyKind:
    return water.BodyKind.LAKE if section.body == WaterBody.LAKE else water.BodyKind.RIVER


def _values_by_site(session, site_column, site_model, period_like: str, place) -> dict[int, dict[str, dict]]:
    """{site id: {period: {item: Measured}}} of the active sites' samples in the periods, read as plain rows (a
    year of a city's sections is thousands of values: no ORM objects)."""
    query = (select(site_column, WaterSample.period, WaterValue.item, WaterValue.reported, WaterValue.value,
                    WaterValue.below_detection)
             .join(WaterValue, WaterValue.sample_id == WaterSample.id)
             .join(site_model, site_model.id == site_column)
             .where(WaterSample.period.like(period_like), site_model.active.is_(True)))
    if place is not None and not place.is_city:
        query = query.where(site_model.place_id == place.id)
    found: dict[int, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for site_id, period, item, reported, value, below in session.execute(query):
        found[site_id][period][item] = Measured(value=value, below_detection=below, text=reported)
    return found


def section_years(session, year: int, place=None) -> list[SectionYear]:
    """Every active section with samples in the year (a district: those in it), classed on its annual means."""
    values = _values_by_site(session, WaterSample.section_id, WaterSection, f"{year}-%", place)
    if not values:
        return []
    failing: dict[int, int] = defaultdict(int)
    for section_id in session.scalars(select(WaterSample.section_id).where(
            WaterSample.section_id.in_(list(values)), WaterSample.period.like(f"{year}-%"),
            WaterSample.meets_target.is_(False))):
        failing[section_id] += 1
    result = []
    for section in session.scalars(select(WaterSection).where(WaterSection.id.in_(list(values)))
                                   .order_by(WaterSection.sort_order, WaterSection.code)):
        months = [{water.Item(k): v for k, v in sample.items() if k in _ITEMS}
                  for _period, sample in sorted(values[section.id].items())]
        means = water.annual_means(months)
        result.append(SectionYear(section=section, months=len(months), months_failing=failing[section.id],
                                  result=water.evaluate_section(means, _body(section)), means=means))
    return result


_ITEMS = {item.value for item in water.Item}


@dataclass(frozen=True)
class WaterGroup:
    """Several sections (the city, a river or lake): counts by class, shares, and the status."""

    name: str
    sections: list[SectionYear]
    summary: water.SectionsSummary | None
    status_key: str

    @property
    def status(self) -> str:
        return str(WATER_STATUS[self.status_key])

    @property
    def n(self) -> int:
        return len(self.sections)

    @property
    def share_good(self) -> str:
        return "—" if self.summary is None else publish_ratio(self.summary.share_good)

    @property
    def share_worse_v(self) -> str:
        return "—" if self.summary is None else publish_ratio(self.summary.share_worse_v)

    @property
    def class_counts(self) -> list[tuple[water.WaterClass, int]]:
        """Sections per class Ⅰ…劣Ⅴ."""
        counts = self.summary.by_class if self.summary else {}
        return [(c, counts.get(c, 0)) for c in water.WaterClass]

    @property
    def by_class(self) -> list[tuple[str, int]]:
        return [(c.label, n) for c, n in self.class_counts]


def water_group(name: str, sections: list[SectionYear]) -> WaterGroup:
    """Shares by the 评价办法: from 5 sections the shares decide the status; with fewer, the sections' means
    classed as one section do."""
    classes = [s.water_class for s in sections if s.water_class is not None]
    summary = water.summarise_sections(classes)
    if summary is None:
        status = water.NO_DATA
    elif summary.share_rule_applies:
        status = summary.status
    else:
        bodies = {_body(s.section) for s in sections}
        body = water.BodyKind.LAKE if bodies == {water.BodyKind.LAKE} else water.BodyKind.RIVER
        status = water.mean_of_sections([s.means for s in sections], body).status
    return WaterGroup(name=name, sections=sections, summary=summary, status_key=status)


def by_water(sections: list[SectionYear]) -> list[WaterGroup]:
    """One group per river or lake, in the order of their first section."""
    groups: dict[str, list[SectionYear]] = defaultdict(list)
    for item in sections:
        groups[item.section.water].append(item)
    return [water_group(name, members) for name, members in groups.items()]


@dataclass(frozen=True)
class SourceYear:
    """A drinking-water source over the year: compliant only if every sample was."""

    source: DrinkingSource
    samples: int
    result: drinking.SourceResult
    failing_periods: tuple[str, ...] = field(default=())

    @property
    def failing_keys(self) -> str:
        """The failing items' keys ("mn"), as stored: for texts kept in the database."""
        return ",".join(sorted({f.key for f in self.result.failing}))

    @property
    def failing_items(self) -> str:
        """The failing items' names in the reader's language."""
        return _(", ").join(water_queries.item_name(key) for key in sorted({f.key for f in self.result.failing}))


def source_years(session, year: int, place=None) -> list[SourceYear]:
    """Every active source with samples in the year (a district: those in it), judged sample by sample."""
    values = _values_by_site(session, WaterSample.source_id, DrinkingSource, f"{year}Q%", place)
    if not values:
        return []
    result = []
    for source in session.scalars(select(DrinkingSource).where(DrinkingSource.id.in_(list(values)))
                                  .order_by(DrinkingSource.sort_order, DrinkingSource.code)):
        judged = []
        failing_periods = []
        for period, sample in sorted(values[source.id].items()):
            verdict = source.evaluate(sample)
            judged.append(verdict)
            if verdict.compliant is False:
                failing_periods.append(period)
        result.append(SourceYear(source=source, samples=len(judged), result=drinking.over_period(judged),
                                 failing_periods=tuple(failing_periods)))
    return result


def sources_share(sources: list[SourceYear]) -> float | None:
    """Indicator 25: the percentage of judged sources that met the standard in every sample."""
    return drinking.compliance_share([s.result for s in sources])


# ------------------------------------------------------------------------------------------------ the whole

@dataclass(frozen=True)
class Bulletin:
    """Everything the yearly bulletin prints."""

    year: int
    city: object
    city_air: AirYear
    district_air: list[AirYear]
    sections: list[SectionYear]
    city_water: WaterGroup
    waters: list[WaterGroup]
    previous_water: WaterGroup
    sources: list[SourceYear]
    sources_share: float | None
    today: date
    demo: bool = False

    @property
    def running(self) -> bool:
        """The year has not ended: every figure is provisional."""
        return self.today <= date(self.year, 12, 31)

    @property
    def sources_share_text(self) -> str:
        return "—" if self.sources_share is None else publish_ratio(self.sources_share)

    @property
    def compliant_sources(self) -> int:
        return sum(1 for s in self.sources if s.result.compliant)

    @property
    def has_data(self) -> bool:
        return self.city_air.has_data or bool(self.sections) or bool(self.sources)


def includes_demo(session, year: int) -> bool:
    """Whether any value of the year is demonstration data (origin demo), which the bulletin and the indicator
    methods then say, as the demo's indicator values do (示范数据)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    air = select(AirDay.id).where(AirDay.origin == DataOrigin.DEMO, AirDay.day.between(first, last))
    samples = select(WaterSample.id).where(WaterSample.origin == DataOrigin.DEMO,
                                           WaterSample.period.like(f"{year}%"))
    return bool(session.scalar(select(exists(air))) or session.scalar(select(exists(samples))))


def build(session, year: int, today: date) -> Bulletin | None:
    """The year's bulletin figures; None without a city."""
    city = the_city(session)
    if city is None:
        return None
    sections = section_years(session, year)
    sources = source_years(session, year)
    return Bulletin(
        year=year, city=city, city_air=air_year(session, city, year),
        district_air=[air_year(session, place, year) for place in districts(session)],
        sections=sections, city_water=water_group(city.name, sections), waters=by_water(sections),
        previous_water=water_group(city.name, section_years(session, year - 1)),
        sources=sources, sources_share=sources_share(sources), today=today, demo=includes_demo(session, year))


# ------------------------------------------------------------------------------------------------ DOCX

def signed(value: float | None, unit: str = "%") -> str:
    """A change with its sign, one decimal: "+1.2%", "−3.0%"; "—" when there is none."""
    if value is None:
        return "—"
    text = publish_ratio(abs(value))
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{text}{unit}"


def signed_points(value: float | None) -> str:
    """A change of a share in percentage points: "+1.2 percentage points"; "—" when there is none."""
    if value is None:
        return "—"
    return _("%(value)s percentage points", value=signed(value, ""))


def _t(value) -> str:
    """Text for the document: python-docx refuses control characters, so a stray stored one is dropped."""
    return xml_safe(str(value))


def _table(document, headers, rows) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = _t(text)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = _t(text)


def air_sentence(air: AirYear) -> str:
    """The bulletin's first sentence on a place's air."""
    if not air.has_data:
        return _("No air quality data for %(place)s in %(year)d.", place=air.place.name, year=air.year)
    assert air.row is not None
    return _("%(place)s: %(good)d of %(valid)d valid days were good or excellent, a share of %(ratio)s%% "
             "(%(change)s on the previous year); PM2.5 %(pm25)s μg/m³ (%(pm25_change)s); composite index "
             "%(index)s.", place=air.place.name, good=air.row.good_days, valid=air.row.valid_days,
             ratio=air.good_ratio, change=signed_points(air.good_ratio_change),
             pm25=air.items[0].published, pm25_change=signed(air.pm25_change), index=air.composite)


def water_sentence(group: WaterGroup, previous: WaterGroup | None = None) -> str:
    """The bulletin's sentence on several sections."""
    if group.summary is None:
        return _("No surface water sections were monitored in this year.")
    text = _("Of %(n)d sections, %(good)s%% were of class Ⅰ–Ⅲ and %(worse)s%% worse than class Ⅴ; "
             "overall status: %(status)s.", n=group.n, good=group.share_good, worse=group.share_worse_v,
             status=group.status)
    if previous is not None and previous.summary is not None and group.summary is not None:
        text += " " + _("Previous year: %(good)s%% class Ⅰ–Ⅲ, %(worse)s%% worse than class Ⅴ.",
                        good=previous.share_good, worse=previous.share_worse_v)
    return text


def sources_sentence(bulletin: Bulletin) -> str:
    if not bulletin.sources:
        return _("No drinking-water source was sampled in this year.")
    return _("%(met)d of %(n)d centralised drinking-water sources met the standard in every sample: %(share)s%%.",
             met=bulletin.compliant_sources, n=len(bulletin.sources), share=bulletin.sources_share_text)


def docx(bulletin: Bulletin) -> bytes:
    """The bulletin as an editable Word document (A4, GB/T 9704 margins, as the indicator gap report)."""
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(_t(_("%(city)s ecological environment bulletin %(year)d", city=bulletin.city.name,
                              year=bulletin.year)), level=0)
    if bulletin.running:
        document.add_paragraph(_t(_("The year has not ended: every figure is provisional.")))
    if bulletin.demo:
        document.add_paragraph(_t(_("Demonstration data (fictional): these figures describe no real city.")))
    document.add_heading(_t(_("Ambient air")), level=1)
    air = bulletin.city_air
    document.add_paragraph(_t(air_sentence(air)))
    _table(document, (_("Item"), _("Statistic"), _("Value"), _("Grade 2 limit"), _("Meets grade 2"),
                      _("Change on the previous year")),
           [(item.name, item.statistic, f"{item.published} {item.unit}", f"{item.limit} {item.unit}",
             _yes_no(item.meets), signed(item.change)) for item in air.items])
    document.add_paragraph()
    _table(document, (_("Category"), _("Days")), [(title, str(count)) for _c, title, count in air.days_by_category])
    document.add_heading(_t(_("Air in the districts")), level=2)
    _table(document, (_("District"), _("Stations"), _("Good days share"), _("PM2.5"), _("Composite index")),
           [(a.place.name, str(a.stations), f"{a.good_ratio}%" if a.has_data else "—",
             a.items[0].published, a.composite) for a in bulletin.district_air])
    document.add_heading(_t(_("Surface water")), level=1)
    document.add_paragraph(_t(water_sentence(bulletin.city_water, bulletin.previous_water)))
    _table(document, [_("Class")] + [label for label, _n in bulletin.city_water.by_class],
           [[_("Sections")] + [str(n) for _label, n in bulletin.city_water.by_class]])
    document.add_paragraph()
    _table(document, (_("River or lake"), _("Sections"), _("Class Ⅰ–Ⅲ"), _("Worse than Ⅴ"), _("Status")),
           [(g.name, str(g.n), f"{g.share_good}%", f"{g.share_worse_v}%", g.status) for g in bulletin.waters])
    document.add_paragraph()
    _table(document, (_("Section"), _("River or lake"), _("Target"), _("Annual class"), _("Meets target"),
                      _("Months failing")),
           [(s.section.name, s.section.water, s.target_label, s.label, _yes_no(s.meets_target),
             f"{s.months_failing} / {s.months}") for s in bulletin.sections])
    document.add_paragraph(_t(METHOD_SECTIONS))
    document.add_heading(_t(_("Drinking-water sources")), level=1)
    document.add_paragraph(_t(sources_sentence(bulletin)))
    _table(document, (_("Source"), _("Samples"), _("Meets the standard"), _("Failing items")),
           [(s.source.name, str(s.samples), _yes_no(s.result.compliant),
             f"{s.failing_items} ({', '.join(s.failing_periods)})" if s.failing_periods else "—")
            for s in bulletin.sources])
    document.add_paragraph(_t(METHOD_SOURCES))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else (_("Yes") if value else _("No"))

"""The gap report (差距分析报告): compliance per place, ranked, failing indicators by domain with the gap,
binding indicators first, and the change since the previous period — as data, a web page and a DOCX."""
import io
from dataclasses import dataclass
from decimal import Decimal

from docx import Document
from docx.shared import Mm, Pt
from flask_babel import gettext as _

from app.indicators import queries, wording
from app.indicators.periods import parse_period
from app.indicators.rules import Status
from app.web.text import xml_safe


@dataclass
class Shortfall:
    indicator: object
    measure: object
    value: object
    gap: float | None


@dataclass
class PlaceReport:
    place: object
    met: int
    applicable: int
    judged: int
    pending: int
    rate: float | None
    previous_rate: float | None
    rank: int | None
    shortfalls_by_domain: list[tuple[object, list[Shortfall]]]
    newly_met: list
    newly_failing: list


def _shortfalls(result, place) -> list[tuple[object, list[Shortfall]]]:
    failing = sorted(result.failing(place), key=lambda i: (i.property_type != "binding", i.sort_order))
    grouped: dict = {}
    for indicator in failing:
        for measure, evaluation in result.status(indicator, place).measures:
            if evaluation.status == Status.NOT_MET:
                grouped.setdefault(indicator.task_group.domain, []).append(
                    Shortfall(indicator, measure, result.value(measure, place), evaluation.gap))
    return sorted(grouped.items(), key=lambda item: item[0].sort_order)


def build(judged, catalogue, period: str, city, districts) -> list[PlaceReport]:
    """One section for the city, then one per district in rank order; judged: a cache.Snapshot."""
    places = [city, *districts]
    now = judged.compliance(catalogue, period)
    before = judged.compliance(catalogue, str(parse_period(period).previous()))
    ranks = {row["place"].id: row["rank"] for row in queries.district_ranking(now, districts)}
    sections = []
    for place in places:
        changed = queries.changes(now, before, place)
        sections.append(PlaceReport(
            place=place, met=now.count(place, Status.MET), applicable=len(now.applicable(place)),
            judged=now.judged(place), pending=now.count(place, Status.PENDING),
            rate=now.rate(place), previous_rate=before.rate(place), rank=ranks.get(place.id),
            shortfalls_by_domain=_shortfalls(now, place),
            newly_met=[i for i, _old, new in changed if new == Status.MET],
            newly_failing=[i for i, _old, new in changed if new == Status.NOT_MET]))
    city_section, district_sections = sections[0], sections[1:]
    return [city_section, *sorted(district_sections, key=lambda s: (s.rank or 999, s.place.sort_order))]


def verdict_lines(section: PlaceReport) -> list[str]:
    """What the report says when a place has no shortfall to list: never "nothing is failing" when
    nothing has been judged."""
    if not section.judged:
        return [_("No indicator has been assessed yet in this period (awaiting assessment: %(pending)d).",
                  pending=section.pending)] if section.applicable else []
    lines = [] if section.shortfalls_by_domain else [_("No indicator is failing.")]
    if section.pending:
        lines.append(_("Indicators still awaiting assessment: %(pending)d.", pending=section.pending))
    return lines


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _t(value) -> str:
    """Text for the document: python-docx refuses control characters, so a stray stored one is dropped."""
    return xml_safe(str(value))


def docx(sections: list[PlaceReport], catalogue, period: str, city_name: str) -> bytes:
    """The report as an editable Word document a bureau can file."""
    document = Document()
    # A4 (python-docx's template is US Letter) with the margins of GB/T 9704 for official documents.
    page = document.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(_t(_("%(city)s indicator gap report, %(period)s", city=city_name, period=period)), level=0)
    document.add_paragraph(_t(f"{wording.stored(catalogue)} {catalogue.document}".strip()))
    ranking = document.add_table(rows=1, cols=4)
    ranking.style = "Table Grid"
    for cell, text in zip(ranking.rows[0].cells, (_("Rank"), _("Place"), _("Met"), _("Compliance rate"))):
        cell.text = _t(text)
    for section in sections:
        row = ranking.add_row().cells
        row[0].text = _t(section.rank or "—")
        row[1].text = _t(wording.stored(section.place))
        row[2].text = f"{section.met} / {section.applicable}"
        row[3].text = _percent(section.rate)
    for section in sections:
        document.add_heading(_t(wording.stored(section.place)), level=1)
        document.add_paragraph(_(
            "%(met)d of %(total)d applicable indicators met, a compliance rate of %(rate)s (previous period: %(previous)s).",
            met=section.met, total=section.applicable, rate=_percent(section.rate),
            previous=_percent(section.previous_rate)))
        if section.newly_failing:
            document.add_paragraph(_t(_("No longer met: %(list)s",
                                        list=_(", ").join(f"{i.code} {wording.stored(i)}" for i in section.newly_failing))))
        if section.newly_met:
            document.add_paragraph(_t(_("Newly met: %(list)s",
                                        list=_(", ").join(f"{i.code} {wording.stored(i)}" for i in section.newly_met))))
        for line in verdict_lines(section):
            document.add_paragraph(_t(line))
        for domain, shortfalls in section.shortfalls_by_domain:
            document.add_heading(_t(wording.stored(domain)), level=2)
            table = document.add_table(rows=1, cols=6)
            table.style = "Table Grid"
            headers = (_("No."), _("Indicator"), _("Property"), _("Target"), _("Value"), _("Gap"))
            for cell, text in zip(table.rows[0].cells, headers):
                cell.text = _t(text)
            for item in shortfalls:
                cells = table.add_row().cells
                cells[0].text = _t(item.measure.code)
                cells[1].text = _t(wording.stored(item.indicator) if item.measure.name == item.indicator.name else
                                   f"{wording.stored(item.indicator)}{_(': ')}{wording.stored(item.measure)}")
                cells[2].text = _t(item.indicator.property_enum.title if item.indicator.property_enum else "—")
                cells[3].text = _t(wording.target(item.measure))
                cells[4].text = _t(wording.value(item.value, item.measure) or _("not reported"))
                cells[5].text = "" if item.gap is None else _t(wording.quantity(Decimal(repr(item.gap)), item.measure.unit))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


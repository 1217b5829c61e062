"""The gap report (差距分析报告): the preconditions (基本条件) checklist of each place first, then compliance per
place, ranked, failing indicators by domain with the target that applies at the place, the task status and the
gap, binding indicators first, and the change since the previous period — as data, a web page and a DOCX; and
the same failures indicator by indicator across the districts."""
import io
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from docx import Document
from docx.shared import Mm, Pt
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.indicators import queries, wording
from app.indicators.judging import judging_rule, place_attributes, trend_baseline
from app.indicators.models import IndicatorProperty
from app.indicators.periods import parse_period
from app.indicators.rules import AssignedTaskRule, QualitativeRule, SetTargetRule, Status, evaluate
from app.web.text import xml_safe


class TaskStatus(StrEnum):
    """Where a "完成上级规定的…任务" part of a target stands (the assessing body's confirmation)."""

    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"
    AWAITING = "awaiting"
    NO_TARGET = "no_target"  # a computed measure whose target from the higher authority is not entered yet


TASK_TITLES = {
    TaskStatus.COMPLETED: _l("completed"),
    TaskStatus.NOT_COMPLETED: _l("not completed"),
    TaskStatus.AWAITING: _l("awaiting confirmation by the assessing body"),
    TaskStatus.NO_TARGET: _l("awaiting the target set by the higher authority"),
}


@dataclass
class Shortfall:
    indicator: object
    measure: object
    value: object
    gap: float | None
    target_here: object = None   # wording.Phrase: the target (variant) that applies at the place
    task: str | None = None      # TaskStatus, when the target has a task set by the higher authorities

    @property
    def task_title(self) -> str:
        return str(TASK_TITLES[self.task]) if self.task else ""


def _parts_here(measure, attributes, assigned_target=None) -> list:
    """The parts of the target that apply at a place: the chosen variant, an AND rule split into its parts (with
    the higher authority's figure in place of its task, for a measure this site computes: judging_rule)."""
    return queries.rule_parts(judging_rule(measure, assigned_target), attributes)


def _input(part, value):
    if isinstance(part, AssignedTaskRule):
        return value.task_completed
    if isinstance(part, QualitativeRule):
        return value.state_value
    return value.numeric_value


def explain(measure, place, value, previous, *, assigned_target=None,
            yearly_change: bool = False) -> tuple[float | None, str | None]:
    """Why a failing measure fails, part by part: the positive gap of the first unmet numeric part (never the
    margin of a part that is met, which an AND rule's combined gap may carry), and the status of a task set by
    the higher authorities, so that an unfinished task is not hidden behind a number that is fine. For a measure
    this site computes, the task is the computed value against the figure the higher authority set
    (assigned_target); yearly_change as in judging.judge_measure."""
    attributes = place_attributes(place)
    gap, task = None, None
    for part in _parts_here(measure, attributes, assigned_target):
        if isinstance(part, AssignedTaskRule):
            confirmed = None if value is None else value.task_completed
            task = {True: TaskStatus.COMPLETED, False: TaskStatus.NOT_COMPLETED}.get(confirmed, TaskStatus.AWAITING)
            continue
        if value is None:
            if isinstance(part, SetTargetRule):
                task = TaskStatus.AWAITING if part.target is not None else TaskStatus.NO_TARGET
            continue
        result = evaluate(part, _input(part, value), place=attributes, previous=trend_baseline(previous, yearly_change),
                          higher_is_better=measure.higher_is_better)
        if isinstance(part, SetTargetRule):
            task = {Status.MET: TaskStatus.COMPLETED, Status.NOT_MET: TaskStatus.NOT_COMPLETED}.get(
                result.status, TaskStatus.NO_TARGET if part.target is None else TaskStatus.AWAITING)
        if gap is None and result.status == Status.NOT_MET and result.gap is not None and result.gap > 0:
            gap = result.gap
    return gap, task


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
    checklist: object = None  # preconditions.Checklist of the period's year, or None when none is listed


def shortfalls_at(result, indicator, place) -> list[Shortfall]:
    """The unmet measures of an indicator at a place, each with the target that applies there, the task status
    and the gap."""
    previous_period = str(parse_period(result.period).year_before())  # trends are judged 同比
    attributes = place_attributes(place)
    found = []
    for measure, evaluation in result.status(indicator, place).measures:
        if evaluation.status != Status.NOT_MET:
            continue
        value = result.value(measure, place)
        assigned = result.assigned_target(measure, place)
        gap, task = explain(measure, place, value, result.values.get((measure.id, place.id, previous_period)),
                            assigned_target=assigned, yearly_change=measure.id in result.yearly_change)
        found.append(Shortfall(indicator, measure, value, gap, wording.target_at(measure, attributes, assigned), task))
    return found


def _shortfalls(result, place) -> list[tuple[object, list[Shortfall]]]:
    failing = sorted(result.failing(place), key=lambda i: (i.property_type != IndicatorProperty.BINDING, i.sort_order))
    grouped: dict = {}
    for indicator in failing:
        grouped.setdefault(indicator.task_group.domain, []).extend(shortfalls_at(result, indicator, place))
    return sorted(grouped.items(), key=lambda item: item[0].sort_order)


def build(judged, catalogue, period: str, city, districts, checklists: dict | None = None) -> list[PlaceReport]:
    """One section for the city, then one per district in rank order; judged: a cache.Snapshot; checklists: the
    preconditions checklist of each place (preconditions.checklists), shown before its indicators."""
    checklists = checklists or {}
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
            newly_failing=[i for i, _old, new in changed if new == Status.NOT_MET],
            checklist=checklists.get(place.id) if checklists.get(place.id) and checklists[place.id].items else None))
    city_section, district_sections = sections[0], sections[1:]
    return [city_section, *sorted(district_sections, key=lambda s: (s.rank or 999, s.place.sort_order))]


@dataclass
class PlaceShortfalls:
    place: object
    shortfalls: list[Shortfall]


@dataclass
class IndicatorAcross:
    """One indicator across the places: where it fails (with values against the target that applies there) and
    where it still awaits assessment."""

    indicator: object
    failing: list[PlaceShortfalls]
    pending: list
    districts_failing: int
    districts_applicable: int


def by_indicator(judged, catalogue, period: str, city, districts) -> list[tuple[object, list[IndicatorAcross]]]:
    """Every indicator that fails at the city or at a district, by domain in table order, with the places where it
    fails (the city first, then the districts in their order) — the view the offices' analysis reports write by
    hand ("在工业用水重复利用率方面，X县、X、X未达标…")."""
    result = judged.compliance(catalogue, period)
    places = [city, *districts]
    grouped: dict = {}
    for indicator in result.indicators:
        statuses = {place.id: result.status(indicator, place).status for place in places}
        failing = [PlaceShortfalls(place, shortfalls_at(result, indicator, place))
                   for place in places if statuses[place.id] == Status.NOT_MET]
        if not failing:
            continue
        grouped.setdefault(indicator.task_group.domain, []).append(IndicatorAcross(
            indicator=indicator, failing=failing,
            pending=[place for place in places if statuses[place.id] == Status.PENDING],
            districts_failing=sum(1 for place in districts if statuses[place.id] == Status.NOT_MET),
            districts_applicable=sum(1 for place in districts if statuses[place.id] != Status.NOT_APPLICABLE)))
    return sorted(grouped.items(), key=lambda item: item[0].sort_order)


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


def _docx_checklist(document, checklist) -> None:
    """The preconditions of one place, before its indicators; any not met is said first, in bold."""
    document.add_heading(_t(_("Preconditions")), level=2)
    if checklist.failing:
        warning = document.add_paragraph()
        warning.add_run(_t(_("Preconditions not met: %(list)s", list=_(", ").join(
            str(wording.stored(item.precondition)) for item in checklist.failing)))).bold = True
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, (_("Precondition"), _("Finding"), _("Evidence or notes"))):
        cell.text = _t(text)
    for item in checklist.items:
        cells = table.add_row().cells
        cells[0].text = _t(wording.stored(item.precondition))
        cells[1].text = _t(item.status.title if item.status else _("Not yet checked"))
        cells[2].text = _t(item.check.notes if item.check else "")


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
            "%(met)d of %(total)d applicable indicators met, a compliance rate of %(rate)s (previous period: %(previous)s).",  # noqa: E501 (one message)
            met=section.met, total=section.applicable, rate=_percent(section.rate),
            previous=_percent(section.previous_rate)))
        if section.newly_failing:
            document.add_paragraph(_t(_("No longer met: %(list)s",
                                        list=_(", ").join(f"{i.code} {wording.stored(i)}"
                                                          for i in section.newly_failing))))
        if section.newly_met:
            document.add_paragraph(_t(_("Newly met: %(list)s",
                                        list=_(", ").join(f"{i.code} {wording.stored(i)}" for i in section.newly_met))))
        if section.checklist is not None:
            _docx_checklist(document, section.checklist)
        for line in verdict_lines(section):
            document.add_paragraph(_t(line))
        for domain, shortfalls in section.shortfalls_by_domain:
            document.add_heading(_t(wording.stored(domain)), level=2)
            table = document.add_table(rows=1, cols=7)
            table.style = "Table Grid"
            headers = (_("No."), _("Indicator"), _("Property"), _("Target that applies here"), _("Value"),
                       _("Task set by the higher authorities"), _("Gap"))
            for cell, text in zip(table.rows[0].cells, headers):
                cell.text = _t(text)
            for item in shortfalls:
                cells = table.add_row().cells
                cells[0].text = _t(item.measure.code)
                cells[1].text = _t(wording.stored(item.indicator) if item.measure.name == item.indicator.name else
                                   f"{wording.stored(item.indicator)}{_(': ')}{wording.stored(item.measure)}")
                cells[2].text = _t(item.indicator.property_type.title if item.indicator.property_type else "—")
                cells[3].text = _t(item.target_here)
                cells[4].text = _t(wording.value(item.value, item.measure) or _("not reported"))
                cells[5].text = _t(item.task_title or "—")
                gap = item.gap
                cells[6].text = "" if gap is None else _t(wording.quantity(Decimal(repr(gap)), item.measure.unit))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


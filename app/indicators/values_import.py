"""Import indicator values from a sheet: every row checked first, then all saved and submitted for review,
or nothing at all. Headers may be English or Chinese."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from app.indicators import policy, services
from app.indicators.judging import measure_inputs, place_attributes
from app.indicators.models import IndicatorMeasure, ValueState
from app.indicators.periods import PeriodError, parse_period
from app.indicators.rules import STATES
from app.indicators.sheets import cell
from app.org.models import Place

HEADERS = ["code", "place", "period", "value", "evidence", "source", "correction_reason"]
HEADER_ALIASES = {"指标序号": "code", "地区代码": "place", "期间": "period", "数值": "value", "佐证材料": "evidence",
                  "数据来源": "source", "更正理由": "correction_reason"}
YES, NO = {"是", "yes", "y", "true", "1", "完成"}, {"否", "no", "n", "false", "0", "未完成"}


@dataclass
class ValuesImport:
    saved: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)



def _read_value(needed: set[str], text: str, unit: str) -> tuple[services.ValueInput | None, str | None]:
    data = services.ValueInput()
    if "number" in needed:
        try:
            data.numeric_value = Decimal(text.replace(",", "").rstrip("%"))
        except InvalidOperation:
            return None, _("%(text)s is not a number (unit: %(unit)s).", text=text or "∅", unit=unit or "-")
    elif "state" in needed:
        if text not in STATES:
            return None, _("%(text)s is not a recognised state; use one of: %(states)s.", text=text or "∅",
                           states="、".join(STATES))
        data.state_value = text
    elif "task" in needed:
        if text.lower() not in YES | NO:
            return None, _("Write 是 or 否 for whether the task was completed.")
        data.task_completed = text.lower() in YES
    return data, None


def import_values(session, actor, catalogue, rows: list[dict], *, today: date) -> ValuesImport:
    result = ValuesImport()
    measures = {m.code: m for m in session.scalars(
        select(IndicatorMeasure).join(IndicatorMeasure.indicator).where(
            IndicatorMeasure.indicator.has(catalogue_id=catalogue.id)))}
    places = {p.code: p for p in session.scalars(select(Place))}
    seen, ready = set(), []
    for number, raw in enumerate(rows, start=2):
        row = {HEADER_ALIASES.get(str(k).strip(), str(k).strip()): v for k, v in raw.items() if k is not None}
        code, place_code, period_text = cell(row, "code"), cell(row, "place"), cell(row, "period")
        if not any(cell(row, h) for h in HEADERS):
            continue
        measure, place = measures.get(code), places.get(place_code)
        problems = []
        if measure is None:
            problems.append(_("Unknown indicator code %(code)s.", code=code or "∅"))
        if place is None:
            problems.append(_("Unknown place code %(code)s.", code=place_code or "∅"))
        try:
            period = str(parse_period(period_text, today=today))
        except PeriodError:
            problems.append(_("%(period)s is not a past or current period.", period=period_text or "∅"))
            period = period_text
        if (code, place_code, period) in seen:
            problems.append(_("The same indicator, place and period appear twice."))
        seen.add((code, place_code, period))
        if measure is not None and place is not None and not problems:
            indicator = measure.indicator
            if measure.provider:
                problems.append(_("%(code)s is computed by this site from other data and cannot be entered; enter "
                                  "the target the higher authority set for it as %(code)s-target.", code=measure.code))
            elif not policy.can_edit_measure(actor, measure):
                problems.append(_("You cannot enter values for indicator %(code)s.", code=indicator.code))
            elif not indicator.applies_to(place):
                problems.append(_("Indicator %(code)s does not apply to %(place)s.", code=indicator.code,
                                  place=place.name))
            else:
                needed = measure_inputs(measure, place_attributes(place))
                data, problem = _read_value(needed, cell(row, "value"), measure.unit)
                if problem:
                    problems.append(problem)
                else:
                    data.evidence, data.source = cell(row, "evidence"), cell(row, "source")
                    data.correction_reason = cell(row, "correction_reason")
                    if not (data.evidence or data.source):
                        problems.append(_("Describe the evidence or the data source before submitting."))
                    latest = services.versions(session, measure.id, place.id, period)
                    if latest and latest[0].state == ValueState.SUBMITTED:
                        problems.append(_("This value is awaiting review and cannot be changed now."))
                    elif latest and latest[0].state == ValueState.APPROVED and not data.correction_reason:
                        problems.append(_("This value was already approved: give the reason for the correction."))
                    ready.append((measure, place, period, data))
        result.errors.extend((number, problem) for problem in problems)
    if not rows:
        result.errors.append((0, _("The file has no rows.")))
    if result.errors:
        return result
    for measure, place, period, data in ready:
        value = services.save_draft(session, actor, measure, place, period, data, today=today)
        services.submit_value(session, actor, value)
        result.saved += 1
    return result

"""Status of measures and indicators for a place, from the target rule and the approved values.

Status is always computed, never typed: 达标 (met) / 未达标 (not met) / 待评估 (pending: no approved value)
/ 不适用 (not applicable).
"""
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from app.indicators.rules import Evaluation, Rule, Status, TargetSyntaxError, VariantRule, evaluate, parse_target

STATUS_TITLES = {
    Status.MET: _l("Met"),
    Status.NOT_MET: _l("Not met"),
    Status.PENDING: _l("Awaiting assessment"),
    Status.NOT_APPLICABLE: _l("Not applicable"),
}


@lru_cache(maxsize=2048)
def rule_for(target: str) -> Rule | None:
    """The parsed rule of a target text (cached: targets repeat across places and periods)."""
    try:
        return parse_target(target)
    except TargetSyntaxError:
        return None


def place_attributes(place) -> dict:
    """The attributes target variants choose by, as the rules module expects them."""
    return {"level": "city" if place.is_city else "county", "terrain": place.terrain, "region": place.region,
            "moisture": place.moisture, "size": place.size, "plateau": bool(place.plateau)}


def inputs_needed(rule: Rule, attributes: dict) -> set[str]:
    """Which of 'number', 'state', 'task' a value must carry to be judged by rule at this place."""
    if isinstance(rule, VariantRule):
        variant = rule.for_place(attributes)
        return inputs_needed(variant.rule, attributes) if variant else {"number"}
    if rule.kind == "all_of":
        return set().union(*(inputs_needed(part, attributes) for part in rule.parts))
    return {"qualitative": {"state"}, "assigned_task": {"task"}}.get(rule.kind, {"number"})


def _rule_input(rule: Rule, attributes: dict, value):
    if isinstance(rule, VariantRule):
        variant = rule.for_place(attributes)
        return _rule_input(variant.rule, attributes, value) if variant else value.numeric_value
    if rule.kind == "all_of":
        return tuple(_rule_input(part, attributes, value) for part in rule.parts)
    if rule.kind == "qualitative":
        return value.state_value
    if rule.kind == "assigned_task":
        return value.task_completed
    return value.numeric_value


def judge_measure(measure, place, value, previous_value=None, *, applicable: bool = True,
                  attributes: dict | None = None) -> Evaluation:
    """Judge one measure at one place; value and previous_value are approved IndicatorValue rows or None.

    attributes: place_attributes(place), when the caller judges many measures at the same place."""
    if value is not None and value.not_applicable:
        applicable = False
    rule = rule_for(measure.target)
    if rule is None:
        return Evaluation(Status.PENDING, None, "target text could not be read")
    attributes = attributes if attributes is not None else place_attributes(place)
    if value is None or not applicable:
        return evaluate(rule, None, place=attributes, applicable=applicable)
    previous = previous_value.numeric_value if previous_value is not None else None
    return evaluate(rule, _rule_input(rule, attributes, value), place=attributes, previous=previous,
                    higher_is_better=measure.higher_is_better)


@dataclass(frozen=True)
class IndicatorStatus:
    status: Status
    measures: tuple[tuple[object, Evaluation], ...]  # (measure, evaluation)

    @property
    def gap(self) -> float | None:
        return next((e.gap for _m, e in self.measures if e.status == Status.NOT_MET and e.gap is not None), None)


def combine(evaluations: list[Evaluation]) -> Status:
    """An indicator is met when all its applicable measures are; any unmet measure makes it not met."""
    statuses = {e.status for e in evaluations}
    if not statuses or statuses == {Status.NOT_APPLICABLE}:
        return Status.NOT_APPLICABLE
    for status in (Status.NOT_MET, Status.PENDING):
        if status in statuses:
            return status
    return Status.MET

"""Status of measures and indicators for a place, from the target rule and the approved values.

Status is always computed, never typed: 达标 (met) / 未达标 (not met) / 待评估 (pending: no approved value)
/ 不适用 (not applicable).
"""
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from app.indicators.rules import (Evaluation, Rule, Status, TargetSyntaxError, VariantRule, evaluate, parse_target,
                                  set_targets)

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


def measure_inputs(measure, attributes: dict) -> set[str]:
    """What an entered value of the measure must carry at a place with these attributes: the higher authority's
    target for a computed measure is a number; otherwise what the measure's target asks (inputs_needed)."""
    if measure.target_of_id is not None:
        return {"number"}
    rule = rule_for(measure.target)
    return inputs_needed(rule, attributes) if rule else {"number"}


def judging_rule(measure, assigned_target=None) -> Rule | None:
    """The rule a measure is judged by: its parsed target, where for a measure this site computes by itself a
    task set by the higher authority becomes that authority's figure for the place and year (assigned_target, the
    approved value of the measure's target_of companion; None while not entered)."""
    rule = rule_for(measure.target)
    if rule is None or not measure.provider:
        return rule
    target = assigned_target.numeric_value if assigned_target is not None else None
    return set_targets(rule, target)


# The previous-year value a trend compares with, for a value that is itself a change on the previous year
# (PM2.5 浓度下降幅度 reckoned on last year's mean): "stable or better" then means no worse than no change.
NO_CHANGE = Decimal(0)


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
                  attributes: dict | None = None, assigned_target=None, yearly_change: bool = False) -> Evaluation:
    """Judge one measure at one place; value and previous_value are approved IndicatorValue rows or None.

    attributes: place_attributes(place), when the caller judges many measures at the same place.
    assigned_target: for a measure this site computes by itself, the approved target the higher authority set
    (judging_rule); yearly_change: the value is itself a change on the previous year, so that a trend compares
    it with no change rather than with last year's change."""
    if value is not None and value.not_applicable:
        applicable = False
    rule = judging_rule(measure, assigned_target)
    if rule is None:
        return Evaluation(Status.PENDING, None, "target text could not be read")
    attributes = attributes if attributes is not None else place_attributes(place)
    if value is None or not applicable:
        return evaluate(rule, None, place=attributes, applicable=applicable)
    previous = trend_baseline(previous_value, yearly_change)
    return evaluate(rule, _rule_input(rule, attributes, value), place=attributes, previous=previous,
                    higher_is_better=measure.higher_is_better)


def trend_baseline(previous_value, yearly_change: bool = False):
    """What a trend target compares this year's value with: last year's approved value (a row or None), or no
    change at all for a value that is already a change on the previous year."""
    if yearly_change:
        return NO_CHANGE
    return previous_value.numeric_value if previous_value is not None else None


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

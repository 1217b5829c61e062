"""Demo indicator data: the reconstructed 2019 catalogue and three years of reviewed values for 云溪市.

Values are generated from a fixed seed around each target, so most indicators are met and a few are not —
the mix the city's own analysis reports describe.
"""
import csv
import random
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.db_types import utcnow
from app.indicators.catalogue_import import import_catalogue
from app.indicators.judging import inputs_needed, place_attributes, rule_for
from app.indicators.models import IndicatorCatalogue, IndicatorValue, ValueState
from app.indicators.queries import catalogue_indicators
from app.indicators.rules import (AllOfRule, ComparisonRule, QualitativeRule, RangeRule, TrendRule,
                                  VariantRule)
from app.org.queries import districts, the_city

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue-2019.csv"
DEMO_YEARS = (2023, 2024, 2025)


def load_catalogue(session, actor=None) -> IndicatorCatalogue:
    existing = session.scalar(select(IndicatorCatalogue).where(IndicatorCatalogue.code == "2019"))
    if existing:
        return existing
    with open(CATALOGUE_FILE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    result = import_catalogue(
        session, actor, code="2019", name_zh_hans="国家生态文明建设示范市县建设指标（2019，重构版）",
        name_zh_hant="國家生態文明建設示範市縣建設指標（2019，重構版）",
        name_en="National eco-civilization demonstration city and county indicators (2019, reconstructed)",
        document="环生态〔2019〕76号", first_year=2019, last_year=None, rows=rows)
    if result.errors:
        raise RuntimeError(f"demo catalogue does not load: {result.errors}")
    return result.catalogue


def _threshold(rule, attributes):
    if isinstance(rule, VariantRule):
        variant = rule.for_place(attributes)
        return _threshold(variant.rule, attributes) if variant else None
    if isinstance(rule, AllOfRule):
        return next((t for t in (_threshold(p, attributes) for p in rule.parts) if t is not None), None)
    if isinstance(rule, ComparisonRule):
        return rule.threshold, rule.op
    if isinstance(rule, RangeRule):
        return (rule.low + rule.high) / 2, "="
    return None


def _qualitative_state(rule, attributes):
    if isinstance(rule, VariantRule):
        variant = rule.for_place(attributes)
        return _qualitative_state(variant.rule, attributes) if variant else None
    if isinstance(rule, AllOfRule):
        return next((s for s in (_qualitative_state(p, attributes) for p in rule.parts) if s), None)
    return rule.state if isinstance(rule, QualitativeRule) else None


def _has_trend(rule) -> bool:
    if isinstance(rule, AllOfRule):
        return any(_has_trend(p) for p in rule.parts)
    return isinstance(rule, TrendRule)


def _number(rng, rule, attributes, year, base, meets, higher_is_better, first_year=DEMO_YEARS[0]):
    found = _threshold(rule, attributes)
    if found is None:  # a pure trend: drift from a base value, improving when it should
        step = Decimal(rng.choice([1, 2, 3])) / 2
        improving = 1 if higher_is_better else -1
        return base + step * (year - first_year) * (improving if meets else -improving)
    threshold, op = found
    margin = max(abs(threshold) * Decimal("0.08"), Decimal("0.5"))
    if op in (">=", ">"):
        value = threshold + margin * Decimal(rng.random()) if meets else threshold - margin
    elif op in ("<=", "<"):
        value = threshold - margin * Decimal(rng.random()) if meets else threshold + margin
    else:
        value = threshold
    if _has_trend(rule):
        value += Decimal(year - first_year) / 4
    if threshold <= 100 < value:  # a percentage target: never report more than 100
        value = min(value, Decimal(100))
    return value.quantize(Decimal("0.01"))


def load_values(session, catalogue, editor, reviewer, years=DEMO_YEARS) -> int:
    """Approved values for every entered indicator, place and year; returns how many were created."""
    if session.scalar(select(IndicatorValue.id).limit(1)) is not None:
        return 0
    rng = random.Random(2019)
    places = [the_city(session), *districts(session)]
    created = 0
    for indicator in catalogue_indicators(session, catalogue):
        if indicator.is_computed:
            continue
        for place in places:
            if not indicator.applies_to(place):
                continue
            attributes = place_attributes(place)
            failing_place = rng.random() < 0.12
            for measure in indicator.measures:
                rule = rule_for(measure.target)
                base = Decimal(rng.randint(40, 90))
                for year in years:
                    meets = not (failing_place and year == years[-1])
                    value = IndicatorValue(
                        measure=measure, place=place, period=str(year), version=1, state=ValueState.APPROVED.value,
                        entered_by_id=editor.id, reviewed_by_id=reviewer.id, submitted_at=utcnow(),
                        reviewed_at=utcnow(), source="示范数据（虚构）", evidence="演示用数据，非真实统计。")
                    # Coastal indicators never get here in the inland demo city: the places' attributes
                    # make them not applicable (Indicator.applies_to), with no typed value needed.
                    needed = inputs_needed(rule, attributes)
                    if "number" in needed:
                        value.numeric_value = _number(rng, rule, attributes, year, base, meets,
                                                      measure.higher_is_better, years[0])
                    if "state" in needed:
                        value.state_value = _qualitative_state(rule, attributes) if meets else "制定"
                    if "task" in needed:
                        value.task_completed = meets
                    session.add(value)
                    created += 1
    session.flush()
    return created

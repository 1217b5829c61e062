"""Demo indicator data: the catalogue versions with their years of application (data/catalogues.csv) and
three years of reviewed values for 云溪市, each year under the version that applied then.

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
from app.indicators.queries import catalogue_for_year, catalogue_indicators
from app.indicators.rules import (AllOfRule, ComparisonRule, QualitativeRule, RangeRule, TrendRule,
                                  VariantRule)
from app.org.queries import districts, the_city

DATA = Path(__file__).parent / "data"
VERSIONS_FILE = DATA / "catalogues.csv"  # one row per version: code, file, years of application, names, notes
DEMO_YEARS = (2023, 2024, 2025)


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_catalogues(session, actor=None) -> list[IndicatorCatalogue]:
    """Every catalogue version of VERSIONS_FILE not loaded yet, each with its years of application."""
    catalogues = []
    for version in _read(VERSIONS_FILE):
        existing = session.scalar(select(IndicatorCatalogue).where(IndicatorCatalogue.code == version["code"]))
        if existing:
            catalogues.append(existing)
            continue
        result = import_catalogue(
            session, actor, code=version["code"], name_zh_hans=version["name_zh_hans"],
            name_zh_hant=version["name_zh_hant"], name_en=version["name_en"], document=version["document"],
            first_year=int(version["first_year"]), last_year=int(version["last_year"]) if version["last_year"] else None,
            rows=_read(DATA / version["file"]),
            notes={locale: version[f"note_{locale}"] for locale in ("zh_hans", "zh_hant", "en")})
        if result.errors:
            raise RuntimeError(f"demo catalogue {version['code']} does not load: {result.errors}")
        catalogues.append(result.catalogue)
    return catalogues


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


def load_values(session, editor, reviewer, years=DEMO_YEARS) -> int:
    """Approved values for every entered indicator, place and year, each year under the catalogue version that
    applied then (a past year stays judged under its own version); returns how many were created."""
    if session.scalar(select(IndicatorValue.id).limit(1)) is not None:
        return 0
    rng = random.Random(2019)
    # Drawn once per place and indicator (measure), whatever the version: a row carried over from one version
    # to the next keeps its series, so trends read across the change of version.
    draws: dict[tuple, object] = {}
    created = 0
    by_catalogue: dict[int, tuple[IndicatorCatalogue, list[int]]] = {}
    for year in years:
        catalogue = catalogue_for_year(session, year)
        if catalogue is not None:
            by_catalogue.setdefault(catalogue.id, (catalogue, []))[1].append(year)
    for catalogue, catalogue_years in by_catalogue.values():
        created += _load_catalogue_values(session, rng, draws, catalogue, editor, reviewer, tuple(catalogue_years),
                                          first_year=years[0], last_year=years[-1])
    session.flush()
    return created


def _load_catalogue_values(session, rng, draws, catalogue, editor, reviewer, years, *, first_year, last_year) -> int:
    places = [the_city(session), *districts(session)]
    created = 0
    for indicator in catalogue_indicators(session, catalogue):
        if indicator.is_computed:
            continue
        for place in places:
            if not indicator.scope_enum.applies_to(place):
                continue
            attributes = place_attributes(place)
            failing_place = draws.setdefault((place.id, indicator.name_zh_hans), rng.random() < 0.12)
            for measure in indicator.measures:
                rule = rule_for(measure.target)
                base = draws.setdefault((place.id, indicator.name_zh_hans, measure.name_zh_hans),
                                        Decimal(rng.randint(40, 90)))
                for year in years:
                    meets = not (failing_place and year == last_year)
                    value = IndicatorValue(
                        measure=measure, place=place, period=str(year), version=1, state=ValueState.APPROVED.value,
                        entered_by_id=editor.id, reviewed_by_id=reviewer.id, submitted_at=utcnow(),
                        reviewed_at=utcnow(), source="示范数据（虚构）", evidence="演示用数据，非真实统计。")
                    if indicator.only_where_relevant and not place.coastal:
                        value.not_applicable, value.not_applicable_reason = True, "非沿海地区"
                    else:
                        needed = inputs_needed(rule, attributes)
                        if "number" in needed:
                            value.numeric_value = _number(rng, rule, attributes, year, base, meets,
                                                          measure.higher_is_better, first_year)
                        if "state" in needed:
                            value.state_value = _qualitative_state(rule, attributes) if meets else "制定"
                        if "task" in needed:
                            value.task_completed = meets
                    session.add(value)
                    created += 1
    return created

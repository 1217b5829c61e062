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

from app.accounts.models import User
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
            if not indicator.applies_to(place):
                continue
            attributes = place_attributes(place)
            failing_place = draws.setdefault((place.id, indicator.name_zh_hans), rng.random() < 0.12)
            # Measures computed from other modules' data get their values from them (refresh_computed_values), and
            # the targets the higher authority set for them once those modules' sites exist (load_assigned_targets).
            for measure in indicator.measures:
                if measure.provider:
                    continue
                rule = rule_for(measure.target)
                base = draws.setdefault((place.id, indicator.name_zh_hans, measure.name_zh_hans),
                                        Decimal(rng.randint(40, 90)))
                for year in years:
                    meets = not (failing_place and year == last_year)
                    value = IndicatorValue(
                        measure=measure, place=place, period=str(year), version=1, state=ValueState.APPROVED,
                        entered_by_id=editor.id, reviewed_by_id=reviewer.id, submitted_at=utcnow(),
                        reviewed_at=utcnow(), source="示范数据（虚构）", evidence="演示用数据，非真实统计。")
                    # Coastal indicators never get here in the inland demo city: the places' attributes
                    # make them not applicable (Indicator.applies_to), with no typed value needed.
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


# The targets the province set for the measures the demo computes from the monitoring data (indicators 7 and 8
# of the 2024 table), per measure code: (the city's, a district's), in the measure's unit — 优良天数比例 in %,
# PM2.5 浓度下降幅度 in % (0: not higher than the year before), the changes of the water shares in percentage
# points. Fictional, in the range such targets take.
ASSIGNED_TARGETS = {"7.1": (Decimal("80"), Decimal("78")), "7.2": (Decimal("0"), Decimal("0")),
                    "8.1": (Decimal("0"), Decimal("0")), "8.2": (Decimal("0"), Decimal("0"))}
# Districts given a stricter target than the rest, which their monitoring data then fall short of.
STRICTER_TARGETS = {("qingjiang", "7.1"): Decimal("86"), ("yunxi-qu", "7.2"): Decimal("5")}


def load_assigned_targets(session, years, today) -> int:
    """The targets the higher authority set for every computed measure whose official target is its task (the
    measure's target companion), entered by the demo editor and approved by the demo reviewer through the value
    workflow, for every place where the measure can be computed (its provider reports there) and every year of
    `years` judged under a catalogue that has such measures; returns how many were entered. Call it once the
    monitoring sites exist."""
    from app.indicators import services
    from app.indicators.providers import unreportable_measures

    editor = session.scalar(select(User).where(User.username == "editor"))
    reviewer = session.scalar(select(User).where(User.username == "reviewer"))
    places = [the_city(session), *districts(session)]
    entered = 0
    for year in years:
        catalogue = catalogue_for_year(session, year)
        indicators = catalogue_indicators(session, catalogue) if catalogue is not None else []
        indicators = [i for i in indicators if i.has_computed_measures]
        unreportable = unreportable_measures(session, indicators, places)
        for indicator in indicators:
            for measure in indicator.measures:
                target = measure.assigned_target
                for place in places:
                    if (target is None or not indicator.applies_to(place) or (measure.id, place.id) in unreportable
                            or services.versions(session, target.id, place.id, str(year))):
                        continue
                    city, district = ASSIGNED_TARGETS.get(measure.code, (Decimal("0"), Decimal("0")))
                    figure = STRICTER_TARGETS.get((place.code, measure.code), city if place.is_city else district)
                    value = services.save_draft(session, editor, target, place, str(year), services.ValueInput(
                        numeric_value=figure, source="示范数据（虚构）：上级下达的年度考核目标",
                        evidence="演示用数据：上级下达的目标任务书（虚构）。"), today=today)
                    services.submit_value(session, editor, value)
                    services.approve_value(session, reviewer, value)
                    entered += 1
    return entered


# The preconditions (基本条件) of the programme, checked before the indicators. (code, zh_Hans, zh_Hant, en,
# source.) Only the first is confirmed from a copy of the 2019 规程; the others follow the review the brief
# describes and the conditions cities' own reports list, and their article numbers are not confirmed.
PRECONDITIONS = [
    ("plan", "生态文明建设规划通过评审，并经同级人大（或其常委会）或本级人民政府审议后颁布实施",
     "生態文明建設規劃通過評審，並經同級人大（或其常委會）或本級人民政府審議後頒布實施",
     "The eco-civilization plan has passed review and was adopted by the people's congress (or its standing "
     "committee) or the government at the same level",
     "《国家生态文明建设示范市县管理规程》（环生态〔2019〕76号）第六条"),
    ("incident", "近三年未发生重大、特大突发环境事件或重大生态破坏事件",
     "近三年未發生重大、特大突發環境事件或重大生態破壞事件",
     "No major or especially major environmental emergency or major ecological damage in the last three years",
     "《国家生态文明建设示范市县管理规程》（环生态〔2019〕76号），条文号未核实"),
    ("inspection", "中央和省级生态环境保护督察反馈问题按期完成整改",
     "中央和省級生態環境保護督察反饋問題按期完成整改",
     "The problems found by the central and provincial environmental inspections have been rectified on time",
     "《国家生态文明建设示范市县管理规程》（环生态〔2019〕76号），条文号未核实"),
    ("targets", "完成上级政府下达的生态环境保护目标任务（污染防治攻坚战等）",
     "完成上級政府下達的生態環境保護目標任務（污染防治攻堅戰等）",
     "The environmental targets set by the higher government (pollution-prevention campaign and others) were met",
     "《国家生态文明建设示范市县管理规程》（环生态〔2019〕76号），条文号未核实"),
]
# Demo findings that are not "met": (place code, condition code) → (status, notes). Fictional, and said so.
_PRECONDITION_FINDINGS = {
    ("songling", "inspection"): ("not_met", "示范数据（虚构）：第二轮中央生态环境保护督察反馈的2项问题（矿山生态修复、乡镇污水处理设施）"
                                            "整改期限已过，尚未通过销号验收。"),
    ("qingshan", "plan"): ("pending", "示范数据（虚构）：县生态文明建设规划修编稿已通过省生态环境厅组织的评审，待县人大常委会审议。"),
    ("shimen", "incident"): ("pending", "示范数据（虚构）：2025年8月发生一起一般突发水环境事件，事件等级正在核定。"),
}
_PRECONDITION_MET_NOTES = {
    "plan": "示范数据（虚构）：规划经本级人大常委会审议通过并公布实施。",
    "incident": "示范数据（虚构）：经核查市生态环境局突发环境事件台账，近三年无重大、特大事件。",
    "inspection": "示范数据（虚构）：督察反馈问题整改清单已全部销号，见整改公示。",
    "targets": "示范数据（虚构）：上级下达的年度目标任务已通过省级考核。",
}


def load_preconditions(session, catalogue, office_user, year: int, today) -> int:
    """The programme's preconditions and the office's demo findings for every place in `year` (one not met,
    two being verified); returns how many findings were recorded (none when the list already exists)."""
    from app.indicators.models import IndicatorPrecondition
    from app.indicators.preconditions import record_check

    if session.scalar(select(IndicatorPrecondition.id).where(IndicatorPrecondition.catalogue_id == catalogue.id)
                      .limit(1)) is not None:
        return 0
    listed = []
    for order, (code, zh_hans, zh_hant, en, source) in enumerate(PRECONDITIONS, start=1):
        row = IndicatorPrecondition(catalogue=catalogue, code=code, name_zh_hans=zh_hans, name_zh_hant=zh_hant,
                                    name_en=en, source=source, sort_order=order)
        session.add(row)
        listed.append(row)
    session.flush()
    recorded = 0
    for place in [the_city(session), *districts(session)]:
        for condition in listed:
            status, notes = _PRECONDITION_FINDINGS.get((place.code, condition.code),
                                                       ("met", _PRECONDITION_MET_NOTES[condition.code]))
            record_check(session, office_user, condition, place, year, status, notes, today=today)
            recorded += 1
    return recorded

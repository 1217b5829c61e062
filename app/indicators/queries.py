"""Reads for the indicator pages: the catalogue in force, approved values and compliance by place."""
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import selectinload

from app.indicators import providers
from app.indicators.judging import (IndicatorStatus, combine, judge_measure, judging_rule, place_attributes,
                                    trend_baseline)
from app.indicators.models import (Indicator, IndicatorCatalogue, IndicatorDomain, IndicatorEvidenceFile,
                                   IndicatorMeasure,
                                   IndicatorProperty, IndicatorTaskGroup, IndicatorValue, ValueState)
from app.indicators.periods import parse_period
from app.indicators.rules import AllOfRule, Status, VariantRule, evaluate


def catalogue_for_year(session, year: int) -> IndicatorCatalogue | None:
    """The catalogue version a year is judged under (the newest whose years include it)."""
    return session.scalar(select(IndicatorCatalogue).where(
        IndicatorCatalogue.first_year <= year,
        or_(IndicatorCatalogue.last_year.is_(None), IndicatorCatalogue.last_year >= year),
    ).order_by(IndicatorCatalogue.first_year.desc()).limit(1))


def reported_periods(session) -> list[str]:
    return list(session.scalars(select(IndicatorValue.period).where(IndicatorValue.state == ValueState.APPROVED)
                                .distinct().order_by(IndicatorValue.period.desc())))


def city_reported_indicators(session, city_id: int) -> dict[str, set[int]]:
    """For each period, the indicators with at least one approved value at the city."""
    reported: dict[str, set[int]] = {}
    rows = session.execute(select(IndicatorValue.period, IndicatorMeasure.indicator_id).distinct()
                           .join(IndicatorMeasure, IndicatorMeasure.id == IndicatorValue.measure_id)
                           .where(IndicatorValue.place_id == city_id, IndicatorValue.state == ValueState.APPROVED))
    for period, indicator_id in rows:
        reported.setdefault(period, set()).add(indicator_id)
    return reported


def catalogue_indicators(session, catalogue) -> list[Indicator]:
    """Every indicator of a catalogue in table order, with what the pages show about it loaded at once."""
    return list(session.scalars(
        select(Indicator).where(Indicator.catalogue_id == catalogue.id)
        .join(IndicatorTaskGroup).join(IndicatorDomain)
        .order_by(IndicatorDomain.sort_order, IndicatorTaskGroup.sort_order, Indicator.sort_order)
        .options(selectinload(Indicator.measures).selectinload(IndicatorMeasure.assigned_target),
                 selectinload(Indicator.lead_bureau),
                 selectinload(Indicator.task_group).selectinload(IndicatorTaskGroup.domain))))


# What public pages judge and show of a value, read as plain rows: building ORM objects for hundreds of
# values was most of a page's cost.
_PUBLIC_VALUE_COLUMNS = (
    IndicatorValue.id, IndicatorValue.measure_id, IndicatorValue.place_id, IndicatorValue.period,
    IndicatorValue.version,
    IndicatorValue.state, IndicatorValue.numeric_value, IndicatorValue.state_value, IndicatorValue.task_completed,
    IndicatorValue.not_applicable, IndicatorValue.not_applicable_reason, IndicatorValue.evidence,
    IndicatorValue.source, IndicatorValue.computed, IndicatorValue.method, IndicatorValue.sample_size,
)


def approved_values(session, measure_ids, periods, place_ids=None) -> dict[tuple[int, int, str], Row]:
    """The approved value of each measure × place × period asked for (superseded versions excluded)."""
    query = select(*_PUBLIC_VALUE_COLUMNS).where(IndicatorValue.state == ValueState.APPROVED,
                                                 IndicatorValue.measure_id.in_(list(measure_ids)),
                                                 IndicatorValue.period.in_(list(periods)))
    if place_ids is not None:
        query = query.where(IndicatorValue.place_id.in_(list(place_ids)))
    return {(v.measure_id, v.place_id, v.period): v for v in session.execute(query)}


def latest_versions(session, measure_ids, period: str) -> dict[tuple[int, int], IndicatorValue]:
    """The newest version of each measure × place for a period, whatever its state (for staff task lists)."""
    latest: dict[tuple[int, int], IndicatorValue] = {}
    rows = session.scalars(select(IndicatorValue).where(IndicatorValue.measure_id.in_(list(measure_ids)),
                                                        IndicatorValue.period == period)
                           .order_by(IndicatorValue.version))
    for value in rows:
        latest[(value.measure_id, value.place_id)] = value
    return latest


@dataclass(frozen=True)
class ComputedFinding:
    """The parts of a computed measure's judgement at a place (Compliance.finding): the approved target the
    higher authority set (a value row or None) and whether it is reached, and the trend and what it compares with
    (last year's value row, or no change when the value is itself a change on the previous year)."""

    target: object
    target_status: Status | None
    trend_status: Status | None
    previous: object
    yearly_change: bool


def rule_parts(rule, attributes: dict) -> list:
    """The parts of a rule that apply at a place: the chosen variant, an AND rule split into its parts."""
    if isinstance(rule, VariantRule):
        variant = rule.for_place(attributes)
        rule = variant.rule if variant else None
    if rule is None:
        return []
    return list(rule.parts) if isinstance(rule, AllOfRule) else [rule]


@dataclass
class Compliance:
    """Status of every indicator of a catalogue at the places it was loaded for, for one period.

    Each place is judged on first use, so a page about one place judges only that place, while the
    result (kept by app.indicators.cache) serves every page of the period.
    """

    period: str
    indicators: list[Indicator]
    places: list
    statuses: dict[tuple[int, int], IndicatorStatus] = field(default_factory=dict)
    values: dict[tuple[int, int, str], Row] = field(default_factory=dict)
    # (indicator id, place id) of computed indicators no provider can report at the place: not applicable.
    unreportable: set[tuple[int, int]] = field(default_factory=set)
    # (measure id, place id) of measures computed one by one that their provider cannot report at the place.
    unreportable_measures: set[tuple[int, int]] = field(default_factory=set)
    # Ids of computed measures whose value is a change on the previous year (providers.is_yearly_change).
    yearly_change: set[int] = field(default_factory=set)
    _applicable: dict[int, list[Indicator]] = field(default_factory=dict)
    _judged: set[int] = field(default_factory=set)

    def covers(self, place) -> bool:
        return any(p.id == place.id for p in self.places)

    def _judge(self, place_id: int) -> None:
        if place_id in self._judged:
            return
        place = next((p for p in self.places if p.id == place_id), None)
        if place is None:
            raise KeyError(f"no values were loaded for place {place_id}")
        attributes = place_attributes(place)
        previous = str(parse_period(self.period).year_before())
        for indicator in self.indicators:
            applicable = indicator.applies_to(place) and (indicator.id, place.id) not in self.unreportable
            judged = tuple(
                (measure, judge_measure(measure, place, self.values.get((measure.id, place.id, self.period)),
                                        self.values.get((measure.id, place.id, previous)),
                                        applicable=applicable and self._reportable(measure, place),
                                        attributes=attributes, assigned_target=self.assigned_target(measure, place),
                                        yearly_change=measure.id in self.yearly_change))
                for measure in indicator.measures)
            self.statuses[(indicator.id, place.id)] = IndicatorStatus(combine([e for _m, e in judged]), judged)
        self._judged.add(place_id)  # last: another thread reading this result sees a place whole or not at all

    def _reportable(self, measure, place) -> bool:
        return (measure.id, place.id) not in self.unreportable_measures

    def status(self, indicator, place) -> IndicatorStatus:
        self._judge(place.id)
        return self.statuses[(indicator.id, place.id)]

    def applicable(self, place) -> list[Indicator]:
        if place.id not in self._applicable:
            self._judge(place.id)
            self._applicable[place.id] = [i for i in self.indicators
                                          if self.statuses[(i.id, place.id)].status != Status.NOT_APPLICABLE]
        return self._applicable[place.id]

    def count(self, place, status: Status, *, binding_only: bool = False) -> int:
        return sum(1 for i in self.applicable(place)
                   if self.statuses[(i.id, place.id)].status == status
                   and (not binding_only or i.property_type == IndicatorProperty.BINDING))

    def judged(self, place, *, binding_only: bool = False) -> int:
        """Applicable indicators with a verdict (met or not met), i.e. not awaiting assessment."""
        return (self.count(place, Status.MET, binding_only=binding_only)
                + self.count(place, Status.NOT_MET, binding_only=binding_only))

    def rate(self, place, *, binding_only: bool = False) -> float | None:
        """Met ÷ applicable; None (shown as "—") when nothing is applicable or nothing has been judged yet,
        so that a period where everything awaits assessment does not read as 0 % met."""
        pool = [i for i in self.applicable(place) if not binding_only or i.property_type == IndicatorProperty.BINDING]
        if not pool or not self.judged(place, binding_only=binding_only):
            return None
        return self.count(place, Status.MET, binding_only=binding_only) / len(pool)

    def failing(self, place) -> list[Indicator]:
        return [i for i in self.applicable(place) if self.statuses[(i.id, place.id)].status == Status.NOT_MET]

    def by_domain(self, place) -> list[tuple[object, int, int, int]]:
        """(domain, met, applicable, judged) for each domain, in table order."""
        tally: dict = {}
        for indicator in self.applicable(place):
            domain = indicator.task_group.domain
            status = self.statuses[(indicator.id, place.id)].status
            met, total, judged = tally.get(domain, (0, 0, 0))
            tally[domain] = (met + (status == Status.MET), total + 1,
                             judged + (status in (Status.MET, Status.NOT_MET)))
        return [(domain, met, total, judged) for domain, (met, total, judged) in tally.items()]

    def value(self, measure, place):
        return self.values.get((measure.id, place.id, self.period))

    def finding(self, measure, place) -> "ComputedFinding | None":
        """For a measure this site computes by itself, each part of its judgement at the place: the higher
        authority's target (reached or not) and the trend (against last year's value, or against no change for
        a yearly change); None for other measures."""
        if not measure.provider:
            return None
        previous_period = str(parse_period(self.period).year_before())
        value = self.value(measure, place)
        previous = self.values.get((measure.id, place.id, previous_period))
        target = self.assigned_target(measure, place)
        yearly_change = measure.id in self.yearly_change
        parts = {part.kind: part for part in rule_parts(judging_rule(measure, target), place_attributes(place))}
        statuses = {}
        for kind in ("set_target", "trend"):
            part = parts.get(kind)
            if part is None:
                continue
            statuses[kind] = evaluate(part, None if value is None else value.numeric_value,
                                      place=place_attributes(place), previous=trend_baseline(previous, yearly_change),
                                      higher_is_better=measure.higher_is_better).status
        return ComputedFinding(target=target, target_status=statuses.get("set_target"),
                               trend_status=statuses.get("trend"), previous=previous, yearly_change=yearly_change)

    def assigned_target(self, measure, place):
        """For a measure this site computes by itself, the approved target the higher authority set for the
        place and period (the value of its target_of companion), or None."""
        companion = measure.assigned_target
        return self.values.get((companion.id, place.id, self.period)) if companion is not None else None


def compliance(session, catalogue, period: str, places, indicators=None) -> Compliance:
    """The approved values of period and of the same period a year before (for trends) at places, to be judged
    place by place on first use; a few queries whatever the number of values stored.

    Pass `indicators` (from catalogue_indicators) to judge a second period without loading them again.
    """
    indicators = indicators if indicators is not None else catalogue_indicators(session, catalogue)
    previous = str(parse_period(period).year_before())
    measures = [m for i in indicators for m in i.measures]
    targets = [m.assigned_target for m in measures if m.assigned_target is not None]
    values = approved_values(session, [m.id for m in [*measures, *targets]], [period, previous],
                             [p.id for p in places])
    for other in (period, previous):
        values.update(_values_of_another_version(session, catalogue, indicators, other, places))
    yearly_change = {m.id for i in indicators for m in i.measures
                     if providers.is_yearly_change(m.provider or (i.provider if i.is_computed else None))}
    return Compliance(period=period, indicators=indicators, places=list(places), values=values,
                      unreportable=providers.unreportable(session, indicators, places),
                      unreportable_measures=providers.unreportable_measures(session, indicators, places),
                      yearly_change=yearly_change)


def _values_of_another_version(session, catalogue, indicators, period: str, places) -> dict:
    """When period was judged under another catalogue version (the year before a new version applies), the
    approved values there of the measures both versions share — same indicator name, measure name and unit —
    keyed by this catalogue's measures, so that a trend target ("不降低", "保持稳定或持续改善") compares with the
    previous year across the change of version. The values stay stored under their own version."""
    version = catalogue_for_year(session, parse_period(period).year)
    if version is None or version.id == catalogue.id:
        return {}
    theirs = shared_measures(session, indicators, Indicator.catalogue_id == version.id)
    if not theirs:
        return {}
    found = approved_values(session, list(theirs), [period], [p.id for p in places])
    return {(theirs[measure_id], place_id, at): row for (measure_id, place_id, at), row in found.items()}


def shared_measures(session, indicators, where) -> dict[int, int]:
    """{id of a measure of another catalogue version: id of the same measure among indicators} for the
    measures selected by `where` with the same indicator name, measure name and unit."""
    mine = {(i.name_zh_hans, m.name_zh_hans, m.unit): m.id for i in indicators for m in i.measures}
    shared = {}
    for measure_id, indicator_name, measure_name, unit in session.execute(
            select(IndicatorMeasure.id, Indicator.name_zh_hans, IndicatorMeasure.name_zh_hans, IndicatorMeasure.unit)
            .join(Indicator, Indicator.id == IndicatorMeasure.indicator_id).where(where)):
        if (indicator_name, measure_name, unit) in mine and measure_id not in mine.values():
            shared[measure_id] = mine[(indicator_name, measure_name, unit)]
    return shared


def series(session, indicator, periods, place_ids) -> dict[tuple[int, int, str], Row]:
    """Approved values of an indicator's measures over periods, each period's value taken from the catalogue
    version that applied that year (the same measure by name and unit), keyed by this indicator's measures."""
    found = approved_values(session, [m.id for m in indicator.measures], periods, place_ids)
    others = shared_measures(session, [indicator], Indicator.catalogue_id != indicator.catalogue_id)
    if not others:
        return found
    elsewhere = []
    for period in periods:
        version = catalogue_for_year(session, parse_period(period).year)
        if version is not None and version.id != indicator.catalogue_id:
            elsewhere.append(period)
    for (measure_id, place_id, period), row in approved_values(session, list(others), elsewhere, place_ids).items():
        found.setdefault((others[measure_id], place_id, period), row)
    return found


def district_ranking(result: Compliance, districts) -> list[dict]:
    """One row per district: met, applicable, rate, rank (1 = best) and the failing indicators.

    A district with nothing judged yet has no rate and no rank (None, shown as "—") and comes last."""
    rows = []
    for place in districts:
        rows.append({"place": place, "met": result.count(place, Status.MET),
                     "applicable": len(result.applicable(place)), "pending": result.count(place, Status.PENDING),
                     "rate": result.rate(place), "failing": result.failing(place)})
    ranked = [row["rate"] for row in rows if row["rate"] is not None]
    for row in rows:
        row["rank"] = None if row["rate"] is None else 1 + sum(1 for other in ranked if other > row["rate"])
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["place"].sort_order))


def changes(now: Compliance, before: Compliance, place) -> list[tuple[Indicator, Status, Status]]:
    """Indicators whose status at place differs from the previous period's; one that merely awaits assessment
    now (nothing approved yet this period) has not changed, whatever it was before."""
    changed = []
    for indicator in now.indicators:
        old = before.status(indicator, place) if before.covers(place) else None
        new = now.status(indicator, place)
        if old is not None and old.status != new.status and new.status != Status.PENDING:
            changed.append((indicator, old.status, new.status))
    return changed


def value_history(session, indicator, place) -> list[IndicatorValue]:
    """Every published version (approved or superseded) of an indicator's values at a place, newest first."""
    return list(session.scalars(
        select(IndicatorValue).join(IndicatorMeasure)
        .where(IndicatorMeasure.indicator_id == indicator.id, IndicatorValue.place_id == place.id,
               IndicatorValue.state.in_([ValueState.APPROVED, ValueState.SUPERSEDED]))
        .order_by(IndicatorValue.period.desc(), IndicatorValue.version.desc())))



@dataclass
class BoardRow:
    """Counts of values by state for one bureau or one district."""

    label: str
    missing: int = 0
    draft: int = 0
    returned: int = 0
    submitted: int = 0
    approved: int = 0

    @property
    def open(self) -> int:
        return self.missing + self.draft + self.returned


def task_board(session, catalogue, period: str, places) -> tuple[list[BoardRow], list[BoardRow]]:
    """For the admin: every hand-entered value of a period by state, per lead bureau and per place."""
    indicators = [i for i in catalogue_indicators(session, catalogue) if not i.is_computed]
    latest = latest_versions(session, [m.id for i in indicators for m in i.entered_measures], period)
    by_bureau: dict[str, BoardRow] = {}
    by_place = {place.id: BoardRow(place.name) for place in places}
    for indicator in indicators:
        bureau = indicator.lead_bureau.name if indicator.lead_bureau else "—"
        bureau_row = by_bureau.setdefault(bureau, BoardRow(bureau))
        for place in places:
            if not indicator.applies_to(place):
                continue
            for measure in indicator.entered_measures:
                value = latest.get((measure.id, place.id))
                state = "missing" if value is None else (
                    "approved" if value.state == ValueState.SUPERSEDED else value.state)
                for row in (bureau_row, by_place[place.id]):
                    setattr(row, state, getattr(row, state) + 1)
    return sorted(by_bureau.values(), key=lambda r: -r.open), list(by_place.values())


def evidence_files(session, value_ids) -> dict[int, list[IndicatorEvidenceFile]]:
    """Files attached to each of the given values."""
    files: dict[int, list[IndicatorEvidenceFile]] = {}
    if not value_ids:
        return files
    for row in session.scalars(select(IndicatorEvidenceFile).where(IndicatorEvidenceFile.value_id.in_(list(value_ids)))
                               .order_by(IndicatorEvidenceFile.id)):
        files.setdefault(row.value_id, []).append(row)
    return files

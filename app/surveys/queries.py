"""Reads for surveys. Results come from the running tallies only, so their cost does not grow with responses."""
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.org.models import Place
from app.surveys import scoring
from app.surveys.models import (Measure, QuestionKind, Survey, SurveyInvitation, SurveyQuestion, SurveyQuota,
                                SurveyResponse, SurveySection, SurveyState, SurveyTally)
from app.surveys.services import WEIGHTED_SCORE, ordered_questions


def load_survey(session, survey_id: int) -> Survey | None:
    """A survey with its sections, questions and options loaded in a few queries."""
    return session.scalar(select(Survey).where(Survey.id == survey_id).options(
        selectinload(Survey.sections).selectinload(SurveySection.questions).selectinload(SurveyQuestion.options)))


def answered_from_browser(session, survey_id: int, browser_key: str) -> bool:
    """Whether this browser (by the keyed hash of its token) has already answered the survey."""
    return session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id,
                                                          SurveyResponse.browser_key == browser_key)) is not None


def open_surveys(session) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.state == SurveyState.OPEN)
                                .order_by(Survey.created_at.desc())))


def published_closed_surveys(session) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.state == SurveyState.CLOSED,
                                                     Survey.publish_results.is_(True))
                                .order_by(Survey.created_at.desc())))


def all_surveys(session) -> list[Survey]:
    return list(session.scalars(select(Survey).order_by(Survey.created_at.desc())))


def tallies(session, survey_id: int, segments: list[str] | None = None) -> dict[tuple[str, str], int]:
    statement = select(SurveyTally.name, SurveyTally.segment, SurveyTally.total).where(
        SurveyTally.survey_id == survey_id)
    if segments is not None:
        statement = statement.where(SurveyTally.segment.in_(segments))
    return {(name, segment): total for name, segment, total in session.execute(statement)}


@dataclass
class OptionCount:
    option: object
    count: int
    share: float | None  # of the respondents who answered the question


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int
    options: list[OptionCount] = field(default_factory=list)


class Weighting(StrEnum):
    """How the city-wide figure of a survey is weighted, stated beside it."""

    ADULT_POPULATION = "adult_population"      # post-stratified by the districts' adult population
    OFF = "off"                                # the survey is set not to weight
    NO_DISTRICTS = "no_districts"              # no district question, or nobody said where they live
    MISSING_POPULATION = "missing_population"  # a district with answers has no adult population recorded


class Definition(StrEnum):
    """Ways to turn several participation questions into one figure (the headline uses MEAN)."""

    MEAN = "mean"  # the mean over respondents of their share of activities taken part in
    ANY = "any"    # took part in at least one of the activities asked about
    ALL = "all"    # took part in every activity they gave a valid answer about


@dataclass
class DefinitionResult:
    definition: Definition
    overall: scoring.Estimate | None     # weighted the way the headline figure is
    unweighted: scoring.Estimate | None


@dataclass
class MeasureResult:
    measure: str                     # "satisfaction", "participation", WEIGHTED_SCORE
    overall: scoring.Estimate | None
    unweighted: scoring.Estimate | None
    stratified: bool
    by_district: list[tuple[object, scoring.Estimate | None]]  # (district option, estimate): descriptive only
    weighting: Weighting = Weighting.NO_DISTRICTS
    definitions: list[DefinitionResult] = field(default_factory=list)  # participation only

    @property
    def is_score(self) -> bool:
        return self.measure == WEIGHTED_SCORE

    @property
    def district_margins(self) -> tuple[float, float] | None:
        """The smallest and largest margin of error among the districts with answers."""
        margins = [e.margin for _, e in self.by_district if e is not None]
        return (min(margins), max(margins)) if margins else None

    @property
    def district_respondents(self) -> tuple[int, int] | None:
        """The fewest and most respondents among the districts with answers."""
        sizes = [e.n for _, e in self.by_district if e is not None]
        return (min(sizes), max(sizes)) if sizes else None


@dataclass
class DistrictWeight:
    option: object
    adult_population: int | None
    respondents: int
    weight: scoring.StratumWeight | None  # None when the district is left out of the weighting


@dataclass
class Results:
    survey: Survey
    respondents: int
    questions: list[QuestionResult]
    measures: list[MeasureResult]
    weighting: Weighting = Weighting.NO_DISTRICTS
    weights: list[DistrictWeight] = field(default_factory=list)


def _histogram(counts: dict[tuple[str, str], int], measure: str, segment: str) -> dict[Fraction, int]:
    """{exact score: respondents} of a measure in a segment."""
    histogram = defaultdict(int)
    prefix = f"{measure}:"
    for (name, seg), total in counts.items():
        if seg == segment and name.startswith(prefix) and name.count(":") == 1:
            histogram[scoring.parse_score_key(name)[1]] += total
    return histogram


def _definition_histogram(counts: dict[tuple[str, str], int], measure: str, segment: str,
                          definition: Definition) -> dict[Fraction, int]:
    """{1: respondents who meet the definition, 0: the others} from the rate keys "measure:yes/valid"."""
    if definition == Definition.MEAN:
        return _histogram(counts, measure, segment)
    histogram = defaultdict(int)
    for (name, seg), total in counts.items():
        parsed = scoring.parse_rate_key(name) if seg == segment else None
        if parsed is None or parsed[0] != measure:
            continue
        _, positive, valid = parsed
        met = positive >= 1 if definition == Definition.ANY else positive == valid
        histogram[Fraction(int(met))] += total
    return histogram


def question_results(questions, counts: dict[tuple[str, str], int], segment: str = "") -> list[QuestionResult]:
    results = []
    for question in questions:
        answered = counts.get((f"q{question.id}", segment), 0)
        result = QuestionResult(question, answered)
        for option in question.options:
            count = counts.get((f"o{option.id}", segment), 0)
            result.options.append(OptionCount(option, count, count / answered if answered else None))
        results.append(result)
    return results


def district_question(questions) -> SurveyQuestion | None:
    return next((q for q in questions if q.kind == QuestionKind.DISTRICT), None)


def _weights(session, survey: Survey, districts, counts) -> tuple[Weighting, list[DistrictWeight]]:
    """Whether and how the city-wide figures are weighted: by the districts' adult population when every
    district with answers has one recorded (weight = population share / sample share), else unweighted."""
    if districts is None:
        return Weighting.NO_DISTRICTS, []
    place_ids = [o.place_id for o in districts.options if o.place_id]
    adults = dict(session.execute(select(Place.id, Place.adult_population).where(Place.id.in_(place_ids)))
                  .all()) if place_ids else {}
    respondents = {o.id: counts.get(("n", f"o{o.id}"), 0) for o in districts.options}
    computed = scoring.stratum_weights({o.id: (adults.get(o.place_id) or 0, respondents[o.id])
                                        for o in districts.options})
    rows = [DistrictWeight(o, adults.get(o.place_id), respondents[o.id], computed.get(o.id))
            for o in districts.options]
    answered = [row for row in rows if row.respondents]
    if not answered:
        return Weighting.NO_DISTRICTS, rows
    if not survey.post_stratify:
        return Weighting.OFF, rows
    if any(not row.adult_population for row in answered):
        return Weighting.MISSING_POPULATION, rows
    return Weighting.ADULT_POPULATION, rows


def _estimates(histogram_of, districts, weighting: Weighting, adults: dict, bounds: dict):
    """(headline, unweighted, by district) for a histogram function of the segment."""
    unweighted = scoring.estimate(histogram_of(""), **bounds)
    by_district = ([(option, scoring.estimate(histogram_of(f"o{option.id}"), **bounds))
                    for option in districts.options] if districts is not None else [])
    if weighting == Weighting.ADULT_POPULATION:
        weighted = scoring.stratified([(adults.get(o.id) or 0, e) for o, e in by_district], **bounds)
        if weighted is not None:
            return weighted, unweighted, by_district, True
    return unweighted, unweighted, by_district, False


def _measure_results(survey: Survey, questions, counts, districts, weighting: Weighting,
                     weights: list[DistrictWeight]) -> list[MeasureResult]:
    adults = {row.option.id: row.adult_population for row in weights}
    measures = [m.value for m in Measure if any(q.measure == m for q in questions)]
    if any(o.weight is not None for q in questions if q.measure == Measure.SATISFACTION for o in q.options):
        measures.append(WEIGHTED_SCORE)
    results = []
    for measure in measures:
        bounds = {"lowest": 0.0, "highest": 100.0} if measure == WEIGHTED_SCORE else {}
        overall, unweighted, by_district, stratified = _estimates(
            lambda segment, measure=measure: _histogram(counts, measure, segment), districts, weighting, adults,
            bounds)
        result = MeasureResult(measure, overall, unweighted, stratified, by_district,
                               weighting if stratified or weighting != Weighting.ADULT_POPULATION
                               else Weighting.NO_DISTRICTS)
        if measure == Measure.PARTICIPATION:
            for definition in Definition:
                headline, plain, _, _ = _estimates(
                    lambda segment, d=definition, m=measure: _definition_histogram(counts, m, segment, d),
                    districts, weighting, adults, {})
                result.definitions.append(DefinitionResult(definition, headline, plain))
        results.append(result)
    return results


def survey_results(session, survey: Survey, segment: str = "") -> Results:
    """Per-question counts and the indicator measures, for everyone or one district/demographic segment."""
    questions = ordered_questions(survey)
    counts = tallies(session, survey.id)
    if segment != "":
        return Results(survey, counts.get(("n", segment), 0), question_results(questions, counts, segment), [])
    districts = district_question(questions)
    weighting, weights = _weights(session, survey, districts, counts)
    measures = _measure_results(survey, questions, counts, districts, weighting, weights)
    return Results(survey, counts.get(("n", ""), 0), question_results(questions, counts), measures, weighting,
                   weights)


def breakdown(session, survey: Survey, by_question: SurveyQuestion) -> list[tuple[object, int, list[QuestionResult]]]:
    """For each option of a district/demographic question: its respondents and their answers."""
    questions = ordered_questions(survey)
    counts = tallies(session, survey.id, [f"o{o.id}" for o in by_question.options])
    return [(option, counts.get(("n", f"o{option.id}"), 0),
             question_results([q for q in questions if q.id != by_question.id], counts, f"o{option.id}"))
            for option in by_question.options]


@dataclass
class QuotaProgress:
    option: object
    target: int
    reached: int

    @property
    def full(self) -> bool:
        return self.reached >= self.target


def quota_progress(session, survey: Survey) -> list[QuotaProgress]:
    quotas = session.scalars(select(SurveyQuota).where(SurveyQuota.survey_id == survey.id)
                             .options(selectinload(SurveyQuota.option))).all()
    counts = tallies(session, survey.id, [""])
    return [QuotaProgress(q.option, q.target, counts.get((f"o{q.option_id}", ""), 0)) for q in quotas]


def invitation_summary(session, survey: Survey) -> dict:
    total, used = session.execute(select(func.count(SurveyInvitation.id), func.count(SurveyInvitation.used_at))
                                  .where(SurveyInvitation.survey_id == survey.id)).one()
    return {"total": total, "used": used}


def invitations(session, survey: Survey, batch: int | None = None) -> list[SurveyInvitation]:
    statement = select(SurveyInvitation).where(SurveyInvitation.survey_id == survey.id).options(
        selectinload(SurveyInvitation.place)).order_by(SurveyInvitation.batch, SurveyInvitation.id)
    if batch is not None:
        statement = statement.where(SurveyInvitation.batch == batch)
    return list(session.scalars(statement))


def survey_for_period(session, period: str) -> Survey | None:
    """The sampled survey whose results feed the indicators of a period (the latest closed, else open one)."""
    return session.scalar(select(Survey).where(
        Survey.mode == "sampled", Survey.indicator_period == period,
        Survey.state.in_([SurveyState.CLOSED, SurveyState.OPEN, SurveyState.ARCHIVED]))
        .order_by((Survey.state == SurveyState.OPEN).asc(), Survey.created_at.desc()).limit(1))

"""Reads for surveys. Results come from the running tallies only, so their cost does not grow with responses."""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.org.models import Place
from app.surveys import scoring
from app.surveys.models import (Measure, QuestionKind, Survey, SurveyInvitation, SurveyQuestion, SurveyQuota,
                                SurveyResponse, SurveySection, SurveyState, SurveyTally)
from app.surveys.services import WEIGHTED_SCORE, ordered_questions

PUBLIC_STATES = (SurveyState.OPEN.value, SurveyState.CLOSED.value)


def load_survey(session, survey_id: int) -> Survey | None:
    """A survey with its sections, questions and options loaded in a few queries."""
    return session.scalar(select(Survey).where(Survey.id == survey_id).options(
        selectinload(Survey.sections).selectinload(SurveySection.questions).selectinload(SurveyQuestion.options)))


def answered_from_browser(session, survey_id: int, browser_key: str) -> bool:
    """Whether this browser (by the keyed hash of its token) has already answered the survey."""
    return session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey_id,
                                                          SurveyResponse.browser_key == browser_key)) is not None


def open_surveys(session) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.state == SurveyState.OPEN.value)
                                .order_by(Survey.created_at.desc())))


def published_closed_surveys(session) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.state == SurveyState.CLOSED.value,
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


@dataclass
class MeasureResult:
    measure: str                     # "satisfaction", "participation", WEIGHTED_SCORE
    overall: scoring.Estimate | None
    unweighted: scoring.Estimate | None
    stratified: bool
    by_district: list[tuple[object, scoring.Estimate | None]]  # (district option, estimate)

    @property
    def is_score(self) -> bool:
        return self.measure == WEIGHTED_SCORE


@dataclass
class Results:
    survey: Survey
    respondents: int
    questions: list[QuestionResult]
    measures: list[MeasureResult]


def _histogram(counts: dict[tuple[str, str], int], measure: str, segment: str) -> dict[float, int]:
    histogram = defaultdict(int)
    prefix = f"{measure}:"
    for (name, seg), total in counts.items():
        if seg == segment and name.startswith(prefix) and name.count(":") == 1:
            histogram[scoring.parse_score_key(name)[1]] += total
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


def _measure_results(session, survey: Survey, questions, counts) -> list[MeasureResult]:
    districts = district_question(questions)
    populations = {}
    if districts is not None:
        place_ids = [o.place_id for o in districts.options if o.place_id]
        populations = dict(session.execute(select(Place.id, Place.population).where(Place.id.in_(place_ids)))
                           .all()) if place_ids else {}
    measures = [m.value for m in Measure if any(q.measure == m for q in questions)]
    if any(o.weight is not None for q in questions if q.measure == Measure.SATISFACTION for o in q.options):
        measures.append(WEIGHTED_SCORE)
    results = []
    for measure in measures:
        bounds = {"lowest": 0.0, "highest": 100.0} if measure == WEIGHTED_SCORE else {}
        unweighted = scoring.estimate(_histogram(counts, measure, ""), **bounds)
        by_district = ([(option, scoring.estimate(_histogram(counts, measure, f"o{option.id}"), **bounds))
                        for option in districts.options] if districts is not None else [])
        overall, stratified = unweighted, False
        if survey.post_stratify and by_district and all(populations.get(o.place_id) for o, _ in by_district):
            weighted = scoring.stratified([(populations[o.place_id], e) for o, e in by_district], **bounds)
            if weighted is not None:  # nobody gave a district: the plain mean is all there is
                overall, stratified = weighted, True
        results.append(MeasureResult(measure, overall, unweighted, stratified, by_district))
    return results


def survey_results(session, survey: Survey, segment: str = "") -> Results:
    """Per-question counts and the indicator measures, for everyone or one district/demographic segment."""
    questions = ordered_questions(survey)
    counts = tallies(session, survey.id)
    measures = _measure_results(session, survey, questions, counts) if segment == "" else []
    return Results(survey, counts.get(("n", segment), 0), question_results(questions, counts, segment), measures)


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
        Survey.state.in_([SurveyState.CLOSED.value, SurveyState.OPEN.value, SurveyState.ARCHIVED.value]))
        .order_by((Survey.state == SurveyState.OPEN.value).asc(), Survey.created_at.desc()).limit(1))

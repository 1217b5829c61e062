"""The demo's surveys, built from the ready template (app.surveys.template): an open survey with live public
results and last year's sampled survey whose results feed the indicators."""
import random
import secrets
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.db_types import utcnow
from app.indicators import providers
from app.indicators.queries import catalogue_for_year
from app.org.models import Place
from app.surveys import queries, services
from app.surveys.answers import is_shown, read_answers
from app.surveys.models import QuestionKind, ResponseChannel, Survey, SurveyMode, SurveyState
from app.surveys.template import T, build_template


def _random_form(survey: Survey, questions, rng: random.Random, satisfied: float, participates: float) -> MultiDict:
    form = MultiDict()
    chosen: set[int] = set()
    for question in questions:
        if not is_shown(question, chosen):
            continue
        kind, options = question.kind, question.options
        if kind == QuestionKind.SATISFACTION:
            roll = rng.random()
            index = 4 if roll < 0.04 else (0 if roll < satisfied * 0.55 else 1 if roll < satisfied else
                                           2 if roll < satisfied + (1 - satisfied) * 0.7 else 3)
        elif kind == QuestionKind.PARTICIPATION:
            roll = rng.random()
            index = 2 if roll < 0.05 else (0 if roll < participates else 1)
        elif kind == QuestionKind.RATING:
            index = min(10, max(0, round(rng.gauss(7.5, 1.8))))
        elif kind == QuestionKind.MULTIPLE:
            picks = rng.sample(options, rng.randint(1, question.max_choices or 2))
            form.setlist(question.field_name, [str(o.id) for o in picks])
            chosen.update(o.id for o in picks)
            continue
        elif kind.has_options:
            index = rng.randrange(len(options))
        else:
            continue
        form.add(question.field_name, str(options[index].id))
        chosen.add(options[index].id)
    return form


def add_sample_responses(session, survey: Survey, count: int, *, seed: int = 7, channel=ResponseChannel.INTERVIEW,
                         interviewer=None) -> int:
    """Fill a survey with plausible answers through the real submission path (tallies included)."""
    survey = queries.load_survey(session, survey.id)
    questions = services.ordered_questions(survey)
    rng = random.Random(seed)
    district_question = questions[0]
    district_rates = {o.id: (rng.uniform(0.80, 0.97), rng.uniform(0.78, 0.96)) for o in district_question.options}
    for number in range(count):
        district_option = rng.choice(district_question.options).id
        satisfied, participates = district_rates[district_option]
        form = _random_form(survey, questions, random.Random(seed * 100_003 + number), satisfied, participates)
        form.setlist(district_question.field_name, [str(district_option)])
        answers = read_answers(questions, form)
        services.submit_response(session, survey, questions, answers, channel=channel,
                                 submission_key=secrets.token_hex(16), locale="zh_Hans", interviewer=interviewer,
                                 now=utcnow())
    return count


# Residents aged 18 and over per district (fictional, about 80% of the residents): the population the sampled
# survey is drawn from, and what its city-wide results are weighted by.
ADULT_POPULATION = {"yunxi-qu": 503_000, "donghu": 382_000, "qingjiang": 401_000, "qingshan": 181_000,
                    "baihe": 309_000, "songling": 142_000, "shimen": 268_000, "meixi": 318_000}


def record_adult_population(session) -> int:
    """Give the demo districts their adult population where none is recorded yet; returns how many were set."""
    places = session.scalars(select(Place).where(Place.code.in_(ADULT_POPULATION),
                                                 Place.adult_population.is_(None))).all()
    for place in places:
        place.adult_population = ADULT_POPULATION[place.code]
    session.flush()
    return len(places)


def load(session, actor, interviewer, *, year: int) -> dict:
    """The open survey (live public results) and last year's sampled survey feeding the indicators."""
    created = {"surveys": 0, "survey_responses": 0}
    record_adult_population(session)
    if session.scalar(select(Survey.id).limit(1)) is not None:
        return created
    now = utcnow()
    sampled = build_template(session, actor, mode=SurveyMode.SAMPLED, title=T(
        f"{year}年度公众生态文明建设满意度与参与度抽样调查", f"{year}年度公眾生態文明建設滿意度與參與度抽樣調查",
        f"{year} sample survey of public satisfaction and participation in ecological civilization building"),
        indicator_period=str(year), publish_results=True, post_stratify=True)
    services.change_state(session, actor, sampled, SurveyState.OPEN)
    created["survey_responses"] += add_sample_responses(session, sampled, 400, interviewer=interviewer)
    services.change_state(session, actor, sampled, SurveyState.CLOSED)
    open_survey = build_template(session, actor, mode=SurveyMode.OPEN, title=T(
        "生态文明建设公众意见征集", "生態文明建設公眾意見徵集", "Public feedback on ecological civilization building"),
        publish_results=True, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=365))
    services.change_state(session, actor, open_survey, SurveyState.OPEN)
    created["survey_responses"] += add_sample_responses(session, open_survey, 60, seed=11,
                                                        channel=ResponseChannel.WEB)
    created["surveys"] = 2
    catalogue = catalogue_for_year(session, year)
    if catalogue is not None:
        providers.refresh_computed_values(session, catalogue, str(year))
    return created

"""Building, opening, submitting and voiding surveys against the database, and the results they feed."""
import secrets
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.audit import AuditEntry
from app.db_types import utcnow
from app.demo.surveys import add_sample_responses
from app.errors import StepNotAllowed
from app.indicators import providers
from app.indicators.catalogue_import import import_catalogue
from app.indicators.models import IndicatorValue
from app.indicators.services import ComputedResult
from app.org.models import PlaceLevel
from app.surveys import indicator_feed, queries, services
from app.surveys.answers import read_answers
from app.surveys.models import (
    CountsAs,
    Measure,
    QuestionKind,
    ResponseChannel,
    Survey,
    SurveyAnswer,
    SurveyMode,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveyState,
    SurveyTally,
)
from app.surveys.scoring import Z95, wilson
from app.surveys.services import AlreadySubmitted, NotAccepting, SurveyError, Texts
from app.surveys.template import build_template
from tests import factories


@pytest.fixture(autouse=True)
def english(app):
    """Service messages go through gettext: read them in a request in English."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def admin(staff):
    return staff["admin"]


@pytest.fixture
def places(session):
    """The city and two districts: east has three times the adults of west (but only twice the residents)."""
    city = factories.place(session, level=PlaceLevel.CITY, code="city", name_zh_hans="本市", population=None)
    east = factories.place(session, code="east", name_zh_hans="东区", name_en="East", population=360_000,
                           adult_population=300_000)
    west = factories.place(session, code="west", name_zh_hans="西区", name_en="West", population=180_000,
                           adult_population=100_000)
    factories.place(session, code="gone", name_zh_hans="旧区", population=50_000, active=False)
    session.commit()
    return SimpleNamespace(city=city, east=east, west=west)


def build(session, actor, *, mode=SurveyMode.SAMPLED, open_it=True, district_required=True, **settings):
    """A small survey: district, gender; two satisfaction questions, one participation question, channels
    (multiple, at most 2 of a/b/c) and an optional comment."""
    settings.setdefault("indicator_period", "2025")
    survey = services.create_survey(session, actor, title=Texts("测试问卷", "測試問卷", "Test survey"), mode=mode.value,
                                    **settings)
    about = services.add_section(session, actor, survey, Texts("关于您"))
    views = services.add_section(session, actor, survey, Texts("您的看法"))
    q = SimpleNamespace()
    q.district = services.add_question(session, actor, about, kind=QuestionKind.DISTRICT, text=Texts("您住在哪个区？"),
                                       required=district_required)
    q.gender = services.add_question(session, actor, about, kind=QuestionKind.DEMOGRAPHIC, text=Texts("性别"),
                                     options=[Texts("男"), Texts("女")])
    q.air = services.add_question(session, actor, views, kind=QuestionKind.SATISFACTION, text=Texts("空气质量"))
    q.water = services.add_question(session, actor, views, kind=QuestionKind.SATISFACTION, text=Texts("水环境"))
    q.sorting = services.add_question(session, actor, views, kind=QuestionKind.PARTICIPATION, text=Texts("垃圾分类"))
    q.channels = services.add_question(session, actor, views, kind=QuestionKind.MULTIPLE, text=Texts("渠道"),
                                       max_choices=2, options=[Texts("a"), Texts("b"), Texts("c")])
    q.comment = services.add_question(session, actor, views, kind=QuestionKind.LONG_TEXT, text=Texts("建议"),
                                      required=False)
    if open_it:
        services.change_state(session, actor, survey, SurveyState.OPEN)
    session.commit()
    return SimpleNamespace(survey=queries.load_survey(session, survey.id), q=q)


def option(question, label) -> SurveyOption:
    return next(o for o in question.options if o.label_zh_hans == label)


def form(built, **picks) -> MultiDict:
    """The posted form for picks {question name: option label, [labels] or text}."""
    data = MultiDict()
    for name, value in picks.items():
        question = getattr(built.q, name)
        if not question.kind.has_options:
            data.add(question.field_name, value)
            continue
        for label in value if isinstance(value, list) else [value]:
            data.add(question.field_name, str(option(question, label).id))
    return data


def submit(session, built, *, key=None, browser_key=None, invitation=None, channel=ResponseChannel.INTERVIEW,
           now=None, **picks) -> SurveyResponse:
    questions = services.ordered_questions(built.survey)
    answers = read_answers(questions, form(built, **picks))
    assert answers.valid, (answers.errors, answers.form_errors)
    return services.submit_response(session, built.survey, questions, answers, channel=channel,
                                    submission_key=key or secrets.token_hex(8), locale="zh_Hans",
                                    browser_key=browser_key, invitation=invitation, now=now)


# Four crafted respondents.            satisfaction rate     participation   weighted score
#  R1 east 男 满意, 不清楚, 参与过, a+b, text   1/1 = 1.0             1.0             100
#  R2 east 女 不太满意, 比较满意, 没有参与过, a   1/2 = 0.5             0.0             (33.33 + 66.67) / 2 = 50
#  R3 west 女 比较满意, 比较满意, 说不清, b+c    2/2 = 1.0             — (excluded)    66.67
#  R4 west 男 不满意, 不清楚, 参与过, a+b       0/1 = 0.0             1.0             0
RESPONSES = [
    dict(district="东区", gender="男", air="满意", water="不清楚", sorting="参与过", channels=["a", "b"],
         comment="多种树"),
    dict(district="东区", gender="女", air="不太满意", water="比较满意", sorting="没有参与过", channels=["a"]),
    dict(district="西区", gender="女", air="比较满意", water="比较满意", sorting="说不清", channels=["b", "c"]),
    dict(district="西区", gender="男", air="不满意", water="不清楚", sorting="参与过", channels=["a", "b"]),
]


@pytest.fixture
def answered(session, admin, places):
    built = build(session, admin)
    for picks in RESPONSES:
        submit(session, built, **picks)
    session.commit()
    built.places = places
    return built


def tally_totals(session, survey) -> dict:
    """The running totals that are not zero."""
    return {(t.name, t.segment): t.total for t in session.scalars(select(SurveyTally).where(
        SurveyTally.survey_id == survey.id)) if t.total}


def counts(question_result) -> dict:
    return {o.option.label_zh_hans: o.count for o in question_result.options}


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- building ------------------------------------------------------------------------------------------

def test_building_a_survey_keeps_sections_and_questions_in_order(session, admin, places):
    built = build(session, admin, open_it=False)
    survey = built.survey
    assert survey.state == SurveyState.DRAFT and survey.mode == SurveyMode.SAMPLED
    assert (survey.title_zh_hans, survey.title_zh_hant, survey.title_en) == ("测试问卷", "測試問卷", "Test survey")
    assert [s.title_zh_hans for s in survey.sections] == ["关于您", "您的看法"]
    assert [s.position for s in survey.sections] == [1, 2]
    questions = services.ordered_questions(survey)
    assert [q.code for q in questions] == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]
    assert [q.position for q in questions] == [1, 2, 3, 4, 5, 6, 7]
    assert [q.kind for q in questions] == ["district", "demographic", "satisfaction", "satisfaction",
                                           "participation", "multiple", "long_text"]
    assert survey.created_by_id == admin.id


def test_satisfaction_questions_get_five_standard_options_with_dont_know_excluded(session, admin, places):
    question = build(session, admin).q.air
    assert question.measure == Measure.SATISFACTION
    assert [(o.label_zh_hans, o.counts_as, o.weight) for o in question.options] == [
        ("满意", "positive", Decimal("100")), ("比较满意", "positive", Decimal("66.67")),
        ("不太满意", "negative", Decimal("33.33")), ("不满意", "negative", Decimal("0")),
        ("不清楚", "excluded", None)]
    assert [o.label_en for o in question.options][-1] == "Don't know"


def test_participation_questions_get_three_standard_options(session, admin, places):
    question = build(session, admin).q.sorting
    assert question.measure == Measure.PARTICIPATION
    assert [(o.label_zh_hans, o.counts_as) for o in question.options] == [
        ("参与过", "positive"), ("没有参与过", "negative"), ("说不清", "excluded")]


def test_rating_questions_get_options_0_to_10_weighted_by_their_number(session, admin, places):
    survey = build(session, admin, open_it=False).survey
    question = services.add_question(session, admin, survey.sections[1], kind=QuestionKind.RATING, text=Texts("信心"))
    assert [o.label_zh_hans for o in question.options] == [str(n) for n in range(11)]
    assert [o.weight for o in question.options] == [Decimal(n) for n in range(11)]
    assert question.measure is None


def test_district_questions_list_the_active_districts_with_their_places(session, admin, places):
    question = build(session, admin).q.district
    assert [(o.label_zh_hans, o.place_id) for o in question.options] == [
        ("东区", places.east.id), ("西区", places.west.id)]


def test_given_options_replace_the_standard_ones(session, admin, places):
    survey = build(session, admin, open_it=False).survey
    question = services.add_question(session, admin, survey.sections[1], kind=QuestionKind.SATISFACTION,
                                     text=Texts("公园"), options=[Texts("好"), Texts("不好")])
    assert [(o.label_zh_hans, o.counts_as) for o in question.options] == [("好", None), ("不好", None)]


def test_max_choices_only_applies_to_multiple_choice(session, admin, places):
    survey = build(session, admin, open_it=False).survey
    question = services.add_question(session, admin, survey.sections[1], kind=QuestionKind.SINGLE, text=Texts("x"),
                                     max_choices=3, options=[Texts("y")])
    assert question.max_choices is None


def test_a_question_may_depend_on_an_earlier_answer(session, admin, places):
    built = build(session, admin, open_it=False)
    question = services.add_question(session, admin, built.survey.sections[1], kind=QuestionKind.SHORT_TEXT,
                                     text=Texts("为什么不满意？"), condition_option_id=option(built.q.air, "不满意").id)
    assert question.condition_option_id == option(built.q.air, "不满意").id


def test_a_question_may_not_depend_on_another_surveys_answer(session, admin, places):
    built = build(session, admin, open_it=False)
    other = build(session, admin, open_it=False)
    with pytest.raises(SurveyError, match="earlier question of the same survey"):
        services.add_question(session, admin, built.survey.sections[1], kind=QuestionKind.SHORT_TEXT,
                              text=Texts("x"), condition_option_id=option(other.q.air, "满意").id)


def test_a_question_may_not_depend_on_a_later_question(session, admin, places):
    built = build(session, admin, open_it=False)
    with pytest.raises(SurveyError, match="earlier question"):
        services.update_question(session, admin, built.q.air, text=Texts("空气质量"), help=Texts(""), required=True,
                                 max_choices=None, measure=Measure.SATISFACTION,
                                 condition_option_id=option(built.q.sorting, "参与过").id)


def test_deleting_a_question_clears_the_conditions_that_pointed_at_it(session, admin, places):
    built = build(session, admin, open_it=False)
    follow_up = services.add_question(session, admin, built.survey.sections[1], kind=QuestionKind.SHORT_TEXT,
                                      text=Texts("为什么？"), condition_option_id=option(built.q.air, "不满意").id)
    air_id = built.q.air.id
    services.delete_question(session, admin, built.q.air)
    session.commit()
    assert session.get(SurveyQuestion, air_id) is None
    assert session.scalar(select(func.count()).select_from(SurveyOption).where(SurveyOption.question_id == air_id)) == 0
    assert session.get(SurveyQuestion, follow_up.id).condition_option_id is None


def test_every_builder_action_writes_an_audit_entry(session, admin, places):
    built = build(session, admin, open_it=False)
    section = built.survey.sections[1]
    services.update_survey(session, admin, built.survey, title=Texts("新标题"), intro=Texts("说明"), paged=True)
    services.update_section(session, admin, section, Texts("看法"))
    services.update_question(session, admin, built.q.air, text=Texts("空气"), help=Texts(""), required=False,
                             max_choices=None, measure=Measure.SATISFACTION, condition_option_id=None)
    new = services.add_option(session, admin, built.q.channels, Texts("d"))
    services.update_option(session, admin, new, label=Texts("d2"), counts_as=None, weight=None)
    services.set_quota(session, admin, option(built.q.district, "东区"), 10)
    services.delete_question(session, admin, built.q.comment)
    services.change_state(session, admin, built.survey, SurveyState.OPEN)
    services.generate_invitations(session, admin, built.survey, count=2, place=places.east)
    session.commit()
    actions = [a for a in audit_actions(session) if a.startswith("surveys.")]
    building = ["surveys.create", "surveys.section_add", "surveys.section_add"] + ["surveys.question_add"] * 7
    assert actions == building + [
        "surveys.update", "surveys.section_update", "surveys.question_update", "surveys.option_add",
        "surveys.option_update", "surveys.quota_set", "surveys.question_delete", "surveys.open",
        "surveys.invitations_generate"]
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("surveys.%"))).all()
    assert all(e.actor_id == admin.id for e in entries)
    update = next(e for e in entries if e.action == "surveys.question_update")
    assert update.before["required"] is True and update.after["required"] is False
    assert update.before["text"] == "空气质量" and update.after["text"] == "空气"


# --- lifecycle -----------------------------------------------------------------------------------------

ALLOWED = [(SurveyState.DRAFT, SurveyState.OPEN), (SurveyState.OPEN, SurveyState.CLOSED),
           (SurveyState.CLOSED, SurveyState.OPEN), (SurveyState.CLOSED, SurveyState.ARCHIVED)]
REFUSED = [(start, target) for start in SurveyState for target in SurveyState if (start, target) not in ALLOWED]


@pytest.mark.parametrize("start, target", ALLOWED)
def test_allowed_state_changes_are_made_and_audited(session, admin, places, start, target):
    survey = build(session, admin, open_it=False).survey
    survey.state = start.value
    services.change_state(session, admin, survey, target)
    session.commit()
    assert session.get(Survey, survey.id).state == target
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.before, entry.after) == (f"surveys.{target.value}", {"state": start.value},
                                                         {"state": target.value})


@pytest.mark.parametrize("start, target", REFUSED)
def test_other_state_changes_are_refused(session, admin, places, start, target):
    survey = build(session, admin, open_it=False).survey
    survey.state = start.value
    session.commit()
    before = len(audit_actions(session))
    with pytest.raises(SurveyError, match="cannot become"):
        services.change_state(session, admin, survey, target)
    assert survey.state == start and len(audit_actions(session)) == before


def test_a_surveys_life_is_taken_on_the_workflow_engine_and_refused_as_a_step_not_allowed(session, admin, places):
    services.WORKFLOW.check()
    survey = build(session, admin, open_it=False).survey
    with pytest.raises(StepNotAllowed, match="cannot become Archived"):
        services.change_state(session, admin, survey, SurveyState.ARCHIVED)
    with pytest.raises(StepNotAllowed, match="cannot become Draft"):
        services.change_state(session, admin, survey, SurveyState.DRAFT)
    with pytest.raises(TypeError):  # the engine needs the acting user
        services.change_state(session, None, survey, SurveyState.OPEN)
    assert survey.state == SurveyState.DRAFT


def test_a_draft_cannot_be_closed(session, admin, places):
    survey = build(session, admin, open_it=False).survey
    with pytest.raises(SurveyError, match="A survey that is Draft cannot become Closed"):
        services.change_state(session, admin, survey, SurveyState.CLOSED)


def test_a_survey_without_questions_cannot_be_opened(session, admin):
    survey = services.create_survey(session, admin, title=Texts("空"), mode=SurveyMode.OPEN.value)
    services.add_section(session, admin, survey, Texts("一"))
    with pytest.raises(SurveyError, match="at least one question"):
        services.change_state(session, admin, survey, SurveyState.OPEN)
    assert survey.state == SurveyState.DRAFT


def test_an_open_survey_accepts_answers_between_its_times(session, admin, places):
    now = utcnow()
    survey = build(session, admin, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)).survey
    assert services.not_accepting_reason(survey, now) is None
    assert services.not_accepting_reason(survey, now - timedelta(days=1)) is None  # opens_at itself


def test_an_open_survey_without_times_accepts_answers(session, admin, places):
    assert services.not_accepting_reason(build(session, admin).survey, utcnow()) is None


def test_a_survey_does_not_accept_answers_before_it_opens(session, admin, places):
    now = utcnow()
    survey = build(session, admin, opens_at=now + timedelta(hours=1)).survey
    assert services.not_accepting_reason(survey, now).startswith("This survey opens on ")


def test_a_survey_does_not_accept_answers_once_it_closes(session, admin, places):
    now = utcnow()
    survey = build(session, admin, opens_at=now - timedelta(days=2), closes_at=now).survey
    assert services.not_accepting_reason(survey, now).startswith("This survey closed on ")
    assert services.not_accepting_reason(survey, now - timedelta(seconds=1)) is None


@pytest.mark.parametrize("state", [SurveyState.DRAFT, SurveyState.CLOSED, SurveyState.ARCHIVED])
def test_a_survey_that_is_not_open_does_not_accept_answers(session, admin, places, state):
    survey = build(session, admin).survey
    survey.state = state.value
    assert services.not_accepting_reason(survey, utcnow()) == "This survey is not open for answers."


def test_submitting_to_a_closed_survey_is_refused_and_stores_nothing(session, admin, places):
    built = build(session, admin)
    services.change_state(session, admin, built.survey, SurveyState.CLOSED)
    session.commit()
    with pytest.raises(NotAccepting):
        submit(session, built, **RESPONSES[0])
    session.rollback()
    assert session.scalar(select(func.count(SurveyResponse.id))) == 0


def test_submitting_invalid_answers_is_refused(session, admin, places):
    built = build(session, admin)
    questions = services.ordered_questions(built.survey)
    answers = read_answers(questions, form(built, district="东区"))
    with pytest.raises(SurveyError, match="need attention"):
        services.submit_response(session, built.survey, questions, answers, channel=ResponseChannel.WEB,
                                 submission_key="k", locale="zh_Hans")


# --- submitting and results ----------------------------------------------------------------------------

def test_a_submitted_response_stores_its_answers(session, answered):
    response = session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).first()
    q = answered.q
    assert response.channel == ResponseChannel.INTERVIEW and response.locale == "zh_Hans"
    assert response.district_option_id == option(q.district, "东区").id
    stored = {(a.question_id, a.option_id, a.text) for a in response.answers}
    assert stored == {(q.district.id, option(q.district, "东区").id, None),
                      (q.gender.id, option(q.gender, "男").id, None),
                      (q.air.id, option(q.air, "满意").id, None), (q.water.id, option(q.water, "不清楚").id, None),
                      (q.sorting.id, option(q.sorting, "参与过").id, None),
                      (q.channels.id, option(q.channels, "a").id, None),
                      (q.channels.id, option(q.channels, "b").id, None), (q.comment.id, None, "多种树")}
    assert session.scalar(select(func.count(SurveyAnswer.id))) == 8 + 6 + 7 + 7


def test_results_count_every_option_chosen(session, answered):
    results = queries.survey_results(session, answered.survey)
    assert results.respondents == 4
    by_code = {r.question.code: r for r in results.questions}
    q = answered.q
    assert counts(by_code[q.district.code]) == {"东区": 2, "西区": 2}
    assert counts(by_code[q.air.code]) == {"满意": 1, "比较满意": 1, "不太满意": 1, "不满意": 1, "不清楚": 0}
    assert counts(by_code[q.water.code]) == {"满意": 0, "比较满意": 2, "不太满意": 0, "不满意": 0, "不清楚": 2}
    assert counts(by_code[q.sorting.code]) == {"参与过": 2, "没有参与过": 1, "说不清": 1}
    assert by_code[q.comment.code].answered == 1
    air = by_code[q.air.code]
    assert air.answered == 4 and [o.share for o in air.options] == [0.25, 0.25, 0.25, 0.25, 0.0]


def test_multiple_choice_is_counted_per_option_not_per_combination(session, answered):
    # a+b, a, b+c, a+b → a: 3, b: 3, c: 1; 4 respondents answered, so the shares add up to more than 1
    result = next(r for r in queries.survey_results(session, answered.survey).questions
                  if r.question.id == answered.q.channels.id)
    assert result.answered == 4
    assert counts(result) == {"a": 3, "b": 3, "c": 1}
    assert [o.share for o in result.options] == [0.75, 0.75, 0.25]


def test_satisfaction_rate_leaves_dont_know_out(session, answered):
    # respondents' rates 1.0 (不清楚 left out), 0.5, 1.0, 0.0 → mean 2.5 / 4 = 0.625
    # squared deviations 2·0.375² + 0.125² + 0.625² = 0.28125 + 0.015625 + 0.390625 = 0.6875
    # s² = 0.6875 / 3 = 0.2291667; SE = √(0.2291667 / 4) = 0.2393568; half = 0.4691308
    # → 0.1558692 … 1.0941308, cut to 1
    measures = {m.measure: m for m in queries.survey_results(session, answered.survey).measures}
    unweighted = measures["satisfaction"].unweighted
    assert unweighted.value == pytest.approx(0.625) and unweighted.n == 4
    assert unweighted.low == pytest.approx(0.1558692, abs=1e-4) and unweighted.high == 1.0


def test_results_per_district_are_estimated_from_the_districts_respondents(session, answered):
    # east: rates 1.0 and 0.5 → mean 0.75, s² = 2·0.25² / 1 = 0.125, SE = √(0.125 / 2) = 0.25
    #   → 0.75 ± 0.4899910 = 0.2600090 … 1 (cut)
    # west: rates 1 and 0 → Wilson(1, 2): centre 0.5, half = 1.959964·√(0.125 + 0.2400912) / 2.9207294 = 0.4054661
    satisfaction = {m.measure: m for m in queries.survey_results(session, answered.survey).measures}["satisfaction"]
    east, west = satisfaction.by_district
    assert [east[0].label_zh_hans, west[0].label_zh_hans] == ["东区", "西区"]
    assert east[1].value == pytest.approx(0.75) and east[1].n == 2
    assert east[1].low == pytest.approx(0.2600090, abs=1e-4) and east[1].high == 1.0
    assert west[1] == wilson(1, 2)
    assert west[1].low == pytest.approx(0.5 - 0.4054661, abs=1e-4)


def test_city_figure_is_post_stratified_by_district_population(session, answered):
    # weights 300 000 : 100 000 → 0.75 · 0.75 + 0.25 · 0.5 = 0.6875 (the plain mean is 0.625)
    # SE_east = 0.25; SE_west = 0.4054661 / 1.959964 = 0.2068743
    # SE² = (0.75 · 0.25)² + (0.25 · 0.2068743)² = 0.0351563 + 0.0026748 = 0.0378311 → SE = 0.1945022
    # half = 0.3812173 → 0.3062827 … 1 (cut)
    satisfaction = {m.measure: m for m in queries.survey_results(session, answered.survey).measures}["satisfaction"]
    assert satisfaction.stratified
    assert satisfaction.overall.value == pytest.approx(0.6875) and satisfaction.overall.n == 4
    assert satisfaction.overall.low == pytest.approx(0.3062827, abs=1e-4)
    assert satisfaction.overall.high == 1.0


def test_participation_rate_leaves_cant_say_out(session, answered):
    # rates 1, 0, — (说不清 only), 1 → Wilson(2, 3); east Wilson(1, 2), west Wilson(1, 1)
    # post-stratified: 0.75 · 0.5 + 0.25 · 1.0 = 0.625
    participation = {m.measure: m for m in queries.survey_results(session, answered.survey).measures}["participation"]
    assert participation.unweighted == wilson(2, 3)
    assert [e for _, e in participation.by_district] == [wilson(1, 2), wilson(1, 1)]
    assert participation.overall.value == pytest.approx(0.625) and participation.overall.n == 3


def test_weighted_score_is_the_mean_of_respondents_mean_weights(session, answered):
    # 100, (33.33 + 66.67) / 2 = 50, (66.67 + 66.67) / 2 = 66.67, 0 → 216.67 / 4 = 54.1675
    score = {m.measure: m for m in queries.survey_results(session, answered.survey).measures}["satisfaction_score"]
    assert score.is_score
    assert score.unweighted.value == pytest.approx(54.1675) and score.unweighted.n == 4
    assert score.unweighted.low >= 0.0 and score.unweighted.high <= 100.0


def test_city_figure_is_the_plain_mean_without_post_stratification(session, admin, places):
    built = build(session, admin, post_stratify=False)
    for picks in RESPONSES:
        submit(session, built, **picks)
    satisfaction = {m.measure: m for m in queries.survey_results(session, built.survey).measures}["satisfaction"]
    assert not satisfaction.stratified
    assert satisfaction.overall == satisfaction.unweighted and satisfaction.overall.value == pytest.approx(0.625)


def test_city_figure_is_unweighted_when_a_district_has_no_adult_population(session, admin, places):
    """Issue 14 item 7: weight by adult population where the data has it; unweighted when it has none — a
    resident population alone is not used, since the official samples are of residents aged 18 and over."""
    places.west.adult_population = None
    session.commit()
    built = build(session, admin)
    for picks in RESPONSES:
        submit(session, built, **picks)
    results = queries.survey_results(session, built.survey)
    satisfaction = {m.measure: m for m in results.measures}["satisfaction"]
    assert not satisfaction.stratified and satisfaction.overall.value == pytest.approx(0.625)
    assert results.weighting == queries.Weighting.MISSING_POPULATION
    assert satisfaction.weighting == queries.Weighting.MISSING_POPULATION


def test_city_figure_falls_back_to_the_plain_mean_when_nobody_gave_a_district(session, admin, places):
    built = build(session, admin, district_required=False)
    for picks in RESPONSES:
        submit(session, built, **{k: v for k, v in picks.items() if k != "district"})
    satisfaction = {m.measure: m for m in queries.survey_results(session, built.survey).measures}["satisfaction"]
    assert satisfaction.unweighted.value == pytest.approx(0.625)
    assert satisfaction.overall == satisfaction.unweighted and not satisfaction.stratified


def test_results_break_down_by_a_demographic_answer(session, answered):
    q = answered.q
    rows = {o.label_zh_hans: (n, {r.question.code: counts(r) for r in results})
            for o, n, results in queries.breakdown(session, answered.survey, q.gender)}
    # men: R1 (满意, a+b) and R4 (不满意, a+b); women: R2 (不太满意, a) and R3 (比较满意, b+c)
    assert rows["男"][0] == 2 and rows["女"][0] == 2
    assert rows["男"][1][q.air.code] == {"满意": 1, "比较满意": 0, "不太满意": 0, "不满意": 1, "不清楚": 0}
    assert rows["女"][1][q.channels.code] == {"a": 1, "b": 1, "c": 1}
    assert q.gender.code not in rows["男"][1]


def test_results_of_one_segment_have_its_respondents_and_no_measures(session, answered):
    west = option(answered.q.district, "西区")
    results = queries.survey_results(session, answered.survey, segment=f"o{west.id}")
    assert results.respondents == 2 and results.measures == []


def test_tallies_match_the_stored_answers_of_many_sample_responses(session, admin, places):
    survey = build_template(session, admin, mode=SurveyMode.SAMPLED, title=Texts("模板"), indicator_period="2025")
    services.change_state(session, admin, survey, SurveyState.OPEN)
    add_sample_responses(session, survey, 40, seed=3)
    session.commit()
    survey = queries.load_survey(session, survey.id)
    questions = services.ordered_questions(survey)
    expected = sum((services.tally_deltas(questions, services.answers_of(r))
                    for r in session.scalars(select(SurveyResponse))), start=services.Counter())
    assert tally_totals(session, survey) == {key: total for key, total in expected.items() if total}
    assert queries.survey_results(session, survey).respondents == 40


# --- duplicates, invitations, quotas -------------------------------------------------------------------

def test_the_same_submission_key_twice_stores_one_response(session, answered):
    submit(session, answered, key="form-1", **RESPONSES[0])
    session.commit()
    before = tally_totals(session, answered.survey)
    with pytest.raises(AlreadySubmitted, match="already been sent"):
        submit(session, answered, key="form-1", **RESPONSES[1])
    session.rollback()
    assert session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.submission_key == "form-1")) == 1
    assert session.scalar(select(func.count(SurveyResponse.id))) == 5
    assert tally_totals(session, answered.survey) == before


def test_the_same_submission_key_may_be_used_in_another_survey(session, admin, places):
    first, second = build(session, admin), build(session, admin)
    submit(session, first, key="form-1", **RESPONSES[0])
    submit(session, second, key="form-1", **RESPONSES[0])
    session.commit()
    assert session.scalar(select(func.count(SurveyResponse.id))) == 2


def test_the_same_browser_twice_stores_one_response(session, admin, places):
    built = build(session, admin, mode=SurveyMode.OPEN)
    submit(session, built, browser_key="browser-1", channel=ResponseChannel.WEB, **RESPONSES[0])
    session.commit()
    with pytest.raises(AlreadySubmitted):
        submit(session, built, browser_key="browser-1", channel=ResponseChannel.WEB, **RESPONSES[1])
    session.rollback()
    assert session.scalar(select(func.count(SurveyResponse.id))) == 1
    submit(session, built, browser_key="browser-2", channel=ResponseChannel.WEB, **RESPONSES[1])
    submit(session, built, browser_key=None, channel=ResponseChannel.WEB, **RESPONSES[2])
    submit(session, built, browser_key=None, channel=ResponseChannel.WEB, **RESPONSES[3])
    session.commit()
    assert session.scalar(select(func.count(SurveyResponse.id))) == 4


def test_invitations_are_one_time_codes_of_a_sampled_survey(session, admin, places):
    built = build(session, admin)
    invitations = services.generate_invitations(session, admin, built.survey, count=5, place=places.east)
    more = services.generate_invitations(session, admin, built.survey, count=2)
    session.commit()
    assert len({i.code for i in invitations + more}) == 7
    assert all(len(i.code) == 10 and set(i.code) <= set(services.CODE_ALPHABET) for i in invitations)
    assert {i.batch for i in invitations} == {1} and {i.batch for i in more} == {2}
    assert {i.place_id for i in invitations} == {places.east.id} and more[0].place_id is None
    code = invitations[0].code
    typed = f" {code[:5].lower()}-{code[5:].lower()} "
    assert services.find_invitation(session, built.survey, typed) is invitations[0]
    assert services.find_invitation(session, build(session, admin).survey, code) is None
    assert queries.invitation_summary(session, built.survey) == {"total": 7, "used": 0}


def test_open_surveys_have_no_invitations(session, admin, places):
    built = build(session, admin, mode=SurveyMode.OPEN)
    with pytest.raises(SurveyError, match="only for sampled surveys"):
        services.generate_invitations(session, admin, built.survey, count=1)


def test_an_invitation_is_marked_used_by_its_response(session, admin, places):
    built = build(session, admin)
    invitation = services.generate_invitations(session, admin, built.survey, count=1)[0]
    session.commit()
    response = submit(session, built, invitation=invitation, channel=ResponseChannel.INVITATION, **RESPONSES[0])
    session.commit()
    assert response.invitation_id == invitation.id and invitation.used_at is not None
    assert queries.invitation_summary(session, built.survey) == {"total": 1, "used": 1}


def test_an_invitation_used_twice_is_refused(session, admin, places):
    built = build(session, admin)
    invitation = services.generate_invitations(session, admin, built.survey, count=1)[0]
    session.commit()
    submit(session, built, invitation=invitation, channel=ResponseChannel.INVITATION, **RESPONSES[0])
    session.commit()
    with pytest.raises(SurveyError):
        submit(session, built, invitation=invitation, channel=ResponseChannel.INVITATION, **RESPONSES[1])
    session.rollback()
    assert session.scalar(select(func.count(SurveyResponse.id))) == 1


def test_an_invitation_used_twice_is_told_so_and_not_taken_for_a_resent_form(session, admin, places):
    built = build(session, admin)
    invitation = services.generate_invitations(session, admin, built.survey, count=1)[0]
    session.commit()
    submit(session, built, invitation=invitation, channel=ResponseChannel.INVITATION, **RESPONSES[0])
    session.commit()
    with pytest.raises(SurveyError, match="invitation code has already been used") as refused:
        submit(session, built, invitation=invitation, channel=ResponseChannel.INVITATION, **RESPONSES[1])
    assert not isinstance(refused.value, AlreadySubmitted)


def test_a_quota_takes_responses_up_to_its_target(session, admin, places):
    built = build(session, admin)
    east = option(built.q.district, "东区")
    services.set_quota(session, admin, east, 2)
    session.commit()
    submit(session, built, **RESPONSES[0])
    submit(session, built, **RESPONSES[1])
    session.commit()
    progress = queries.quota_progress(session, built.survey)
    assert [(p.option.id, p.target, p.reached, p.full) for p in progress] == [(east.id, 2, 2, True)]


def test_a_response_beyond_a_full_quota_is_refused_and_leaves_the_tallies_unchanged(session, admin, places):
    built = build(session, admin)
    services.set_quota(session, admin, option(built.q.district, "东区"), 2)
    submit(session, built, **RESPONSES[0])
    submit(session, built, **RESPONSES[1])
    session.commit()
    before = tally_totals(session, built.survey)
    with pytest.raises(SurveyError, match="quota for East is already full"):
        submit(session, built, **RESPONSES[0])
    session.rollback()
    assert tally_totals(session, built.survey) == before
    assert session.scalar(select(func.count(SurveyResponse.id))) == 2
    submit(session, built, **RESPONSES[2])  # west has no quota
    session.commit()
    assert queries.survey_results(session, built.survey).respondents == 3


def test_a_quota_can_be_changed_and_removed(session, admin, places):
    built = build(session, admin)
    east = option(built.q.district, "东区")
    services.set_quota(session, admin, east, 2)
    services.set_quota(session, admin, east, 5)
    assert [p.target for p in queries.quota_progress(session, built.survey)] == [5]
    services.set_quota(session, admin, east, None)
    assert queries.quota_progress(session, built.survey) == []


def test_quotas_are_only_for_district_and_demographic_questions(session, admin, places):
    built = build(session, admin)
    with pytest.raises(SurveyError, match="Quotas can only be set"):
        services.set_quota(session, admin, option(built.q.air, "满意"), 10)
    services.set_quota(session, admin, option(built.q.gender, "女"), 10)


# --- voiding -------------------------------------------------------------------------------------------

def test_voiding_needs_a_reason(session, admin, answered):
    response = session.scalars(select(SurveyResponse)).first()
    with pytest.raises(SurveyError, match="Give the reason"):
        services.void_response(session, admin, response, "   ")
    assert response.voided_at is None


def test_voiding_takes_a_response_out_of_the_results_and_is_audited(session, admin, places):
    built = build(session, admin)
    for picks in RESPONSES[:3]:
        submit(session, built, **picks)
    session.commit()
    three = tally_totals(session, built.survey)
    fourth = submit(session, built, **RESPONSES[3])
    session.commit()
    assert tally_totals(session, built.survey) != three
    services.void_response(session, admin, fourth, "  重复访问同一受访者  ")
    session.commit()
    assert tally_totals(session, built.survey) == three
    assert queries.survey_results(session, built.survey).respondents == 3
    assert (fourth.void_reason, fourth.voided_by_id) == ("重复访问同一受访者", admin.id) and fourth.voided_at
    assert session.get(SurveyResponse, fourth.id) is not None and len(fourth.answers) == 7  # kept, not deleted
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "surveys.response_void"))
    assert (entry.object_type, entry.object_id, entry.actor_id, entry.note) == (
        "survey_responses", str(fourth.id), admin.id, "重复访问同一受访者")


def test_a_response_cannot_be_voided_twice(session, admin, answered):
    response = session.scalars(select(SurveyResponse)).first()
    services.void_response(session, admin, response, "测试")
    session.commit()
    after_first = tally_totals(session, answered.survey)
    with pytest.raises(SurveyError, match="already been voided"):
        services.void_response(session, admin, response, "再来一次")
    session.rollback()
    assert tally_totals(session, answered.survey) == after_first
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "surveys.response_void")) == 1


# --- a survey with answers is locked -------------------------------------------------------------------

def test_a_survey_with_answers_takes_no_new_question_or_section(session, admin, answered):
    with pytest.raises(SurveyError, match="questions and options are locked"):
        services.add_question(session, admin, answered.survey.sections[1], kind=QuestionKind.SHORT_TEXT,
                              text=Texts("新问题"))
    with pytest.raises(SurveyError, match="locked"):
        services.add_section(session, admin, answered.survey, Texts("新部分"))
    with pytest.raises(SurveyError, match="locked"):
        services.add_option(session, admin, answered.q.channels, Texts("d"))


def test_a_question_with_answers_cannot_be_deleted(session, admin, answered):
    with pytest.raises(SurveyError, match="locked"):
        services.delete_question(session, admin, answered.q.air)
    session.rollback()
    assert session.get(SurveyQuestion, answered.q.air.id) is not None


def test_how_an_option_counts_cannot_change_once_answered(session, admin, answered):
    dont_know = option(answered.q.air, "不清楚")
    with pytest.raises(SurveyError, match="locked"):
        services.update_option(session, admin, dont_know, label=Texts("不清楚"), counts_as=CountsAs.NEGATIVE,
                               weight=None)
    with pytest.raises(SurveyError, match="locked"):
        services.update_option(session, admin, option(answered.q.air, "满意"), label=Texts("满意"),
                               counts_as=CountsAs.POSITIVE, weight=Decimal("90"))
    session.rollback()
    assert option(answered.q.air, "不清楚").counts_as == CountsAs.EXCLUDED


def test_option_labels_can_still_be_corrected_once_answered(session, admin, answered):
    fairly = option(answered.q.air, "比较满意")
    services.update_option(session, admin, fairly, label=Texts("较满意", "較滿意", "Fairly satisfied"),
                           counts_as=CountsAs.POSITIVE, weight=Decimal("66.67"))
    session.commit()
    assert fairly.label_zh_hans == "较满意" and fairly.counts_as == CountsAs.POSITIVE


def test_question_wording_can_still_be_corrected_once_answered(session, admin, answered):
    air = answered.q.air
    services.update_question(session, admin, air, text=Texts("您对空气质量是否满意？"), help=Texts("含PM2.5"),
                             required=True, max_choices=None, measure=Measure.SATISFACTION, condition_option_id=None)
    session.commit()
    assert air.text_zh_hans == "您对空气质量是否满意？" and air.help_zh_hans == "含PM2.5"


@pytest.mark.parametrize("change", [dict(required=False), dict(measure=None), dict(measure=Measure.PARTICIPATION)])
def test_a_question_with_answers_cannot_change_what_it_asks(session, admin, answered, change):
    values = dict(text=Texts("空气质量"), help=Texts(""), required=True, max_choices=None,
                  measure=Measure.SATISFACTION, condition_option_id=None) | change
    with pytest.raises(SurveyError, match="locked"):
        services.update_question(session, admin, answered.q.air, **values)


def test_a_sampled_survey_with_answers_cannot_become_open_mode(session, admin, answered):
    with pytest.raises(SurveyError, match="locked"):
        services.update_survey(session, admin, answered.survey, title=Texts("x"), intro=Texts(""),
                               mode=SurveyMode.OPEN.value)


# --- the indicator feed --------------------------------------------------------------------------------

def test_sampled_survey_feeds_the_city_satisfaction_post_stratified(session, answered):
    result = indicator_feed.computed_result(session, Measure.SATISFACTION, answered.places.city, "2025")
    assert isinstance(result, ComputedResult)
    assert result.value == Decimal("68.75") and result.sample_size == 4
    assert f"问卷 #{answered.survey.id}" in result.method and "测试问卷" in result.method
    assert "18岁及以上常住人口加权" in result.method and "权重 = 该县市区成年人口占比 ÷ 样本占比" in result.method
    assert "未加权结果 62.5%" in result.method  # the unweighted figure stated beside the weighted one
    assert "n=4" in result.method and "不清楚" in result.method
    # SE 0.1945022 (see the post-stratification test): 68.75% − 38.12% = 30.63% … 100%, margin (100 − 30.63) / 2
    assert "95%置信区间 30.6%–100.0%" in result.method and "误差 ±34.7个百分点" in result.method


def test_districts_are_not_fed_to_the_indicators_to_be_judged(session, answered):
    """Issue 14 item 7: district figures are descriptive — with n ≈ 50 a district's margin is ±4–8 percentage
    points, too wide to judge pass/fail against the ≥80% target (商河县统计局 2021:
    http://www.shanghe.gov.cn/art/2021/4/1/art_45312_4775299.html) — so districts get no indicator value."""
    for place in (answered.places.east, answered.places.west):
        for measure in Measure:
            assert indicator_feed.computed_result(session, measure, place, "2025") is None
    satisfaction = {m.measure: m for m in queries.survey_results(session, answered.survey).measures}["satisfaction"]
    assert [e.n for _, e in satisfaction.by_district] == [2, 2]  # still shown on the results page


def test_sampled_survey_feeds_participation_too(session, answered):
    result = indicator_feed.computed_result(session, Measure.PARTICIPATION, answered.places.city, "2025")
    assert result.value == Decimal("62.50") and result.sample_size == 3 and "说不清" in result.method


def test_the_feed_has_nothing_for_another_period_or_a_district_without_answers(session, admin, answered):
    assert indicator_feed.computed_result(session, Measure.SATISFACTION, answered.places.city, "2024") is None
    north = factories.place(session, code="north", population=10_000)
    assert indicator_feed.computed_result(session, Measure.SATISFACTION, north, "2025") is None


def test_an_open_mode_survey_never_feeds_the_indicators(session, admin, places):
    built = build(session, admin, mode=SurveyMode.OPEN)
    for picks in RESPONSES:
        submit(session, built, channel=ResponseChannel.WEB, **picks)
    session.commit()
    assert built.survey.indicator_period == "2025"
    for place in (places.city, places.east, places.west):
        for measure in Measure:
            assert indicator_feed.computed_result(session, measure, place, "2025") is None


def test_a_draft_sampled_survey_does_not_feed_the_indicators(session, admin, places):
    build(session, admin, open_it=False)
    assert indicator_feed.computed_result(session, Measure.SATISFACTION, places.city, "2025") is None


def test_the_feed_prefers_a_closed_survey_to_an_open_one(session, admin, places):
    closed = build(session, admin)
    submit(session, closed, **RESPONSES[0])
    services.change_state(session, admin, closed.survey, SurveyState.CLOSED)
    current = build(session, admin)
    submit(session, current, **RESPONSES[3])
    session.commit()
    assert queries.survey_for_period(session, "2025").id == closed.survey.id
    result = indicator_feed.computed_result(session, Measure.SATISFACTION, places.city, "2025")
    assert result.value == Decimal("100.00") and f"问卷 #{closed.survey.id}" in result.method


def test_survey_providers_are_registered():
    registered = providers.registered_providers()
    assert {"surveys.satisfaction", "surveys.participation"} <= set(registered)


def satisfaction_catalogue(session):
    result = import_catalogue(session, None, code="surveys", name_zh_hans="测试指标体系",
                              first_year=2019, last_year=None,
                              rows=[{"domain": "生态文化", "task": "(五)观念", "code": "1",
                                     "name_zh_hans": "公众对生态文明建设的满意度", "unit": "%", "target": ">=80",
                                     "property": "参考性", "scope": "市县", "provider": "surveys.satisfaction"}])
    assert not result.errors, result.errors
    return result.catalogue


def test_refreshing_computed_values_records_the_survey_results(session, answered):
    catalogue = satisfaction_catalogue(session)
    assert providers.refresh_computed_values(session, catalogue, "2025") == 1  # the city: districts are descriptive
    assert providers.refresh_computed_values(session, catalogue, "2025") == 0  # unchanged
    session.commit()
    values = {v.place_id: v for v in session.scalars(select(IndicatorValue).where(IndicatorValue.period == "2025"))}
    assert {k: (v.numeric_value, v.sample_size) for k, v in values.items()} == {
        answered.places.city.id: (Decimal("68.75"), 4)}
    assert all(v.computed and v.state == "approved" and "95%置信区间" in v.method for v in values.values())


def test_refreshing_computed_values_ignores_open_mode_surveys(session, admin, places):
    built = build(session, admin, mode=SurveyMode.OPEN)
    for picks in RESPONSES:
        submit(session, built, channel=ResponseChannel.WEB, **picks)
    catalogue = satisfaction_catalogue(session)
    assert providers.refresh_computed_values(session, catalogue, "2025") == 0


def test_margin_in_the_method_is_half_the_interval_in_percentage_points(session, admin, places):
    """Issue 14 item 7: a margin of error is a difference of percentages, written in 个百分点 (percentage
    points), not in %; practice states the method, n and the margin (facts §2.1)."""
    built = build(session, admin, post_stratify=False)
    for picks in RESPONSES[:2]:
        submit(session, built, **picks)
    session.commit()
    result = indicator_feed.computed_result(session, Measure.SATISFACTION, places.city, "2025")
    # rates 1.0 and 0.5: mean 0.75, s² = 0.125, SE = 0.25 → 26.0% … 100.0% (cut), margin (100 − 26.0) / 2 = 37.0
    assert "26.0%–100.0%" in result.method and "±37.0个百分点" in result.method and "±37.0%" not in result.method
    assert "未加权（本调查设定不加权）" in result.method
    assert Z95 * 0.25 == pytest.approx(0.4899910)


# --- bugs these tests found, fixed in 2e7ea51: kept against regressions ----------------------------------

def test_a_question_may_not_depend_on_a_question_of_a_later_section(session, admin, places):
    built = build(session, admin, open_it=False)
    # Q8 goes into the first section (shown before Q3 of the second section) but gets position 8 > 3
    with pytest.raises(SurveyError, match="earlier question"):
        services.add_question(session, admin, built.survey.sections[0], kind=QuestionKind.SHORT_TEXT,
                              text=Texts("为什么不满意？"), condition_option_id=option(built.q.air, "不满意").id)


def test_two_admins_voiding_one_response_at_once_subtract_it_once(app, session, admin, answered):
    from sqlalchemy.orm import Session

    from app.extensions import db

    response = session.scalars(select(SurveyResponse)).first()
    expected = services.Counter(tally_totals(session, answered.survey))
    expected.subtract(services.tally_deltas(services.ordered_questions(answered.survey),
                                            services.answers_of(response)))
    response_id = response.id
    with Session(db.engine, expire_on_commit=False) as other:
        stale = other.get(SurveyResponse, response_id)  # the second admin's request has loaded the response
        other.commit()
        services.void_response(session, admin, session.get(SurveyResponse, response_id), "第一位")
        session.commit()
        with pytest.raises(SurveyError):
            services.void_response(other, other.get(type(admin), admin.id), stale, "第二位")
        other.rollback()
    session.expire_all()
    assert tally_totals(session, answered.survey) == {k: v for k, v in expected.items() if v}


def test_the_demo_template_audits_its_follow_up_question_as_stored(session, admin, places):
    survey = build_template(session, admin, mode=SurveyMode.SAMPLED, title=Texts("模板"))
    follow_up = next(q for q in services.ordered_questions(survey) if q.condition_option_id)
    audited = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "survey_questions",
                                                       AuditEntry.object_id == str(follow_up.id))
                              .order_by(AuditEntry.id.desc())).first()
    assert follow_up.measure is None
    assert audited.after["measure"] is None


# --- issue 14 item 7: the survey method (exact counts, adult-population weights, definitions) -----------
# Practice (facts §2.1): the official figures come from sampled surveys of residents aged 18 and over run by
# statistics bureaus (CATI with district quotas, e.g. https://www.stats.gov.cn/fw/dftjxmgl/dftjdczd/shx/202402/
# t20240208_1947600.html); no official scoring formula exists, so the method, n and margin are always stated.

def test_tallies_keep_each_respondents_exact_counts_not_a_rounded_rate(session, answered):
    """Issue 14 item 7: store exact numerators rather than rounded rates (the raw counts stay as they were)."""
    totals = tally_totals(session, answered.survey)
    rates = {name: total for (name, segment), total in totals.items() if segment == "" and ":" in name}
    assert rates == {"satisfaction:1/1": 1, "satisfaction:1/2": 1, "satisfaction:2/2": 1, "satisfaction:0/1": 1,
                     "participation:1/1": 2, "participation:0/1": 1,
                     # 100; (33.33 + 66.67) / 2 = 50; (66.67 + 66.67) / 2 = 66.67 = 6667/100; 0
                     "satisfaction_score:100": 1, "satisfaction_score:50": 1, "satisfaction_score:6667/100": 1,
                     "satisfaction_score:0": 1}
    assert totals[(f"o{option(answered.q.air, '满意').id}", "")] == 1  # raw counts per option kept


def test_the_migration_recounts_the_same_exact_tallies_the_submitting_path_writes(session, answered, admin):
    """The 0016 migration rebuilds the score rows of existing surveys from the stored responses: what it
    computes must equal what submitting writes (voided responses left out)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0019_survey_exact_tallies_adult_population.py"
    spec = importlib.util.spec_from_file_location("migration_0016", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    services.void_response(session, admin, session.scalars(select(SurveyResponse)).first(), "测试作废")
    session.commit()
    expected = {key: total for key, total in tally_totals(session, answered.survey).items() if ":" in key[0]}
    recounted = migration._score_rows(session.connection(), answered.survey.id)
    assert {key: total for key, total in recounted.items() if total} == expected


def test_headline_is_weighted_by_adult_population_with_weights_stated(session, answered):
    """Issue 14 item 7: weights = population share / sample share, from the districts' adult population; the
    weighted and the unweighted figure are both given."""
    results = queries.survey_results(session, answered.survey)
    assert results.weighting == queries.Weighting.ADULT_POPULATION
    east, west = results.weights
    assert (east.adult_population, east.respondents,
            west.adult_population, west.respondents) == (300_000, 2, 100_000, 2)
    assert east.weight.weight == Fraction(3, 2) and west.weight.weight == Fraction(1, 2)
    satisfaction = {m.measure: m for m in results.measures}["satisfaction"]
    # Σ weight × rate / Σ weight = (1.5·1 + 1.5·0.5 + 0.5·1 + 0.5·0) / 4 = 0.6875 — the post-stratified mean
    assert satisfaction.overall.value == pytest.approx(0.6875) and satisfaction.unweighted.value == pytest.approx(0.625)


def test_the_resident_population_is_not_used_as_the_weight(session, admin, places):
    """Residents 360 000 : 180 000 (2 : 1) but adults 300 000 : 100 000 (3 : 1): the weights follow the adults."""
    built = build(session, admin)
    for picks in RESPONSES:
        submit(session, built, **picks)
    satisfaction = {m.measure: m for m in queries.survey_results(session, built.survey).measures}["satisfaction"]
    assert satisfaction.overall.value == pytest.approx(0.75 * 0.75 + 0.25 * 0.5)
    assert satisfaction.overall.value != pytest.approx(2 / 3 * 0.75 + 1 / 3 * 0.5)


def three_activities(session, actor, **settings):
    """A district question and three participation questions (waste sorting, green travel, volunteering)."""
    survey = services.create_survey(session, actor, title=Texts("参与度"), mode=SurveyMode.SAMPLED.value,
                                    indicator_period="2025", **settings)
    section = services.add_section(session, actor, survey, Texts("参与度"))
    q = SimpleNamespace()
    q.district = services.add_question(session, actor, section, kind=QuestionKind.DISTRICT, text=Texts("区"))
    q.sorting = services.add_question(session, actor, section, kind=QuestionKind.PARTICIPATION, text=Texts("垃圾分类"))
    q.travel = services.add_question(session, actor, section, kind=QuestionKind.PARTICIPATION, text=Texts("绿色出行"))
    q.volunteer = services.add_question(session, actor, section, kind=QuestionKind.PARTICIPATION, text=Texts("志愿"))
    services.change_state(session, actor, survey, SurveyState.OPEN)
    session.commit()
    return SimpleNamespace(survey=queries.load_survey(session, survey.id), q=q)


YES, NO, CANT = "参与过", "没有参与过", "说不清"


def test_participation_is_shown_under_each_definition(session, admin, places):
    """Issue 14 item 7: the participation figure depends on its definition (on the demo data: mean of items
    82.5 %, at least one activity 99 %, all three 58 %). The questionnaires in practice ask 参与过 / 没有参与过 /
    说不清 per activity (Zhejiang's CATI questionnaire: https://ppfocus.com/0/eda01377f.html) and no official
    formula combines them, so all three readings are shown.

    Rates: 3/3, 1/3, 0/3, 2/2 (说不清 left out), and a respondent with only 说不清 (no valid answer):
    mean (1 + 1/3 + 0 + 1) / 4 = 7/12; at least one 3/4; all 2/4 (the 2/2 respondent answered yes to every
    activity they could say)."""
    built = three_activities(session, admin, post_stratify=False)
    for answers in [(YES, YES, YES), (YES, NO, NO), (NO, NO, NO), (YES, YES, CANT), (CANT, CANT, CANT)]:
        submit(session, built, district="东区", **dict(zip(("sorting", "travel", "volunteer"), answers)))
    session.commit()
    participation = {m.measure: m for m in queries.survey_results(session, built.survey).measures}["participation"]
    definitions = {d.definition: d for d in participation.definitions}
    assert participation.overall.value == pytest.approx(7 / 12) and participation.overall.n == 4
    assert definitions[queries.Definition.MEAN].overall == participation.overall
    assert definitions[queries.Definition.ANY].overall == wilson(3, 4)
    assert definitions[queries.Definition.ALL].overall == wilson(2, 4)


def test_participation_definitions_are_weighted_like_the_headline(session, admin, places):
    """East (3/4 of the adults): one respondent who did everything; west: one who did one of three.
    Weighted: at least one = 1.0, all = 0.75·1 + 0.25·0 = 0.75; unweighted: 1.0 and 0.5."""
    built = three_activities(session, admin)
    submit(session, built, district="东区", sorting=YES, travel=YES, volunteer=YES)
    submit(session, built, district="西区", sorting=YES, travel=NO, volunteer=NO)
    session.commit()
    participation = {m.measure: m for m in queries.survey_results(session, built.survey).measures}["participation"]
    everything = next(d for d in participation.definitions if d.definition == queries.Definition.ALL)
    assert participation.stratified
    assert everything.overall.value == pytest.approx(0.75) and everything.unweighted.value == pytest.approx(0.5)
    assert participation.overall.value == pytest.approx(0.75 * 1 + 0.25 * (1 / 3))


def test_the_indicator_value_is_the_headline_figure_the_results_page_states(session, answered):
    """Issue 14 item 7: the indicator value fed from the survey uses the method the results page states."""
    results = queries.survey_results(session, answered.survey)
    for measure in Measure:
        shown = next(m for m in results.measures if m.measure == measure.value)
        fed = indicator_feed.computed_result(session, measure, answered.places.city, "2025")
        assert fed.value == Decimal(f"{shown.overall.value * 100:.2f}") and fed.sample_size == shown.overall.n
        assert shown.weighting == queries.Weighting.ADULT_POPULATION and "18岁及以上常住人口加权" in fed.method


def test_the_demo_gives_its_districts_an_adult_population_without_overwriting_one(session):
    """The demo's sampled survey is weighted by adult population, so its districts carry that figure as data."""
    from app.demo.surveys import ADULT_POPULATION, record_adult_population

    donghu = factories.place(session, code="donghu", population=455_000)
    meixi = factories.place(session, code="meixi", population=397_000, adult_population=300_000)
    assert record_adult_population(session) == 1
    assert donghu.adult_population == ADULT_POPULATION["donghu"] and meixi.adult_population == 300_000
    assert record_adult_population(session) == 0


def test_satisfaction_and_participation_are_not_applicable_at_a_district(session, places):
    """Issue 14 items 6 and 7: the survey feeds the city only (a district's n ≈ 50 figure is descriptive), so at a
    district the indicator is not applicable — never left awaiting an assessment nobody can make."""
    from app.indicators import queries as indicator_queries
    from app.indicators.rules import Status as Judged

    indicator_feed.register()
    catalogue = factories.catalogue(session)
    satisfaction = next(i for i in indicator_queries.catalogue_indicators(session, catalogue) if i.code == "6")
    satisfaction.provider = indicator_feed.PROVIDER_KEYS[Measure.SATISFACTION]
    session.commit()
    result = indicator_queries.compliance(session, catalogue, "2025", [places.city, places.east])
    assert result.status(satisfaction, places.city).status == Judged.PENDING  # no survey yet: the city waits
    assert result.status(satisfaction, places.east).status == Judged.NOT_APPLICABLE

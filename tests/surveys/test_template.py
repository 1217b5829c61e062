"""The ready survey template (app.surveys.template): what it builds, in the survey domain, without the demo."""
import pytest

from app.surveys import services
from app.surveys.models import Measure, QuestionKind, SurveyMode, SurveyState
from app.surveys.template import INTRO, TEMPLATE, build_template
from app.surveys.services import Texts
from tests import factories


@pytest.fixture
def districts(session):
    return [factories.place(session, code=f"d{n}", name_zh_hans=f"第{n}区") for n in range(3)]


def test_the_template_builds_a_draft_with_every_section_and_question(session, staff, districts):
    survey = build_template(session, staff["admin"], mode=SurveyMode.SAMPLED, title=Texts("模板"),
                            indicator_period="2025")
    assert survey.state == SurveyState.DRAFT and survey.mode == SurveyMode.SAMPLED
    assert survey.indicator_period == "2025" and survey.intro_zh_hans == INTRO.zh_hans and survey.intro_en
    assert [s.title_zh_hans for s in survey.sections] == [title.zh_hans for title, _ in TEMPLATE]
    questions = services.ordered_questions(survey)
    assert [q.kind for q in questions] == [kind for _, rows in TEMPLATE for kind, *_ in rows]
    assert len(questions[0].options) == len(districts)  # the district question lists the districts


def test_the_follow_up_question_depends_on_the_earlier_answer_and_measures_nothing(session, staff, districts):
    survey = build_template(session, staff["admin"], mode=SurveyMode.OPEN, title=Texts("模板"))
    questions = services.ordered_questions(survey)
    follow_up = next(q for q in questions if q.condition_option_id is not None)
    asked = questions[questions.index(follow_up) - 1]
    assert follow_up.kind == QuestionKind.SATISFACTION and follow_up.measure is None
    assert follow_up.condition_option_id == asked.options[0].id
    measured = [q.measure for q in questions if q.measure]
    assert measured.count(Measure.SATISFACTION) == 5 and measured.count(Measure.PARTICIPATION) == 3


def test_the_template_can_be_opened_at_once(session, staff, districts):
    survey = build_template(session, staff["admin"], mode=SurveyMode.OPEN, title=Texts("模板"))
    services.change_state(session, staff["admin"], survey, SurveyState.OPEN)
    assert survey.state == SurveyState.OPEN

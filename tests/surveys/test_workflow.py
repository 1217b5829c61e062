"""The life of a survey as an app.workflow transition table, and its titled enums: every step from every state."""
import itertools

import pytest

from app import workflow as core
from app.surveys.models import CountsAs, Measure, QuestionKind, ResponseChannel, SurveyMode, SurveyState
from app.surveys.workflow import TRANSITIONS, SurveyStep, TransitionError, allowed_steps

ALLOWED = {
    (SurveyState.DRAFT, SurveyStep.OPEN): SurveyState.OPEN,
    (SurveyState.OPEN, SurveyStep.CLOSE): SurveyState.CLOSED,
    (SurveyState.CLOSED, SurveyStep.OPEN): SurveyState.OPEN,
    (SurveyState.CLOSED, SurveyStep.ARCHIVE): SurveyState.ARCHIVED,
}


def test_the_table_is_an_app_workflow_table_with_exactly_the_allowed_steps():
    assert isinstance(TRANSITIONS, core.Transitions) and TRANSITIONS.table == ALLOWED
    assert TransitionError is core.TransitionError


@pytest.mark.parametrize(("state", "step"), list(itertools.product(SurveyState, SurveyStep)))
def test_every_step_from_every_state_goes_where_the_table_says_or_is_refused(state, step):
    if (state, step) in ALLOWED:
        assert TRANSITIONS.next_state(state, step) == ALLOWED[(state, step)] == step.target
    else:
        with pytest.raises(TransitionError):
            TRANSITIONS.next_state(state, step)


def test_each_step_is_named_after_the_state_it_leads_to():
    assert [step.target for step in SurveyStep] == [SurveyState.OPEN, SurveyState.CLOSED, SurveyState.ARCHIVED]


def test_the_buttons_of_each_state_come_in_a_stable_order():
    assert allowed_steps(SurveyState.DRAFT) == [SurveyStep.OPEN]
    assert allowed_steps(SurveyState.OPEN) == [SurveyStep.CLOSE]
    assert allowed_steps(SurveyState.CLOSED) == [SurveyStep.ARCHIVE, SurveyStep.OPEN]
    assert allowed_steps(SurveyState.ARCHIVED) == []


def test_only_open_and_closed_surveys_have_a_public_page():
    assert {state for state in SurveyState if state.is_public} == {SurveyState.OPEN, SurveyState.CLOSED}


def test_enums_carry_their_translated_titles(app):
    with app.test_request_context("/?lang=en"):
        assert SurveyStep.OPEN.title == "Open for answers" and SurveyStep.ARCHIVE.title == "Archive"
        assert SurveyState.DRAFT.title == "Draft" and SurveyMode.SAMPLED.title == "Sampled survey"
        assert QuestionKind.RATING.title == "Rating 0–10" and Measure.PARTICIPATION.title == "Participation"
        assert CountsAs.EXCLUDED.title == "Excluded from the rate"
        assert ResponseChannel.INTERVIEW.title == "Telephone interview"
        assert QuestionKind.choices()[0] == ("single", QuestionKind.SINGLE.title)

"""The review workflow of a reported value, as an app.workflow transition table: every allowed and every
forbidden step, and the titled states and their predicates."""
import itertools

import pytest

from app import workflow as core
from app.errors import ActionRefused, StepNotAllowed
from app.indicators import workflow
from app.indicators.models import IndicatorProperty, IndicatorScope, PreconditionStatus, ValueState
from app.indicators.workflow import EDITABLE, TRANSITIONS, TransitionError, ValueStep, next_state

ALLOWED = {
    (ValueState.DRAFT, ValueStep.SUBMIT): ValueState.SUBMITTED,
    (ValueState.RETURNED, ValueStep.SUBMIT): ValueState.SUBMITTED,
    (ValueState.SUBMITTED, ValueStep.APPROVE): ValueState.APPROVED,
    (ValueState.SUBMITTED, ValueStep.RETURN): ValueState.RETURNED,
    (ValueState.APPROVED, ValueStep.SUPERSEDE): ValueState.SUPERSEDED,
}


def test_the_table_is_an_app_workflow_table_with_exactly_the_allowed_steps():
    assert isinstance(TRANSITIONS, core.Transitions)
    assert TRANSITIONS.table == ALLOWED


@pytest.mark.parametrize(("state", "step"), list(itertools.product(ValueState, ValueStep)))
def test_every_step_from_every_state_goes_where_the_table_says_or_is_refused(app, state, step):
    with app.test_request_context():
        if (state, step) in ALLOWED:
            assert next_state(state, step) == ALLOWED[(state, step)]
            assert next_state(state.value, step.value) == ALLOWED[(state, step)]  # stored values work too
        else:
            with pytest.raises(TransitionError) as refused:
                next_state(state, step)
            # A refused step is a refusal the views show, and still the ValueError callers caught before.
            assert isinstance(refused.value, StepNotAllowed | ActionRefused)
            assert isinstance(refused.value, ValueError | core.TransitionError)


def test_an_unknown_step_is_refused(app):
    with app.test_request_context(), pytest.raises(TransitionError, match="unknown action"):
        next_state(ValueState.DRAFT, "publish")


def test_allowed_steps_and_sources_follow_the_table():
    assert TRANSITIONS.allowed_steps(ValueState.SUBMITTED) == [ValueStep.APPROVE, ValueStep.RETURN]
    assert TRANSITIONS.allowed_steps(ValueState.SUPERSEDED) == []
    assert TRANSITIONS.sources(ValueStep.SUBMIT) == EDITABLE == {ValueState.DRAFT, ValueState.RETURNED}


def test_editable_and_published_states():
    assert {s for s in ValueState if s.is_editable} == {ValueState.DRAFT, ValueState.RETURNED}
    assert {s for s in ValueState if s.is_published} == {ValueState.APPROVED, ValueState.SUPERSEDED}
    assert workflow.EDITABLE == EDITABLE


def test_states_and_attributes_carry_their_translated_titles(app):
    with app.test_request_context("/?lang=en"):
        assert ValueState.SUBMITTED.title == "Awaiting review"
        assert IndicatorProperty.BINDING.title == "Binding"
        assert IndicatorScope.BOTH.title == "City and county"
        assert PreconditionStatus.NOT_MET.title == "Not met"
        assert ValueState.choices()[0] == ("draft", ValueState.DRAFT.title)

"""The review workflow of a reported value: a pure transition table (app.workflow.Transitions).

draft → submitted → approved | returned; returned → submitted (after editing); an approved value is only
ever superseded by a newer approved version (a correction).
"""
from enum import StrEnum

from flask_babel import gettext as _

from app import workflow
from app.errors import StepNotAllowed
from app.indicators.models import ValueState


class ValueStep(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    SUPERSEDE = "supersede"


TRANSITIONS = workflow.Transitions({
    (ValueState.DRAFT, ValueStep.SUBMIT): ValueState.SUBMITTED,
    (ValueState.RETURNED, ValueStep.SUBMIT): ValueState.SUBMITTED,
    (ValueState.SUBMITTED, ValueStep.APPROVE): ValueState.APPROVED,
    (ValueState.SUBMITTED, ValueStep.RETURN): ValueState.RETURNED,
    (ValueState.APPROVED, ValueStep.SUPERSEDE): ValueState.SUPERSEDED,
})
EDITABLE = frozenset(state for state in ValueState if state.is_editable)


class TransitionError(StepNotAllowed, workflow.TransitionError):
    """A step the workflow does not allow from the value's current state; the message is for the user."""


def next_state(current: ValueState | str, action: ValueStep | str) -> ValueState:
    """The state after action, or TransitionError when action is not allowed from current."""
    try:
        step = ValueStep(action)
    except ValueError:
        raise TransitionError(f"unknown action {action!r}") from None
    try:
        return TRANSITIONS.next_state(ValueState(current), step)
    except workflow.TransitionError:
        if step in (ValueStep.APPROVE, ValueStep.RETURN):
            raise TransitionError(_("This value is no longer awaiting review.")) from None
        raise TransitionError(_("This value is awaiting review and cannot be changed now.")) from None

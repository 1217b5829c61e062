"""The review workflow of a reported value: a pure transition table.

draft → submitted → approved | returned; returned → submitted (after editing); an approved value is only
ever superseded by a newer approved version (a correction).
"""
from app.indicators.models import ValueState

TRANSITIONS: dict[str, tuple[ValueState, frozenset[ValueState]]] = {
    "submit": (ValueState.SUBMITTED, frozenset({ValueState.DRAFT, ValueState.RETURNED})),
    "approve": (ValueState.APPROVED, frozenset({ValueState.SUBMITTED})),
    "return": (ValueState.RETURNED, frozenset({ValueState.SUBMITTED})),
    "supersede": (ValueState.SUPERSEDED, frozenset({ValueState.APPROVED})),
}
EDITABLE = frozenset({ValueState.DRAFT, ValueState.RETURNED})


class TransitionError(ValueError):
    """A step the workflow does not allow from the value's current state."""


def next_state(current: ValueState | str, action: str) -> ValueState:
    """The state after action, or TransitionError when action is not allowed from current."""
    if action not in TRANSITIONS:
        raise TransitionError(f"unknown action {action!r}")
    target, sources = TRANSITIONS[action]
    if ValueState(current) not in sources:
        raise TransitionError(f"cannot {action} a value that is {ValueState(current).value}")
    return target

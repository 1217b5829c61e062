"""Workflow transition tables shared by the domains (tips, notices, disclosure requests). Pure code."""
from enum import Enum


class TransitionError(ValueError):
    """A step that the object's state does not allow."""


class Transitions:
    """A table {(state, step): next state}: what each state allows, and where each step leads."""

    def __init__(self, table: dict[tuple[Enum, Enum], Enum]):
        self.table = table

    def next_state(self, state: Enum, step: Enum) -> Enum:
        try:
            return self.table[(state, step)]
        except KeyError:
            raise TransitionError(f"{step.value} is not allowed from {state.value}") from None

    def allowed_steps(self, state: Enum) -> list[Enum]:
        return [step for (source, step) in self.table if source == state]

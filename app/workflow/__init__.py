"""One workflow engine for every case that moves through states: tips, disclosure requests, notices, reported
indicator values, surveys, rewards, and the modules to come. Pure of any domain.

A `Workflow` holds the transition table {(state, step): next state} and a handler per step. Taking a step
checks the actor (required: staff as their account, the public as a `PublicParty`), the transition and the
domain's policy, runs the step's handler (which checks that step's own input and sets that step's fields),
then moves the state, writes the timeline entry and the audit entry. A handler takes a `StepContext` and
returns what the timeline should say."""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from app import audit
from app.db_types import utcnow
from app.errors import ActionRefused, StepNotAllowed

S = TypeVar("S", bound=Enum)
T = TypeVar("T", bound=Enum)


class TransitionError(ValueError):
    """A step that the object's state does not allow (pure tables; the engine raises StepNotAllowed)."""


class Transitions(Generic[S, T]):
    """A table {(state, step): next state}: what each state allows, and where each step leads."""

    def __init__(self, table: dict[tuple[S, T], S]):
        self.table = table

    def next_state(self, state: S, step: T) -> S:
        try:
            return self.table[(state, step)]
        except KeyError:
            raise TransitionError(f"{step.value} is not allowed from {state.value}") from None

    def allowed_steps(self, state: S) -> list[T]:
        return [step for (source, step) in self.table if source == state]

    def sources(self, step: T) -> frozenset[S]:
        return frozenset(source for (source, s) in self.table if s == step)


@dataclass
class StepContext(Generic[S, T]):
    """What a step handler works with. `data` holds the step's own input (from its form or the API)."""

    session: Any
    actor: Any
    case: Any
    step: T
    target: S
    rules: Any
    now: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = "") -> Any:
        value = self.data.get(name, default)
        return default if value is None else value

    def text(self, name: str) -> str:
        """A text input, trimmed ("" when absent)."""
        return str(self.data.get(name) or "").strip()


@dataclass
class Entry:
    """What a step adds to the timeline: the public entry (its name and note) and an internal note; and how the
    step is named in the audit log."""

    event: str | None = None       # the entry's name; the step's value when None
    public_note: str = ""
    internal_note: str = ""
    public: bool = True
    extra: dict[str, Any] = field(default_factory=dict)  # domain columns of the entry (a bureau…)
    audit_as: str | None = None    # the step's audit action ("tips.rate"); "<workflow>.<step>" when None
    # What the audit entry says the step did, in place of the case's snapshots before and after (a rating).
    audit_after: dict[str, Any] | None = None


Handler = Callable[[StepContext[Any, Any]], Entry | None]


def _default_entry(context: StepContext[Any, Any]) -> Entry:
    return Entry(internal_note=context.text("note"))


class Workflow(Generic[S, T]):
    """A domain's transition table with its step handlers, timeline and audit.

    name: the audit prefix ("tips" → "tips.accept").
    policy(actor, case, step): raises NotPermitted when the actor may not take the step on this case.
    record(session, case, entry_name, actor, note, public, extra): writes one timeline entry.
    refuse(case, step): the message of a step the state does not allow, raised as `not_allowed` (the domain's
    subclass of StepNotAllowed, so that its callers catch their own error).
    snapshot(case): what the audit entry records of the case before and after a step (`case.snapshot()`)."""

    def __init__(self, name: str, transitions: dict[tuple[S, T], S], *,
                 policy: Callable[[Any, Any, T], None],
                 record: Callable[..., Any],
                 refuse: Callable[[Any, T], str],
                 allowed: Callable[[Any, list[T]], list[T]] | None = None,
                 not_allowed: type[StepNotAllowed] = StepNotAllowed,
                 snapshot: Callable[[Any], Any] | None = None):
        self.name = name
        self.table = Transitions(transitions)
        self.handlers: dict[T, Handler] = {}
        self.policy = policy
        self.record = record
        self.refuse = refuse
        self.allowed = allowed
        self.not_allowed = not_allowed
        self.snapshot: Callable[[Any], Any] = snapshot or (lambda case: case.snapshot())

    def handles(self, *steps: T) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of `steps`."""
        def register(handler: Handler) -> Handler:
            for step in steps:
                if step in self.handlers:
                    raise ValueError(f"{step} has a handler already")
                self.handlers[step] = handler
            return handler
        return register

    def next_state(self, state: S, step: T) -> S:
        return self.table.next_state(state, step)

    def allowed_steps(self, case_or_state: Any) -> list[T]:
        """Steps the table allows from a state; given a case, as the domain narrows them (a paused clock…)."""
        if isinstance(case_or_state, Enum):
            return self.table.allowed_steps(case_or_state)  # type: ignore[arg-type]
        steps = self.table.allowed_steps(case_or_state.state)
        return self.allowed(case_or_state, steps) if self.allowed else steps

    def can_take(self, case: Any, step: T) -> bool:
        return step in self.allowed_steps(case)

    def take(self, session: Any, actor: Any, case: Any, step: T, *, rules: Any = None, now: datetime | None = None,
             **data: Any) -> Entry:
        """Take `step` on `case` as `actor`: policy, transition, handler, state, timeline, audit. Flushes,
        never commits; raises ActionRefused (or a subclass) with nothing changed on the case's state."""
        if actor is None:
            raise TypeError("a workflow step needs the acting user or public party")
        self.policy(actor, case, step)
        if not self.can_take(case, step):
            raise self.not_allowed(self.refuse(case, step))
        target = self.table.next_state(case.state, step)
        before = self.snapshot(case)
        context = StepContext(session, actor, case, step, target, rules, now or utcnow(), data)
        entry = self.handlers.get(step, _default_entry)(context) or Entry()
        case.state = target
        self.record(session, case, entry.event or step.value, actor=actor, note=entry.public_note,
                    public=entry.public, **entry.extra)
        if entry.internal_note:
            self.record(session, case, "note", actor=actor, note=entry.internal_note, public=False)
        session.flush()
        if entry.audit_after is not None:
            before, after = None, entry.audit_after
        else:
            after = self.snapshot(case)
        audit.record(session, entry.audit_as or f"{self.name}.{step.value}", case, actor=actor, before=before,
                     after=after, note=(entry.internal_note or entry.public_note)[:500])
        return entry

    def check(self) -> None:
        """Every handler belongs to a step of the table (run by the tests)."""
        steps = {step for (_, step) in self.table.table}
        unknown = set(self.handlers) - steps
        if unknown:
            raise ValueError(f"handlers for steps outside the table: {sorted(map(str, unknown))}")


def require(condition: bool, message: str, *, field: str | None = None,
            error: type[ActionRefused] = ActionRefused) -> None:
    """Refuse the step with `message` (beside `field`) unless `condition` holds, as the domain's `error`."""
    if not condition:
        raise error(message, field=field)


def steps_in(steps: Iterable[T], allowed: Iterable[T]) -> list[T]:
    keep = set(allowed)
    return [step for step in steps if step in keep]

"""The review workflow of a disclosure notice: states and the steps allowed between them. Pure code."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.workflow import TransitionError, Transitions  # noqa: F401 (TransitionError: part of this API)


class NoticeState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"      # waiting for a reviewer
    RETURNED = "returned"        # sent back to the author with a comment
    PUBLISHED = "published"      # approved; public from published_at (which may lie in the future)
    WITHDRAWN = "withdrawn"      # 撤回: a public stub with the reason stays

    @property
    def title(self) -> str:
        return STATE_TITLES[self]

    @property
    def editable(self) -> bool:
        """Whether the author may still change the text without a correction note."""
        return self in (NoticeState.DRAFT, NoticeState.RETURNED)


STATE_TITLES = {
    NoticeState.DRAFT: _l("Draft"),
    NoticeState.SUBMITTED: _l("Awaiting review"),
    NoticeState.RETURNED: _l("Returned to the author"),
    NoticeState.PUBLISHED: _l("Published"),
    NoticeState.WITHDRAWN: _l("Withdrawn"),
}


class Step(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    CORRECT = "correct"
    WITHDRAW = "withdraw"

    @property
    def title(self) -> str:
        return STEP_TITLES[self]


STEP_TITLES = {
    Step.SUBMIT: _l("Submit for review"),
    Step.APPROVE: _l("Approve and publish"),
    Step.RETURN: _l("Return to the author"),
    Step.CORRECT: _l("Publish a correction"),
    Step.WITHDRAW: _l("Withdraw"),
}

TRANSITIONS: dict[tuple[NoticeState, Step], NoticeState] = {
    (NoticeState.DRAFT, Step.SUBMIT): NoticeState.SUBMITTED,
    (NoticeState.RETURNED, Step.SUBMIT): NoticeState.SUBMITTED,
    (NoticeState.SUBMITTED, Step.APPROVE): NoticeState.PUBLISHED,
    (NoticeState.SUBMITTED, Step.RETURN): NoticeState.RETURNED,
    (NoticeState.PUBLISHED, Step.CORRECT): NoticeState.PUBLISHED,
    (NoticeState.PUBLISHED, Step.WITHDRAW): NoticeState.WITHDRAWN,
}

# Steps a reviewer takes (never on a notice they wrote); the author's bureau takes the others.
REVIEW_STEPS = frozenset({Step.APPROVE, Step.RETURN})
# Steps taken on a published notice only when a reviewer approves the change the bureau asked for
# (a NoticeChange): the published version stays live, unchanged, until then.
CHANGE_STEPS = frozenset({Step.CORRECT, Step.WITHDRAW})


_transitions = Transitions(TRANSITIONS)
next_state = _transitions.next_state
allowed_steps = _transitions.allowed_steps


class ChangeKind(StrEnum):
    """What a change to a published notice asks for."""

    CORRECTION = "correction"  # 更正: new texts with a public correction note
    WITHDRAWAL = "withdrawal"  # 撤回: a public stub with the reason stays

    @property
    def title(self) -> str:
        return CHANGE_KIND_TITLES[self]

    @property
    def notice_step(self) -> Step:
        """The step the notice takes when a reviewer approves this change."""
        return Step.CORRECT if self == ChangeKind.CORRECTION else Step.WITHDRAW


CHANGE_KIND_TITLES = {
    ChangeKind.CORRECTION: _l("Correction"),
    ChangeKind.WITHDRAWAL: _l("Withdrawal"),
}


class ChangeState(StrEnum):
    SUBMITTED = "submitted"  # waiting for a reviewer; the published version stays live
    RETURNED = "returned"    # sent back to the bureau with the reviewer's reason
    APPROVED = "approved"    # applied to the notice
    CANCELLED = "cancelled"  # dropped by the bureau before approval

    @property
    def title(self) -> str:
        return CHANGE_STATE_TITLES[self]

    @property
    def is_open(self) -> bool:
        return self in (ChangeState.SUBMITTED, ChangeState.RETURNED)


CHANGE_STATE_TITLES = {
    ChangeState.SUBMITTED: _l("Awaiting review"),
    ChangeState.RETURNED: _l("Returned to the author"),
    ChangeState.APPROVED: _l("Approved"),
    ChangeState.CANCELLED: _l("Cancelled"),
}


class ChangeStep(StrEnum):
    APPROVE = "approve"
    RETURN = "return"
    RESUBMIT = "resubmit"
    CANCEL = "cancel"

    @property
    def title(self) -> str:
        return CHANGE_STEP_TITLES[self]


CHANGE_STEP_TITLES = {
    ChangeStep.APPROVE: _l("Approve the change"),
    ChangeStep.RETURN: _l("Return the change to its author"),
    ChangeStep.RESUBMIT: _l("Submit the change again"),
    ChangeStep.CANCEL: _l("Cancel the change"),
}

CHANGE_TRANSITIONS: dict[tuple[ChangeState, ChangeStep], ChangeState] = {
    (ChangeState.SUBMITTED, ChangeStep.APPROVE): ChangeState.APPROVED,
    (ChangeState.SUBMITTED, ChangeStep.RETURN): ChangeState.RETURNED,
    (ChangeState.RETURNED, ChangeStep.RESUBMIT): ChangeState.SUBMITTED,
    (ChangeState.SUBMITTED, ChangeStep.CANCEL): ChangeState.CANCELLED,
    (ChangeState.RETURNED, ChangeStep.CANCEL): ChangeState.CANCELLED,
}

# Change steps a reviewer takes, never on a change they asked for; the bureau takes the others.
CHANGE_REVIEW_STEPS = frozenset({ChangeStep.APPROVE, ChangeStep.RETURN})

_change_transitions = Transitions(CHANGE_TRANSITIONS)
next_change_state = _change_transitions.next_state
allowed_change_steps = _change_transitions.allowed_steps


# What each history entry says.
EVENT_TITLES = {
    "created": _l("Draft created"),
    "submit": _l("Submitted for review"),
    "approve": _l("Approved and published"),
    "return": _l("Returned to the author"),
    "correct": _l("Corrected"),
    "withdraw": _l("Withdrawn"),
    "correct_submit": _l("Correction submitted for review"),
    "correct_return": _l("Correction returned to its author"),
    "correct_cancel": _l("Correction cancelled"),
    "withdraw_submit": _l("Withdrawal submitted for review"),
    "withdraw_return": _l("Withdrawal returned to its author"),
    "withdraw_cancel": _l("Withdrawal cancelled"),
}
# History entries of a change, by kind and step (≤ 16 characters: the column's width).
CHANGE_EVENTS = {
    (ChangeKind.CORRECTION, ChangeStep.RESUBMIT): "correct_submit",
    (ChangeKind.CORRECTION, ChangeStep.RETURN): "correct_return",
    (ChangeKind.CORRECTION, ChangeStep.CANCEL): "correct_cancel",
    (ChangeKind.WITHDRAWAL, ChangeStep.RESUBMIT): "withdraw_submit",
    (ChangeKind.WITHDRAWAL, ChangeStep.RETURN): "withdraw_return",
    (ChangeKind.WITHDRAWAL, ChangeStep.CANCEL): "withdraw_cancel",
}

"""The review workflow of a disclosure notice and of a change to a published one: states, steps and the tables
of the steps allowed between them. Pure code."""
from flask_babel import lazy_gettext as _l

from app.enums import TitledEnum
from app.workflow import TransitionError, Transitions  # noqa: F401 (TransitionError: part of this API)


class NoticeState(TitledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Awaiting review")            # waiting for a reviewer
    RETURNED = "returned", _l("Returned to the author")       # sent back to the author with a comment
    PUBLISHED = "published", _l("Published")  # approved; public from published_at (which may lie in the future)
    WITHDRAWN = "withdrawn", _l("Withdrawn")  # 撤回: a public stub with the reason stays

    @property
    def editable(self) -> bool:
        """Whether the author may still change the text without a correction note."""
        return self in (NoticeState.DRAFT, NoticeState.RETURNED)

    @property
    def has_public_page(self) -> bool:
        """Published, or withdrawn (a stub with the reason): the public page exists once its time has come."""
        return self in (NoticeState.PUBLISHED, NoticeState.WITHDRAWN)


class Step(TitledEnum):
    SUBMIT = "submit", _l("Submit for review")
    APPROVE = "approve", _l("Approve and publish")
    RETURN = "return", _l("Return to the author")
    CORRECT = "correct", _l("Publish a correction")
    WITHDRAW = "withdraw", _l("Withdraw")


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


class ChangeKind(TitledEnum):
    """What a change to a published notice asks for."""

    CORRECTION = "correction", _l("Correction")  # 更正: new texts with a public correction note
    WITHDRAWAL = "withdrawal", _l("Withdrawal")  # 撤回: a public stub with the reason stays

    @property
    def notice_step(self) -> Step:
        """The step the notice takes when a reviewer approves this change."""
        return Step.CORRECT if self == ChangeKind.CORRECTION else Step.WITHDRAW


class ChangeState(TitledEnum):
    SUBMITTED = "submitted", _l("Awaiting review")       # waiting for a reviewer; the published version stays live
    RETURNED = "returned", _l("Returned to the author")  # sent back to the bureau with the reviewer's reason
    APPROVED = "approved", _l("Approved")                # applied to the notice
    CANCELLED = "cancelled", _l("Cancelled")             # dropped by the bureau before approval

    @property
    def is_open(self) -> bool:
        return self in (ChangeState.SUBMITTED, ChangeState.RETURNED)


class ChangeStep(TitledEnum):
    APPROVE = "approve", _l("Approve the change")
    RETURN = "return", _l("Return the change to its author")
    RESUBMIT = "resubmit", _l("Submit the change again")
    CANCEL = "cancel", _l("Cancel the change")


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

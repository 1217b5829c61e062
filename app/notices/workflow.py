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


_transitions = Transitions(TRANSITIONS)
next_state = _transitions.next_state
allowed_steps = _transitions.allowed_steps


# What each history entry says.
EVENT_TITLES = {
    "created": _l("Draft created"),
    "submit": _l("Submitted for review"),
    "approve": _l("Approved and published"),
    "return": _l("Returned to the author"),
    "correct": _l("Corrected"),
    "withdraw": _l("Withdrawn"),
}

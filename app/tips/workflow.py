"""The handling workflow of a pollution tip: states and the steps allowed between them. Pure code."""
from typing import Any

from flask_babel import lazy_gettext as _l

from app.enums import TitledEnum
from app.workflow import TransitionError, Transitions  # noqa: F401 (TransitionError: part of this API)


class TipState(TitledEnum):
    SUBMITTED = "submitted", _l("Received, awaiting acceptance")
    ACCEPTED = "accepted", _l("Accepted")
    NOT_ACCEPTED = "not_accepted", _l("Not accepted")
    ASSIGNED = "assigned", _l("Assigned to a bureau")              # 交办 to a bureau
    INVESTIGATING = "investigating", _l("Being investigated")
    CONCLUDED = "concluded", _l("Concluded")  # 办结, waiting for the reporter's rating or request for a review
    # 复查: the higher body answers within its own deadline (信访工作条例 art. 35)
    REVIEWING = "reviewing", _l("Under review (复查)")
    REVIEWED = "reviewed", _l("Review opinion given")  # the reporter may ask for a re-review
    RE_REVIEWING = "re_reviewing", _l("Under re-review (复核)")  # by the body above the reviewer (art. 36)
    RE_REVIEWED = "re_reviewed", _l("Re-review opinion given")  # final within the petition system
    CLOSED = "closed", _l("Closed")
    # a duplicate handled as part of another tip, whose outcome it shares
    MERGED = "merged", _l("Handled together with another report")

    @property
    def is_open(self) -> bool:
        return self not in (TipState.NOT_ACCEPTED, TipState.CLOSED, TipState.MERGED)


class Step(TitledEnum):
    ACCEPT = "accept", _l("Accept")
    REJECT = "reject", _l("Do not accept")
    ASSIGN = "assign", _l("Assign to a bureau")
    TRANSFER = "transfer", _l("Transfer to another bureau")
    INVESTIGATE = "investigate", _l("Start investigating")
    CONCLUDE = "conclude", _l("Conclude")
    RATE_SATISFIED = "rate_satisfied", _l("Satisfied")
    # not satisfied, without asking for a review: the case closes
    RATE_UNSATISFIED = "rate_unsatisfied", _l("Not satisfied")
    REQUEST_REVIEW = "request_review", _l("Ask for a review")  # the reporter asks for 复查 after the conclusion
    REQUEST_RE_REVIEW = "request_re_review", _l("Ask for a re-review")  # and for 复核 after the review opinion
    ANSWER_REVIEW = "answer_review", _l("Give the review opinion")  # the higher body's 复查 / 复核 opinion
    CLOSE = "close", _l("Close")
    MERGE = "merge", _l("Merge into another tip")  # into another open tip about the same pollution


TRANSITIONS: dict[tuple[TipState, Step], TipState] = {
    (TipState.SUBMITTED, Step.ACCEPT): TipState.ACCEPTED,
    (TipState.SUBMITTED, Step.REJECT): TipState.NOT_ACCEPTED,
    (TipState.ACCEPTED, Step.ASSIGN): TipState.ASSIGNED,
    (TipState.ASSIGNED, Step.TRANSFER): TipState.ASSIGNED,
    (TipState.INVESTIGATING, Step.TRANSFER): TipState.ASSIGNED,
    (TipState.ASSIGNED, Step.INVESTIGATE): TipState.INVESTIGATING,
    (TipState.INVESTIGATING, Step.CONCLUDE): TipState.CONCLUDED,
    # 信访工作条例 arts. 35–36: not satisfied with the reply, the reporter may ask for a review (复查), and not
    # satisfied with the review opinion, for a re-review (复核); each runs on its own 30-day deadline.
    # The office may close an answered case before the reporter replies; the 30 days to ask still run.
    (TipState.CONCLUDED, Step.REQUEST_REVIEW): TipState.REVIEWING,
    (TipState.CLOSED, Step.REQUEST_REVIEW): TipState.REVIEWING,
    (TipState.REVIEWING, Step.ANSWER_REVIEW): TipState.REVIEWED,
    (TipState.REVIEWED, Step.REQUEST_RE_REVIEW): TipState.RE_REVIEWING,
    (TipState.CLOSED, Step.REQUEST_RE_REVIEW): TipState.RE_REVIEWING,
    (TipState.RE_REVIEWING, Step.ANSWER_REVIEW): TipState.RE_REVIEWED,
    **{(state, step): TipState.CLOSED
       for state in (TipState.CONCLUDED, TipState.REVIEWED, TipState.RE_REVIEWED)
       for step in (Step.RATE_SATISFIED, Step.RATE_UNSATISFIED, Step.CLOSE)},
    **{(state, Step.MERGE): TipState.MERGED
       for state in (TipState.SUBMITTED, TipState.ACCEPTED, TipState.ASSIGNED, TipState.INVESTIGATING)},
}

# Steps the public reporter takes (through the private status page); all others are staff steps.
REPORTER_STEPS = frozenset({Step.RATE_SATISFIED, Step.RATE_UNSATISFIED, Step.REQUEST_REVIEW, Step.REQUEST_RE_REVIEW})
RATING_STEPS = frozenset({Step.RATE_SATISFIED, Step.RATE_UNSATISFIED})
REVIEW_REQUEST_STEPS = frozenset({Step.REQUEST_REVIEW, Step.REQUEST_RE_REVIEW})
# Steps only the office that receives tips (admins) takes; bureau handlers take the rest for their bureau.
# The review is answered by the body above the one that concluded: here the office, never the bureau itself.
OFFICE_STEPS = frozenset({Step.ACCEPT, Step.REJECT, Step.ASSIGN, Step.TRANSFER, Step.CLOSE, Step.MERGE,
                          Step.ANSWER_REVIEW})
# The states after a written answer (conclusion or review opinion), those in which the handling deadline runs,
# and those in which a review runs.
ANSWERED_STATES = frozenset({TipState.CONCLUDED, TipState.REVIEWED, TipState.RE_REVIEWED})
HANDLING_STATES = frozenset({TipState.ACCEPTED, TipState.ASSIGNED, TipState.INVESTIGATING})
REVIEW_STATES = frozenset({TipState.REVIEWING, TipState.RE_REVIEWING})
# A case whose investigation is over (reward and exposure follow a verified one).
VERIFIED_STATES = frozenset({TipState.CONCLUDED, TipState.REVIEWING, TipState.REVIEWED, TipState.RE_REVIEWING,
                             TipState.RE_REVIEWED, TipState.CLOSED})


class Finding(TitledEnum):
    """The verdict of the investigation, recorded on concluding (查处结果: 属实 / 部分属实 / 不属实)."""

    SUBSTANTIATED = "substantiated", _l("Substantiated (属实)")
    PARTLY = "partly", _l("Partly substantiated (部分属实)")
    UNSUBSTANTIATED = "unsubstantiated", _l("Not substantiated (不属实)")

    @property
    def verified(self) -> bool:
        """A reward needs the report to be verified, wholly or in part."""
        return self != Finding.UNSUBSTANTIATED


class Rating(TitledEnum):
    """The reporter's final answer to the handling."""

    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"


class ExtensionState(TitledEnum):
    """A handler's one request for more time (信访工作条例 art. 34), and the office's decision."""

    REQUESTED = "requested", _l("Extension requested")
    APPROVED = "approved", _l("Extension approved")
    REFUSED = "refused", _l("Extension refused")


class RewardState(TitledEnum):
    """有奖举报: a real-name, verified tip may earn a reward; the reporter sees its state."""

    ELIGIBLE = "eligible", _l("Eligible for a reward")
    GRANTED = "granted", _l("Reward granted")
    PAID = "paid", _l("Reward paid")
    DECLINED = "declined", _l("No reward")

    @property
    def has_amount(self) -> bool:
        return self in (RewardState.GRANTED, RewardState.PAID)


# The reward's way: each step names the state it leads to; None is a tip no reward was decided for yet.
REWARD_TRANSITIONS: Transitions[Any, RewardState] = Transitions({
    (None, RewardState.ELIGIBLE): RewardState.ELIGIBLE,
    (None, RewardState.DECLINED): RewardState.DECLINED,
    (RewardState.ELIGIBLE, RewardState.GRANTED): RewardState.GRANTED,
    (RewardState.ELIGIBLE, RewardState.DECLINED): RewardState.DECLINED,
    (RewardState.GRANTED, RewardState.PAID): RewardState.PAID,
})
# Amounts are granted by the office (生态办), not by the bureau that handled the case.
OFFICE_REWARD_STATES = frozenset({RewardState.GRANTED})


# Steps with a form of their own on the case page (they need more than a note).
OWN_FORM_STEPS = frozenset({Step.MERGE})


_transitions = Transitions(TRANSITIONS)
next_state = _transitions.next_state
allowed_steps = _transitions.allowed_steps


# What each timeline entry says (public entries never carry personal data).
EVENT_TITLES = {
    "submitted": _l("Report received"),
    "accept": _l("Accepted"),
    "reject": _l("Not accepted"),
    "assign": _l("Assigned to a bureau"),
    "transfer": _l("Transferred to another bureau"),
    "investigate": _l("Investigation started"),
    "conclude": _l("Concluded"),
    "close": _l("Closed"),
    "rated_satisfied": _l("The reporter is satisfied"),
    "rated_unsatisfied": _l("The reporter is not satisfied: the case is reviewed"),  # before 复查 had its own step
    "review_requested": _l("The reporter asked for a review (复查)"),
    "re_review_requested": _l("The reporter asked for a re-review (复核)"),
    "review_reason": _l("The reporter's reasons for the review"),
    "review_answered": _l("Review opinion (复查意见)"),
    "answer_review": _l("Review opinion (复查意见)"),  # the step's own name; the entries say which level
    "re_review_answered": _l("Re-review opinion (复核意见)"),
    "rated_unsatisfied_closed": _l("The reporter is not satisfied; the case is closed"),
    "rating_comment": _l("The reporter's comment"),
    "extension_requested": _l("Extension requested"),
    "extension_approved": _l("Deadline extended"),
    "extension_refused": _l("Extension refused"),
    "note": _l("Internal note"),
    "merge": _l("Handled together with another report about the same pollution"),
    "merged_in": _l("Another report about the same pollution was merged into this one"),
    "possible_duplicate": _l("Possibly the same pollution as another open report"),
    "reward": _l("Reward for reporting"),
    "exposed": _l("Published on the exposure board"),
    "exposure_withdrawn": _l("Withdrawn from the exposure board"),
    "escalated": _l("Escalated for supervision (督办)"),
    "comment_received": _l("Comment from the public, received through Open311 (not public until staff publish it)"),
    "comment": _l("Comment from the public"),
}

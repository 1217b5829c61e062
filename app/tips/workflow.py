"""The handling workflow of a pollution tip: states and the steps allowed between them. Pure code."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.workflow import TransitionError, Transitions  # noqa: F401 (TransitionError: part of this API)


class TipState(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    ASSIGNED = "assigned"            # 交办 to a bureau
    INVESTIGATING = "investigating"
    CONCLUDED = "concluded"          # 办结, waiting for the reporter's rating or request for a review
    REVIEWING = "reviewing"          # 复查: the higher body answers within its own deadline (信访工作条例 art. 35)
    REVIEWED = "reviewed"            # the review opinion is given; the reporter may ask for a re-review
    RE_REVIEWING = "re_reviewing"    # 复核 by the body above the reviewer (art. 36)
    RE_REVIEWED = "re_reviewed"      # the re-review opinion is given: final within the petition system
    CLOSED = "closed"
    MERGED = "merged"                # a duplicate handled as part of another tip, whose outcome it shares

    @property
    def title(self) -> str:
        return STATE_TITLES[self]

    @property
    def is_open(self) -> bool:
        return self not in (TipState.NOT_ACCEPTED, TipState.CLOSED, TipState.MERGED)


STATE_TITLES = {
    TipState.SUBMITTED: _l("Received, awaiting acceptance"),
    TipState.ACCEPTED: _l("Accepted"),
    TipState.NOT_ACCEPTED: _l("Not accepted"),
    TipState.ASSIGNED: _l("Assigned to a bureau"),
    TipState.INVESTIGATING: _l("Being investigated"),
    TipState.CONCLUDED: _l("Concluded"),
    TipState.REVIEWING: _l("Under review (复查)"),
    TipState.REVIEWED: _l("Review opinion given"),
    TipState.RE_REVIEWING: _l("Under re-review (复核)"),
    TipState.RE_REVIEWED: _l("Re-review opinion given"),
    TipState.CLOSED: _l("Closed"),
    TipState.MERGED: _l("Handled together with another report"),
}


class Step(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    ASSIGN = "assign"
    TRANSFER = "transfer"
    INVESTIGATE = "investigate"
    CONCLUDE = "conclude"
    RATE_SATISFIED = "rate_satisfied"
    RATE_UNSATISFIED = "rate_unsatisfied"  # not satisfied, without asking for a review: the case closes
    REQUEST_REVIEW = "request_review"      # the reporter asks for 复查 after the conclusion
    REQUEST_RE_REVIEW = "request_re_review"  # and for 复核 after the review opinion
    ANSWER_REVIEW = "answer_review"        # the higher body gives its 复查 / 复核 opinion
    CLOSE = "close"
    MERGE = "merge"  # into another open tip about the same pollution

    @property
    def title(self) -> str:
        return STEP_TITLES[self]


STEP_TITLES = {
    Step.ACCEPT: _l("Accept"),
    Step.REJECT: _l("Do not accept"),
    Step.ASSIGN: _l("Assign to a bureau"),
    Step.TRANSFER: _l("Transfer to another bureau"),
    Step.INVESTIGATE: _l("Start investigating"),
    Step.CONCLUDE: _l("Conclude"),
    Step.RATE_SATISFIED: _l("Satisfied"),
    Step.RATE_UNSATISFIED: _l("Not satisfied"),
    Step.REQUEST_REVIEW: _l("Ask for a review"),
    Step.REQUEST_RE_REVIEW: _l("Ask for a re-review"),
    Step.ANSWER_REVIEW: _l("Give the review opinion"),
    Step.CLOSE: _l("Close"),
    Step.MERGE: _l("Merge into another tip"),
}

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
# Steps only the office that receives tips (admins) takes; bureau handlers take the rest for their bureau.
# The review is answered by the body above the one that concluded: here the office, never the bureau itself.
OFFICE_STEPS = frozenset({Step.ACCEPT, Step.REJECT, Step.ASSIGN, Step.TRANSFER, Step.CLOSE, Step.MERGE,
                          Step.ANSWER_REVIEW})
# The states after a written answer (conclusion or review opinion), and those in which a review runs.
ANSWERED_STATES = frozenset({TipState.CONCLUDED, TipState.REVIEWED, TipState.RE_REVIEWED})
REVIEW_STATES = frozenset({TipState.REVIEWING, TipState.RE_REVIEWING})


class Finding(StrEnum):
    """The verdict of the investigation, recorded on concluding (查处结果: 属实 / 部分属实 / 不属实)."""

    SUBSTANTIATED = "substantiated"
    PARTLY = "partly"
    UNSUBSTANTIATED = "unsubstantiated"

    @property
    def title(self) -> str:
        return FINDING_TITLES[self]

    @property
    def verified(self) -> bool:
        """A reward needs the report to be verified, wholly or in part."""
        return self != Finding.UNSUBSTANTIATED


FINDING_TITLES = {
    Finding.SUBSTANTIATED: _l("Substantiated (属实)"),
    Finding.PARTLY: _l("Partly substantiated (部分属实)"),
    Finding.UNSUBSTANTIATED: _l("Not substantiated (不属实)"),
}
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

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
    CONCLUDED = "concluded"          # 办结, waiting for the reporter's rating
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
    RATE_UNSATISFIED = "rate_unsatisfied"  # asks for a review once: back to investigating
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
    (TipState.CONCLUDED, Step.RATE_SATISFIED): TipState.CLOSED,
    (TipState.CONCLUDED, Step.RATE_UNSATISFIED): TipState.INVESTIGATING,
    (TipState.CONCLUDED, Step.CLOSE): TipState.CLOSED,
    **{(state, Step.MERGE): TipState.MERGED
       for state in (TipState.SUBMITTED, TipState.ACCEPTED, TipState.ASSIGNED, TipState.INVESTIGATING)},
}

# Steps the public reporter takes (through the private status page); all others are staff steps.
REPORTER_STEPS = frozenset({Step.RATE_SATISFIED, Step.RATE_UNSATISFIED})
# Steps only the office that receives tips (admins) takes; bureau handlers take the rest for their bureau.
OFFICE_STEPS = frozenset({Step.ACCEPT, Step.REJECT, Step.ASSIGN, Step.TRANSFER, Step.CLOSE, Step.MERGE})
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
    "rated_unsatisfied": _l("The reporter is not satisfied: the case is reviewed"),
    "rated_unsatisfied_closed": _l("The reporter is still not satisfied after the review; the case is closed"),
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

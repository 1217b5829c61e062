"""The handling workflow of a disclosure request (政府信息公开条例 arts. 29–39) and the art. 36 reply types.
Pure code."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.workflow import TransitionError, Transitions  # noqa: F401 (TransitionError: part of this API)


class RequestState(StrEnum):
    RECEIVED = "received"
    REGISTERED = "registered"                      # 登记: the 20-working-day clock runs
    COMPLETION_REQUESTED = "completion_requested"  # 补正: waiting for the applicant (art. 30)
    EXTENDED = "extended"                          # 延期 once, with a reason (art. 33)
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"                        # by the applicant
    REDIRECTED = "redirected"                      # a complaint, sent to the tip channel (art. 39)

    @property
    def title(self) -> str:
        return STATE_TITLES[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES

    @property
    def is_finished(self) -> bool:
        """Handled to the end (answered, withdrawn, redirected or closed): no deadline runs any more."""
        return not self.is_open


STATE_TITLES = {
    RequestState.RECEIVED: _l("Received, awaiting registration"),
    RequestState.REGISTERED: _l("Registered, being handled"),
    RequestState.COMPLETION_REQUESTED: _l("Waiting for the applicant to complete the application"),
    RequestState.EXTENDED: _l("Being handled, deadline extended"),
    RequestState.ANSWERED: _l("Answered"),
    RequestState.CLOSED: _l("Closed"),
    RequestState.WITHDRAWN: _l("Withdrawn by the applicant"),
    RequestState.REDIRECTED: _l("Redirected to the pollution tip channel"),
}
OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.REGISTERED, RequestState.COMPLETION_REQUESTED,
                         RequestState.EXTENDED})


class Step(StrEnum):
    REGISTER = "register"
    REQUEST_COMPLETION = "request_completion"
    COMPLETE = "complete"            # the applicant sends the completed application
    ABANDON = "abandon"              # not completed in time: treated as abandoned (art. 30)
    EXTEND = "extend"
    ANSWER = "answer"
    CLOSE = "close"
    WITHDRAW = "withdraw"            # the applicant
    REDIRECT = "redirect"            # to the tip channel (art. 39)
    CONSULT = "consult"              # the clock pauses while a third party or another agency is consulted
    RESUME = "resume"                # the consultation is over: the clock runs again (arts. 32–34)

    @property
    def title(self) -> str:
        return STEP_TITLES[self]


STEP_TITLES = {
    Step.REGISTER: _l("Register"),
    Step.REQUEST_COMPLETION: _l("Ask the applicant to complete the application"),
    Step.COMPLETE: _l("Send the completed application"),
    Step.ABANDON: _l("Close as abandoned (not completed in time)"),
    Step.EXTEND: _l("Extend the deadline"),
    Step.ANSWER: _l("Answer the request"),
    Step.CLOSE: _l("Close"),
    Step.WITHDRAW: _l("Withdraw the application"),
    Step.REDIRECT: _l("Close as a complaint redirected to the tip channel"),
    Step.CONSULT: _l("Consult a third party or another agency (the time limit pauses)"),
    Step.RESUME: _l("Consultation finished: the time limit runs again"),
}

TRANSITIONS: dict[tuple[RequestState, Step], RequestState] = {
    (RequestState.RECEIVED, Step.REGISTER): RequestState.REGISTERED,
    (RequestState.RECEIVED, Step.REDIRECT): RequestState.REDIRECTED,
    (RequestState.REGISTERED, Step.REDIRECT): RequestState.REDIRECTED,
    (RequestState.REGISTERED, Step.REQUEST_COMPLETION): RequestState.COMPLETION_REQUESTED,
    (RequestState.COMPLETION_REQUESTED, Step.COMPLETE): RequestState.REGISTERED,
    (RequestState.COMPLETION_REQUESTED, Step.ABANDON): RequestState.CLOSED,
    (RequestState.REGISTERED, Step.EXTEND): RequestState.EXTENDED,
    (RequestState.REGISTERED, Step.ANSWER): RequestState.ANSWERED,
    (RequestState.EXTENDED, Step.ANSWER): RequestState.ANSWERED,
    (RequestState.ANSWERED, Step.CLOSE): RequestState.CLOSED,
    (RequestState.RECEIVED, Step.WITHDRAW): RequestState.WITHDRAWN,
    (RequestState.REGISTERED, Step.WITHDRAW): RequestState.WITHDRAWN,
    (RequestState.COMPLETION_REQUESTED, Step.WITHDRAW): RequestState.WITHDRAWN,
    (RequestState.EXTENDED, Step.WITHDRAW): RequestState.WITHDRAWN,
    # A consultation keeps the state; the request is paused meanwhile (see steps_while_paused).
    (RequestState.REGISTERED, Step.CONSULT): RequestState.REGISTERED,
    (RequestState.EXTENDED, Step.CONSULT): RequestState.EXTENDED,
    (RequestState.REGISTERED, Step.RESUME): RequestState.REGISTERED,
    (RequestState.EXTENDED, Step.RESUME): RequestState.EXTENDED,
}

# Steps the applicant takes on the tracking page; every other step is a staff step.
APPLICANT_STEPS = frozenset({Step.COMPLETE, Step.WITHDRAW})


_transitions = Transitions(TRANSITIONS)
next_state = _transitions.next_state

# While a consultation runs (arts. 32–34) the request waits for the opinion: it can be resumed, withdrawn by
# the applicant or redirected, nothing else; when none runs there is nothing to resume.
STEPS_WHILE_PAUSED = frozenset({Step.RESUME, Step.WITHDRAW, Step.REDIRECT})


def allowed_steps(state: RequestState, *, paused: bool = False) -> list[Step]:
    """The steps the state allows, given whether a consultation has paused the clock."""
    steps = _transitions.allowed_steps(state)
    if paused:
        return [s for s in steps if s in STEPS_WHILE_PAUSED]
    return [s for s in steps if s != Step.RESUME]


class ConsultationKind(StrEnum):
    THIRD_PARTY = "third_party"        # art. 32: its opinion within 15 working days
    OTHER_AGENCY = "other_agency"      # art. 34: the co-producing agency's opinion within 15 working days

    @property
    def title(self) -> str:
        return {"third_party": _l("A third party (art. 32)"),
                "other_agency": _l("Another agency (art. 34)")}[self.value]


# Days the consulted party has for its opinion (arts. 32 and 34: 15 working days).
OPINION_DAYS = 15


class ReplyType(StrEnum):
    """The seven ways of answering in art. 36 of the regulation (partial disclosure, art. 37, is a flag on
    DISCLOSED)."""

    ALREADY_PUBLIC = "already_public"      # (一) already public: say how to obtain it
    DISCLOSED = "disclosed"                # (二) 予以公开: provided, or how and when to obtain it
    NOT_DISCLOSED = "not_disclosed"        # (三) 不予公开, with the legal ground
    NOT_EXIST = "not_exist"                # (四) 信息不存在 / 无法提供
    NOT_THIS_AGENCY = "not_this_agency"    # (五) 不属于本机关负责公开, naming the competent body
    DUPLICATE = "duplicate"                # (六) 重复申请, not handled again
    SPECIAL_REGIME = "special_regime"      # (七) registers with their own access rules (工商、不动产登记资料…)

    @property
    def title(self) -> str:
        return REPLY_TITLES[self]


REPLY_TITLES = {
    ReplyType.ALREADY_PUBLIC: _l("Already made public: how to obtain it"),
    ReplyType.DISCLOSED: _l("Disclosed"),
    ReplyType.NOT_DISCLOSED: _l("Not disclosed"),
    ReplyType.NOT_EXIST: _l("The information does not exist"),
    ReplyType.NOT_THIS_AGENCY: _l("Not disclosed by this agency"),
    ReplyType.DUPLICATE: _l("Duplicate application"),
    ReplyType.SPECIAL_REGIME: _l("Obtainable under special rules (registers)"),
}


def reply_requirements(reply_type: ReplyType, *, partial: bool, legal_ground: str, competent_body: str) -> list[str]:
    """What the chosen reply type still needs (names of the missing items); empty when complete."""
    missing = []
    if reply_type == ReplyType.NOT_DISCLOSED and not legal_ground.strip():
        missing.append("legal_ground")
    if reply_type == ReplyType.DISCLOSED and partial and not legal_ground.strip():
        missing.append("legal_ground")  # art. 37: say on what ground the withheld part is withheld
    if reply_type == ReplyType.NOT_THIS_AGENCY and not competent_body.strip():
        missing.append("competent_body")
    if partial and reply_type != ReplyType.DISCLOSED:
        missing.append("partial")
    return missing


# What each timeline entry says (public entries never carry personal data).
EVENT_TITLES = {
    "submitted": _l("Application received"),
    "register": _l("Registered"),
    "request_completion": _l("The applicant was asked to complete the application"),
    "complete": _l("Completed application received: the deadline counts again from today"),
    "abandon": _l("Closed: the application was not completed in time"),
    "extend": _l("Deadline extended"),
    "answer": _l("Answered"),
    "close": _l("Closed"),
    "withdraw": _l("Withdrawn by the applicant"),
    "redirect": _l("Redirected to the pollution tip channel"),
    "consult": _l("Time limit paused: a third party or another agency is consulted (arts. 32–34)"),
    "resume": _l("Consultation finished: the time limit runs again"),
    "note": _l("Internal note"),
}

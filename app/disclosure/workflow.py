"""The handling workflow of a disclosure request (政府信息公开条例 arts. 29–39), the art. 36 reply types and the
domain's errors. Pure code."""
from flask_babel import lazy_gettext as _l

from app.enums import TitledEnum
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.workflow import TransitionError, Transitions  # noqa: F401 (TransitionError: part of this API)


class DisclosureError(ActionRefused):
    """A request action that cannot be done; the message is for the user, `field` the form field it is about."""


class DisclosureNotPermitted(DisclosureError, NotPermitted):
    """The actor may not act on this request, or not take this step (audited where refused)."""


class DisclosureStepNotAllowed(DisclosureError, StepNotAllowed):
    """The request's state (or a running consultation) does not allow the step."""


class RequestState(TitledEnum):
    RECEIVED = "received", _l("Received, awaiting registration")
    REGISTERED = "registered", _l("Registered, being handled")  # 登记: the 20-working-day clock runs
    # 补正: waiting for the applicant (art. 30)
    COMPLETION_REQUESTED = "completion_requested", _l("Waiting for the applicant to complete the application")
    EXTENDED = "extended", _l("Being handled, deadline extended")  # 延期 once, with a reason (art. 33)
    ANSWERED = "answered", _l("Answered")
    CLOSED = "closed", _l("Closed")
    WITHDRAWN = "withdrawn", _l("Withdrawn by the applicant")
    # A complaint, sent to the tip channel (art. 39).
    REDIRECTED = "redirected", _l("Redirected to the pollution tip channel")

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES

    @property
    def is_finished(self) -> bool:
        """Handled to the end (answered, withdrawn, redirected or closed): no deadline runs any more."""
        return not self.is_open


OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.REGISTERED, RequestState.COMPLETION_REQUESTED,
                         RequestState.EXTENDED})


class Step(TitledEnum):
    REGISTER = "register", _l("Register")
    REQUEST_COMPLETION = "request_completion", _l("Ask the applicant to complete the application")
    # The applicant sends the completed application.
    COMPLETE = "complete", _l("Send the completed application")
    # Not completed in time: treated as abandoned (art. 30).
    ABANDON = "abandon", _l("Close as abandoned (not completed in time)")
    EXTEND = "extend", _l("Extend the deadline")
    ANSWER = "answer", _l("Answer the request")
    CLOSE = "close", _l("Close")
    WITHDRAW = "withdraw", _l("Withdraw the application")  # the applicant
    REDIRECT = "redirect", _l("Close as a complaint redirected to the tip channel")  # to the tip channel (art. 39)
    # The clock pauses while a third party or another agency is consulted.
    CONSULT = "consult", _l("Consult a third party or another agency (the time limit pauses)")
    # The consultation is over: the clock runs again (arts. 32–34).
    RESUME = "resume", _l("Consultation finished: the time limit runs again")


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


def narrow(steps: list[Step], *, paused: bool) -> list[Step]:
    """The steps of the table that remain, given whether a consultation has paused the clock."""
    if paused:
        return [s for s in steps if s in STEPS_WHILE_PAUSED]
    return [s for s in steps if s != Step.RESUME]


def allowed_steps(state: RequestState, *, paused: bool = False) -> list[Step]:
    """The steps the state allows, given whether a consultation has paused the clock."""
    return narrow(_transitions.allowed_steps(state), paused=paused)


class ConsultationKind(TitledEnum):
    # Art. 32: its opinion within 15 working days.
    THIRD_PARTY = "third_party", _l("A third party (art. 32)")
    # Art. 34: the co-producing agency's opinion within 15 working days.
    OTHER_AGENCY = "other_agency", _l("Another agency (art. 34)")


# Days the consulted party has for its opinion (arts. 32 and 34: 15 working days).
OPINION_DAYS = 15


class ReplyType(TitledEnum):
    """The seven ways of answering in art. 36 of the regulation (partial disclosure, art. 37, is a flag on
    DISCLOSED)."""

    # (一) already public: say how to obtain it
    ALREADY_PUBLIC = "already_public", _l("Already made public: how to obtain it")
    DISCLOSED = "disclosed", _l("Disclosed")  # (二) 予以公开: provided, or how and when to obtain it
    NOT_DISCLOSED = "not_disclosed", _l("Not disclosed")  # (三) 不予公开, with the legal ground
    NOT_EXIST = "not_exist", _l("The information does not exist")  # (四) 信息不存在 / 无法提供
    # (五) 不属于本机关负责公开, naming the competent body
    NOT_THIS_AGENCY = "not_this_agency", _l("Not disclosed by this agency")
    DUPLICATE = "duplicate", _l("Duplicate application")  # (六) 重复申请, not handled again
    # (七) registers with their own access rules (工商、不动产登记资料…)
    SPECIAL_REGIME = "special_regime", _l("Obtainable under special rules (registers)")


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

"""Writes for disclosure requests: the application, the handling steps with their working-day deadlines, the
applicant's completion and withdrawal, and every look at the applicant's identity. Flush, audit, return;
never commit."""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

from app.casework import codes, identity
from app.casework.actors import APPLICANT, is_public
from app.casework.deadlines import DeadlineRules
from app.casework.timeline import add_entry
from app.db_types import utcnow
from app.disclosure import policy
from app.disclosure.models import (ApplicantType, DisclosureConsultation, DisclosureDocument, DisclosureEvent,
                                   DisclosureRequest)
from app.disclosure.policy import can_handle  # noqa: F401  (part of this module's interface)
from app.disclosure.queries import working_days_taken  # noqa: F401  (part of this module's interface)
from app.disclosure.report_template import OrganisationKind, reply_outcome
from app.disclosure.screening import looks_like_complaint
from app.disclosure.workflow import (OPINION_DAYS, TRANSITIONS, ConsultationKind, DisclosureError,
                                     DisclosureStepNotAllowed, ReplyType, RequestState, Step, narrow,
                                     reply_requirements)
from app.errors import StepNotAllowed
from app.notifications import services as notifications
from app.notifications.case_messages import DISCLOSURE_UPDATED
from app.notifications.models import Subject
from app.web import uploads
from app.workflow import Entry, StepContext, Workflow

DOCUMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "png", "jpeg"})


@dataclass
class Rules(DeadlineRules):
    """Deadlines of the regulation in working days on the holiday calendar (arts. 30 and 33)."""

    working_days: bool = True
    answer_days: int = 20
    extension_max_days: int = 20
    completion_request_days: int = 7   # the agency asks for completion within 7 working days of receipt
    # Art. 30 gives the applicant "a reasonable period" (合理的补正期限), set by the staff for each request; the
    # regulation sets no number, so this is only the largest period the form accepts (a local choice).
    completion_max_days: int = 60


@dataclass
class Application:
    applicant_type: str
    name: str
    phone: str
    address: str
    bureau_id: int
    description: str
    delivery_form: str
    delivery_method: str
    id_type: str = ""
    id_number: str = ""
    credit_code: str = ""
    legal_representative: str = ""
    organisation_kind: str = ""  # an OrganisationKind, for organisations
    email: str = ""
    purpose: str = ""


@dataclass
class Reply:
    reply_type: ReplyType
    text: str
    partial: bool = False
    legal_ground: str = ""
    competent_body: str = ""
    outcome: str = ""  # the yearly report's row (report_template.Outcome); required for a refusal


def mask_id(number: str) -> str:
    """An ID number as shown to the applicant: the first 4 and last 4 characters only."""
    number = number or ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _record(session, request: DisclosureRequest, step: str, *, actor=None, note: str = "", public: bool = True):
    """One line of the request's timeline; a public line that staff add (every step the applicant sees) tells the
    applicant who asked for updates."""
    entry = add_entry(session, DisclosureEvent, step, actor=actor, note=note, public=public, request=request)
    if public and step != "submitted" and not is_public(actor):  # the applicant's own steps are no news to them
        notifications.announce(session, DISCLOSURE_UPDATED, subject=Subject.DISCLOSURE, subject_id=request.id,
                               entry=step, state=request.state.value)
    return entry


def submit_request(session, data: Application, rules: Rules, secret: str,
                   now: datetime | None = None) -> tuple[DisclosureRequest, str]:
    """Store an application and return it with the tracking code (shown once, stored only as a keyed hash).

    An online application is received on the day the automatic acknowledgement confirms it (art. 31)."""
    now = now or utcnow()
    code = codes.new_code()
    received = rules.local_date(now)
    organisation = data.applicant_type == ApplicantType.ORGANISATION
    request = DisclosureRequest(
        code_hash=codes.digest(code, secret), state=RequestState.RECEIVED, bureau_id=data.bureau_id,
        applicant_type=data.applicant_type, name=data.name,
        id_type="" if organisation else data.id_type, id_number="" if organisation else data.id_number,
        credit_code=data.credit_code if organisation else "",
        legal_representative=data.legal_representative if organisation else "",
        organisation_kind=(data.organisation_kind or OrganisationKind.OTHER) if organisation else None,
        phone=data.phone, address=data.address, email=data.email, description=data.description,
        purpose=data.purpose, delivery_form=data.delivery_form, delivery_method=data.delivery_method,
        looks_like_complaint=looks_like_complaint(data.description), submitted_at=now, received_on=received,
        clock_start=received, answer_due=rules.due(received, rules.answer_days))
    session.add(request)
    session.flush()
    _record(session, request, "submitted")
    session.flush()
    return request, code


def _refusal(request: DisclosureRequest, step: Step) -> str:
    if request.paused:
        return _("A consultation is running: record its end before this step.")
    return _("This step is not possible while the request is “%(state)s”.", state=request.state.title)


WORKFLOW: Workflow[RequestState, Step] = Workflow(
    "disclosure", TRANSITIONS, policy=policy.check_step, record=_record, refuse=_refusal,
    allowed=lambda request, steps: narrow(steps, paused=request.paused))

# The input each step may be given (besides `note`, which every staff step takes).
STEP_INPUT = frozenset({"note", "days", "reply", "documents", "upload_dir", "max_document_bytes", "consult_kind",
                        "party", "text"})


def _take(session, actor, request: DisclosureRequest, step: Step, rules: Rules, now: datetime | None, **data):
    unknown = set(data) - STEP_INPUT
    if unknown:
        raise TypeError(f"unknown step input: {sorted(unknown)}")
    try:
        WORKFLOW.take(session, actor, request, step, rules=rules, now=now, **data)
    except StepNotAllowed as error:
        if isinstance(error, DisclosureError):
            raise
        raise DisclosureStepNotAllowed(str(error), field=error.field) from error


def take_step(session, actor, request: DisclosureRequest, step: Step, rules: Rules, *, now: datetime | None = None,
              **data) -> None:
    """Move a request one staff step on, with the checks each step needs, a timeline entry and an audit entry.

    note: an internal note (the applicant's instructions for REQUEST_COMPLETION, the reason for EXTEND);
    days: the extension (EXTEND) or the applicant's completion period (REQUEST_COMPLETION), in working days;
    consult_kind, party: whom a CONSULT step asks for an opinion;
    reply, documents, upload_dir, max_document_bytes: the ANSWER, with its documents as (bytes, original file
    name) pairs, checked by content before anything is stored."""
    _take(session, actor, request, step, rules, now, **data)


def _today(context: StepContext) -> date:
    return context.rules.local_date(context.now)


@WORKFLOW.handles(Step.REGISTER)
def _register(context: StepContext) -> Entry:
    context.case.registered_at = context.now
    return Entry(internal_note=context.text("note"))


@WORKFLOW.handles(Step.REQUEST_COMPLETION)
def _request_completion(context: StepContext) -> Entry:
    request, rules, today, note = context.case, context.rules, _today(context), context.text("note")
    days = context.data.get("days")
    if request.completion_requested_on is not None:
        raise DisclosureError(_("The applicant can be asked to complete the application only once."))
    if today > rules.due(request.received_on, rules.completion_request_days):
        raise DisclosureError(_("The request to complete must be sent within %(n)d working days of receipt.",
                                n=rules.completion_request_days))
    if not note:
        raise DisclosureError(_("Say what the applicant must add or make clearer."), field="note")
    if days is None or not 1 <= days <= rules.completion_max_days:
        # Art. 30: a reasonable period, decided for this request.
        raise DisclosureError(_("Give the applicant between 1 and %(n)d working days to complete the "
                                "application.", n=rules.completion_max_days), field="days")
    request.completion_requested_on = today
    request.completion_due = rules.due(today, days)
    request.completion_request = note
    return Entry(public_note=note)


@WORKFLOW.handles(Step.ABANDON)
def _abandon(context: StepContext) -> Entry:
    request, today = context.case, _today(context)
    if request.completion_due is None or today <= request.completion_due:
        raise DisclosureError(_("The applicant still has time to complete the application."))
    request.finished_on = today
    return Entry(internal_note=context.text("note"))


@WORKFLOW.handles(Step.EXTEND)
def _extend(context: StepContext) -> Entry:
    """The head's approval is the policy's to check (policy.may_extend); the rest is art. 33's once and 20 days."""
    request, rules, note, days = context.case, context.rules, context.text("note"), context.data.get("days")
    if request.extension_days is not None:
        raise DisclosureError(_("The deadline can be extended only once."))
    if days is None or not 1 <= days <= rules.extension_max_days:
        raise DisclosureError(_("An extension is between 1 and %(n)d working days.", n=rules.extension_max_days),
                              field="days")
    if not note:
        raise DisclosureError(_("Give the reason for the extension; the applicant is told."), field="note")
    request.extension_days, request.extension_reason = days, note
    request.extension_approved_by_id, request.extension_approved_at = context.actor.id, context.now
    request.answer_due = rules.due(request.answer_due, days)
    return Entry(public_note=note)


@WORKFLOW.handles(Step.CONSULT)
def _consult(context: StepContext) -> Entry:
    kind, party, today = context.get("consult_kind"), context.text("party"), _today(context)
    if kind not in ConsultationKind.values():
        raise DisclosureError(_("Choose whom you consult: a third party or another agency."), field="consult_kind")
    if not party:
        raise DisclosureError(_("Name the third party or agency you consult."), field="party")
    if len(party) > 200:
        raise DisclosureError(_("Write the name in at most 200 characters."), field="party")
    kind = ConsultationKind(kind)
    context.case.paused_on = today
    context.session.add(DisclosureConsultation(request=context.case, kind=kind, party=party, started_on=today,
                                               opinion_due=context.rules.due(today, OPINION_DAYS),
                                               started_by_id=context.actor.id))
    # Whom was consulted stays internal: the public entry says only that the clock stopped.
    return Entry(internal_note="; ".join(filter(None, [f"{kind.title}: {party}", context.text("note")])))


@WORKFLOW.handles(Step.RESUME)
def _resume(context: StepContext) -> Entry:
    public_note = _end_pause(context.case, _today(context), context.rules, context.actor)
    return Entry(public_note=public_note, internal_note=context.text("note"))


@WORKFLOW.handles(Step.ANSWER)
def _answer_step(context: StepContext) -> Entry:
    _answer(context.session, context.case, context.data.get("reply"), list(context.get("documents", ())),
            context.get("upload_dir"), context.get("max_document_bytes", 10 * 1024 * 1024), context.now,
            _today(context))
    return Entry(internal_note=context.text("note"))


@WORKFLOW.handles(Step.REDIRECT)
def _redirect(context: StepContext) -> Entry:
    _end_pause(context.case, _today(context), context.rules, context.actor)
    context.case.finished_on = _today(context)
    return Entry(internal_note=context.text("note"))


@WORKFLOW.handles(Step.COMPLETE)
def _complete(context: StepContext) -> Entry:
    """The applicant's completion: the 20 working days count again from today (art. 30)."""
    request, rules, today, text = context.case, context.rules, _today(context), context.text("text")
    if len(text) < 5:
        raise DisclosureError(_("Write what you add to your application (at least 5 characters)."))
    request.completion_text, request.completed_on = text, today
    request.clock_start = today
    request.answer_due = rules.due(today, rules.answer_days)
    request.paused_days = 0  # the clock starts afresh: days paused before the completion are not deducted again
    return Entry()


@WORKFLOW.handles(Step.WITHDRAW)
def _withdraw(context: StepContext) -> Entry:
    _end_pause(context.case, _today(context), context.rules, context.actor)
    context.case.finished_on = _today(context)
    return Entry()


def _end_pause(request: DisclosureRequest, today: date, rules: Rules, actor) -> str:
    """End a running consultation: its working days are not counted (arts. 32–34), so the answer is due that
    many working days later. Returns the public note saying so; empty when nothing was paused."""
    if request.paused_on is None:
        return ""
    # Not counted: the working days after the day the consultation was sent, up to the day it ended.
    skipped = max(rules.days_between(request.paused_on, today), 0)
    running = next((c for c in request.consultations if c.ended_on is None), None)
    if running is not None:
        running.ended_on, running.days_not_counted = today, skipped
        running.ended_by_id = actor.id
    request.paused_on = None
    request.paused_days = (request.paused_days or 0) + skipped
    request.answer_due = rules.due(request.answer_due, skipped)
    return _("%(n)d working days not counted; the answer is now due by %(date)s.", n=skipped,
             date=request.answer_due.isoformat())


def _checked_documents(documents: list, max_bytes: int) -> list[tuple]:
    """(data, name, kind) of each document, every one checked by content before any is stored."""
    checked = []
    for data, name in documents:
        try:
            kind = uploads.check(data, name, accepted=DOCUMENT_KINDS, max_bytes=max_bytes)
        except uploads.UploadError as error:
            if str(error) in ("pixels", "unreadable"):
                raise DisclosureError(_("%(name)s: this image is too large in pixels or cannot be read.",
                                        name=name)) from error
            raise DisclosureError(_("%(name)s: send PDF, Word, Excel, PNG or JPEG files within the size limit.",
                                    name=name), field="documents") from error
        checked.append((data, name, kind))
    return checked


def _answer(session, request, reply: Reply | None, documents: list, upload_dir: str, max_bytes: int, now,
            today) -> None:
    if reply is None or not reply.text.strip():
        raise DisclosureError(_("Choose the reply type and write the reply."),
                              field="reply_type" if reply is None else "reply_text")
    missing = reply_requirements(reply.reply_type, partial=reply.partial, legal_ground=reply.legal_ground,
                                 competent_body=reply.competent_body)
    if "partial" in missing:
        raise DisclosureError(_("Only a disclosure can be partial."), field="partial")
    if "legal_ground" in missing:
        raise DisclosureError(_("Give the legal ground for what is not disclosed."), field="legal_ground")
    if "competent_body" in missing:
        raise DisclosureError(_("Name the body that is responsible for disclosing this information."),
                              field="competent_body")
    outcome = reply_outcome(reply.reply_type, partial=reply.partial, chosen=reply.outcome)
    if outcome is None:  # 国办公开办函〔2021〕30号, table 三: every answer counts in one fixed reason row
        if reply.outcome:
            raise DisclosureError(_("This row of the yearly report does not fit the reply type."), field="outcome")
        raise DisclosureError(_("Choose the reason this answer counts under in the yearly report."),
                              field="outcome")
    for data, name, kind in _checked_documents(documents, max_bytes):
        stored = uploads.store(data, name, kind, upload_dir)
        session.add(DisclosureDocument(request=request, stored_name=stored.stored_name,
                                       original_name=stored.original_name, kind=kind, size=stored.size,
                                       sha256=stored.sha256))
    request.reply_type, request.partial, request.outcome = reply.reply_type, reply.partial, outcome
    request.reply_text = reply.text.strip()
    request.legal_ground, request.competent_body = reply.legal_ground.strip(), reply.competent_body.strip()
    request.answered_at, request.answered_on, request.finished_on = now, today, today


def complete(session, request: DisclosureRequest, text: str, rules: Rules, now: datetime | None = None) -> None:
    """The applicant sends the completed application: the 20 working days count again from today (art. 30)."""
    _take(session, APPLICANT, request, Step.COMPLETE, rules, now, text=text)


def withdraw(session, request: DisclosureRequest, rules: Rules, now: datetime | None = None) -> None:
    """The applicant withdraws the application."""
    _take(session, APPLICANT, request, Step.WITHDRAW, rules, now)


def reveal_applicant(session, actor, request: DisclosureRequest) -> dict:
    """The applicant's identity for a handler of the request; every look is audited."""
    policy.require_handler(actor, request)
    return identity.reveal(session, actor, request, "disclosure.applicant_viewed", {
        "type": request.applicant_type, "name": request.name, "id_type": request.id_type,
        "id_number": request.id_number, "credit_code": request.credit_code,
        "legal_representative": request.legal_representative, "phone": request.phone,
        "address": request.address, "email": request.email})

"""Writes for disclosure requests: the application, the handling steps with their working-day deadlines, the
applicant's completion and withdrawal, and every look at the applicant's identity. Flush, audit, return;
never commit."""
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app import audit
from app.accounts.permissions import Permission, Role
from app.db_types import utcnow
from app.disclosure.models import DisclosureConsultation, DisclosureDocument, DisclosureEvent, DisclosureRequest
from app.disclosure.report_template import OrganisationKind, reply_outcome
from app.disclosure.queries import working_days_taken  # noqa: F401  (part of this module's interface)
from app.disclosure.screening import looks_like_complaint
from app.disclosure.workflow import (APPLICANT_STEPS, OPINION_DAYS, ConsultationKind, ReplyType, RequestState, Step,
                                     TransitionError, allowed_steps, next_state, reply_requirements)
from app.tips.services import new_code  # noqa: F401  (the same 16-character codes as tips: 31^16 possibilities)
from app.web import uploads
from app.workdays.days import add_days, days_left

DOCUMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "png", "jpeg"})


class DisclosureError(Exception):
    """A request action that cannot be done; the message is for the user, `field` the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class Rules:
    """Deadlines of the regulation in working days on the holiday calendar (arts. 30 and 33)."""

    answer_days: int = 20
    extension_max_days: int = 20
    completion_request_days: int = 7   # the agency asks for completion within 7 working days of receipt
    # Art. 30 gives the applicant "a reasonable period" (合理的补正期限), set by the staff for each request; the
    # regulation sets no number, so this is only the largest period the form accepts (a local choice).
    completion_max_days: int = 60
    overrides: dict = field(default_factory=dict)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))

    def due(self, start: date, days: int) -> date:
        return add_days(start, days, working=True, overrides=self.overrides)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


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


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:40]


def code_hash(code: str, secret: str) -> str:
    """A keyed hash: a stolen database alone does not let anyone test guessed codes."""
    return hmac.new(secret.encode(), normalise_code(code).encode(), hashlib.sha256).hexdigest()


def mask_id(number: str) -> str:
    """An ID number as shown to the applicant: the first 4 and last 4 characters only."""
    number = number or ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _event(session, request: DisclosureRequest, step: str, *, actor=None, note: str = "", public: bool = True):
    session.add(DisclosureEvent(request=request, step=step, public=public, note=note,
                                actor_id=getattr(actor, "id", None), at=utcnow()))


def submit_request(session, data: Application, rules: Rules, secret: str,
                   now: datetime | None = None) -> tuple[DisclosureRequest, str]:
    """Store an application and return it with the tracking code (shown once, stored only as a keyed hash).

    An online application is received on the day the automatic acknowledgement confirms it (art. 31)."""
    now = now or utcnow()
    code = new_code()
    received = rules.local_date(now)
    organisation = data.applicant_type == "organisation"
    request = DisclosureRequest(
        code_hash=code_hash(code, secret), state=RequestState.RECEIVED.value, bureau_id=data.bureau_id,
        applicant_type=data.applicant_type, name=data.name,
        id_type="" if organisation else data.id_type, id_number="" if organisation else data.id_number,
        credit_code=data.credit_code if organisation else "",
        legal_representative=data.legal_representative if organisation else "",
        organisation_kind=(data.organisation_kind or OrganisationKind.OTHER.value) if organisation else None,
        phone=data.phone, address=data.address, email=data.email, description=data.description,
        purpose=data.purpose, delivery_form=data.delivery_form, delivery_method=data.delivery_method,
        looks_like_complaint=looks_like_complaint(data.description), submitted_at=now, received_on=received,
        clock_start=received, answer_due=rules.due(received, rules.answer_days))
    session.add(request)
    session.flush()
    _event(session, request, "submitted")
    session.flush()
    return request, code


def can_handle(user, request: DisclosureRequest) -> bool:
    """Admins handle every request; a handler (bureau editor) only those addressed to their own bureau."""
    if not user.active or not user.can(Permission.DISCLOSURE_HANDLE):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.bureau_id is not None and request.bureau_id == user.bureau_id


def _move(request: DisclosureRequest, step: Step) -> RequestState:
    try:
        if step not in allowed_steps(request.state_enum, paused=request.paused):
            if request.paused:
                raise DisclosureError(_("A consultation is running: record its end before this step."))
            raise TransitionError(step.value)
        return next_state(request.state_enum, step)
    except TransitionError as error:
        raise DisclosureError(_("This step is not possible while the request is “%(state)s”.",
                                state=request.state_enum.title)) from error


def take_step(session, actor, request: DisclosureRequest, step: Step, rules: Rules, *, note: str = "",
              days: int | None = None, reply: Reply | None = None, documents=(), upload_dir: str = "",
              max_document_bytes: int = 10 * 1024 * 1024, now: datetime | None = None,
              consult_kind: str = "", party: str = "") -> None:
    """Move a request one staff step on, with the checks each step needs, a timeline entry and an audit entry.

    days: the extension (EXTEND) or the applicant's completion period (REQUEST_COMPLETION), in working days.
    consult_kind, party: whom a CONSULT step asks for an opinion.
    documents: (bytes, original file name) pairs, checked by content before anything is stored."""
    now = now or utcnow()
    today = rules.local_date(now)
    if not can_handle(actor, request):
        raise DisclosureError(_("You cannot act on this request."))
    if step in APPLICANT_STEPS:
        raise DisclosureError(_("Only the applicant can do this, on the tracking page."))
    target = _move(request, step)
    before = request.snapshot()
    note = (note or "").strip()
    public_note = ""
    if step == Step.REGISTER:
        request.registered_at = now
    elif step == Step.REQUEST_COMPLETION:
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
        request.completion_request = public_note = note
        note = ""
    elif step == Step.ABANDON:
        if request.completion_due is None or today <= request.completion_due:
            raise DisclosureError(_("The applicant still has time to complete the application."))
        request.finished_on = today
    elif step == Step.EXTEND:
        if not actor.can(Permission.DISCLOSURE_APPROVE_EXTENSION):
            # Art. 33: 经政府信息公开工作机构负责人同意.
            raise DisclosureError(_("An extension needs the approval of the head of the disclosure office "
                                    "(art. 33): ask them to extend the deadline."))
        if request.extension_days is not None:
            raise DisclosureError(_("The deadline can be extended only once."))
        if days is None or not 1 <= days <= rules.extension_max_days:
            raise DisclosureError(_("An extension is between 1 and %(n)d working days.", n=rules.extension_max_days),
                                  field="days")
        if not note:
            raise DisclosureError(_("Give the reason for the extension; the applicant is told."), field="note")
        request.extension_days, request.extension_reason = days, note
        request.extension_approved_by_id, request.extension_approved_at = actor.id, now
        request.answer_due = rules.due(request.answer_due, days)
        public_note, note = note, ""
    elif step == Step.CONSULT:
        if consult_kind not in {k.value for k in ConsultationKind}:
            raise DisclosureError(_("Choose whom you consult: a third party or another agency."),
                                  field="consult_kind")
        party = (party or "").strip()
        if not party:
            raise DisclosureError(_("Name the third party or agency you consult."), field="party")
        if len(party) > 200:
            raise DisclosureError(_("Write the name in at most 200 characters."), field="party")
        request.paused_on = today
        session.add(DisclosureConsultation(request=request, kind=consult_kind, party=party, started_on=today,
                                           opinion_due=rules.due(today, OPINION_DAYS),
                                           started_by_id=getattr(actor, "id", None)))
        note = "; ".join(filter(None, [ConsultationKind(consult_kind).title + ": " + party, note]))
    elif step == Step.RESUME:
        public_note = _end_pause(request, today, rules, actor)
    elif step == Step.ANSWER:
        _answer(session, request, reply, list(documents), upload_dir, max_document_bytes, now, today)
    elif step == Step.REDIRECT:
        _end_pause(request, today, rules, actor)
        request.finished_on = today
    request.state = target.value
    _event(session, request, step.value, actor=actor, note=public_note)
    if note:
        _event(session, request, "note", actor=actor, note=note, public=False)
    session.flush()
    audit.record(session, f"disclosure.{step.value}", request, actor=actor, before=before,
                 after=request.snapshot(), note=(note or public_note)[:500])


def _end_pause(request: DisclosureRequest, today: date, rules: Rules, actor=None) -> str:
    """End a running consultation: its working days are not counted (arts. 32–34), so the answer is due that
    many working days later. Returns the public note saying so; empty when nothing was paused."""
    if request.paused_on is None:
        return ""
    # Not counted: the working days after the day the consultation was sent, up to the day it ended.
    skipped = max(days_left(request.paused_on, today, working=True, overrides=rules.overrides), 0)
    running = next((c for c in request.consultations if c.ended_on is None), None)
    if running is not None:
        running.ended_on, running.days_not_counted = today, skipped
        running.ended_by_id = getattr(actor, "id", None)
    request.paused_on = None
    request.paused_days = (request.paused_days or 0) + skipped
    request.answer_due = rules.due(request.answer_due, skipped)
    return _("%(n)d working days not counted; the answer is now due by %(date)s.", n=skipped,
             date=request.answer_due.isoformat())


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
    for data, name, kind in checked:
        stored = uploads.store(data, name, kind, upload_dir)
        session.add(DisclosureDocument(request=request, stored_name=stored.stored_name,
                                       original_name=stored.original_name, kind=kind, size=stored.size,
                                       sha256=stored.sha256))
    request.reply_type, request.partial, request.outcome = reply.reply_type.value, reply.partial, outcome.value
    request.reply_text = reply.text.strip()
    request.legal_ground, request.competent_body = reply.legal_ground.strip(), reply.competent_body.strip()
    request.answered_at, request.answered_on, request.finished_on = now, today, today


def complete(session, request: DisclosureRequest, text: str, rules: Rules, now: datetime | None = None) -> None:
    """The applicant sends the completed application: the 20 working days count again from today (art. 30)."""
    now = now or utcnow()
    today = rules.local_date(now)
    target = _move(request, Step.COMPLETE)
    text = (text or "").strip()
    if len(text) < 5:
        raise DisclosureError(_("Write what you add to your application (at least 5 characters)."))
    before = request.snapshot()
    request.completion_text, request.completed_on = text, today
    request.clock_start = today
    request.answer_due = rules.due(today, rules.answer_days)
    request.paused_days = 0  # the clock starts afresh: days paused before the completion are not deducted again
    request.state = target.value
    _event(session, request, Step.COMPLETE.value)
    session.flush()
    audit.record(session, "disclosure.complete", request, actor=None, before=before, after=request.snapshot())


def withdraw(session, request: DisclosureRequest, rules: Rules, now: datetime | None = None) -> None:
    """The applicant withdraws the application."""
    now = now or utcnow()
    target = _move(request, Step.WITHDRAW)
    before = request.snapshot()
    _end_pause(request, rules.local_date(now), rules)
    request.state, request.finished_on = target.value, rules.local_date(now)
    _event(session, request, Step.WITHDRAW.value)
    session.flush()
    audit.record(session, "disclosure.withdraw", request, actor=None, before=before, after=request.snapshot())


def reveal_applicant(session, actor, request: DisclosureRequest) -> dict:
    """The applicant's identity for a handler of the request; every look is audited."""
    if not can_handle(actor, request):
        raise DisclosureError(_("You cannot act on this request."))
    audit.record(session, "disclosure.applicant_viewed", request, actor=actor)
    return {"type": request.applicant_type, "name": request.name, "id_type": request.id_type,
            "id_number": request.id_number, "credit_code": request.credit_code,
            "legal_representative": request.legal_representative, "phone": request.phone,
            "address": request.address, "email": request.email}



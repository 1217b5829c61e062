"""Residents' objections to a task's closure (rectification-ledgers.md §9): taken only during the public notice
(from its first to its last day, city time), with the text, an optional name, a contact (a phone number or an
e-mail address) and an optional evidence file; they go to the office, never to the public pages. The objector
gets a personal code, shown once and stored as a keyed digest, to read the answer on a private page. The office
dismisses an objection (not sustained, with an answer) or sustains it (the SUSTAIN_OBJECTION step: back to
rectification). The public timeline says only that an objection was received or answered. Writes flush, never
commit."""
import re
from dataclasses import dataclass
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app import audit
from app.casework import codes, identity
from app.casework.actors import PublicParty
from app.db_types import utcnow
from app.errors import ActionRefused
from app.rectification import closure, policy
from app.rectification.closure import ClosureError, ClosureRules, Upload
from app.rectification.models import (EvidencePurpose, InspectionRound, Objection, ObjectionState, RectificationTask,
                                      RoundState)
from app.rectification.workflow import Step, TaskState

OBJECTOR = PublicParty("objector")
TEXT_MAX, NAME_MAX, CONTACT_MAX, ANSWER_MAX = 3000, 60, 120, 2000

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")  # area code (010, 0571…) and a 7–8 digit number
_PHONE_CHARACTERS = re.compile(r"[\d\s()+\-]+")


class ObjectionError(ActionRefused):
    """An objection refused: outside the notice, or its input (the message says which)."""


@dataclass
class ObjectionInput:
    """What a resident sends: the name is optional; the contact (never public) is how the office answers."""

    text: str
    contact: str
    name: str = ""
    file: Upload | None = None


def normalise_contact(typed: str | None) -> str | None:
    """A mainland mobile or landline number (with its area code) as digits, or an e-mail address as the
    validator normalises it; None when it is neither."""
    typed = (typed or "").strip()
    if not typed:
        return None
    if "@" in typed:
        try:
            return validate_email(typed, check_deliverability=False).normalized
        except EmailNotValidError:
            return None
    if not _PHONE_CHARACTERS.fullmatch(typed):
        return None
    digits = re.sub(r"\D", "", typed)
    if typed.startswith("+") or digits.startswith("0086"):  # the country code: +86 138…, 0086 10 1234 5678
        digits = digits.removeprefix("00")
        if not digits.startswith("86"):
            return None
        digits = digits[2:]
        if not _MOBILE.fullmatch(digits):
            digits = "0" + digits  # a landline's area code loses its 0 after the country code
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    return None


def in_notice(task: RectificationTask, today: date) -> bool:
    """Whether objections are taken today: the task is in public notice and today is within its dates."""
    return (task.state == TaskState.IN_NOTICE and task.notice_starts_on is not None
            and task.notice_ends_on is not None and task.notice_starts_on <= today <= task.notice_ends_on)


def window_refusal(task: RectificationTask, today: date) -> str | None:
    """Why no objection is taken today (None when one is)."""
    if in_notice(task, today):
        return None
    if task.state == TaskState.IN_NOTICE and task.notice_starts_on and task.notice_ends_on:
        return _("Objections to this task's closure are taken from %(start)s to %(end)s.",
                 start=format_date(task.notice_starts_on), end=format_date(task.notice_ends_on))
    return _("This task is not in public notice: objections are taken only while its closure is published for "
             "public notice.")


def public_task(session, code: str) -> RectificationTask | None:
    """A task of a published round by its public code (None otherwise)."""
    return session.scalar(select(RectificationTask).join(InspectionRound)
                          .where(RectificationTask.code == code, InspectionRound.state == RoundState.PUBLISHED))


def submit_objection(session, task: RectificationTask, data: ObjectionInput, key: str, *, rules: ClosureRules,
                     upload_dir: str, max_bytes: int, now: datetime | None = None) -> tuple[Objection, str]:
    """Store an objection sent during the notice, with its optional evidence (never public), and give the
    personal code, shown once. The public timeline says only that an objection was received."""
    now = now or utcnow()
    refusal = window_refusal(task, rules.local_date(now))
    if refusal:
        raise ObjectionError(refusal)
    text, name = data.text.strip(), data.name.strip()
    if not text:
        raise ObjectionError(_("Write your objection: what is not rectified, and where."), field="text")
    if len(text) > TEXT_MAX:
        raise ObjectionError(_("Your objection is at most %(n)d characters.", n=TEXT_MAX), field="text")
    if len(name) > NAME_MAX:
        raise ObjectionError(_("At most %(n)d characters.", n=NAME_MAX), field="name")
    if not data.contact.strip():
        raise ObjectionError(_("Give a phone number or an e-mail address: the office answers you there."),
                             field="contact")
    contact = normalise_contact(data.contact)
    if contact is None or len(contact) > CONTACT_MAX:
        raise ObjectionError(_("Enter a mobile or landline number with its area code, or an e-mail address."),
                             field="contact")
    checked = closure.check_files([data.file], max_bytes, field="file") if data.file is not None else []
    code = codes.new_code()
    row = Objection(task_id=task.id, code_digest=codes.digest(code, key), state=ObjectionState.OPEN, text=text,
                    name=name, contact=contact, received_at=now)
    session.add(row)
    session.flush()
    if checked:
        closure.store_evidence(session, OBJECTOR, task, checked, EvidencePurpose.OBJECTION, upload_dir,
                               objection=row)
    closure.record(session, task, "objection_received")
    session.flush()
    audit.record(session, "rectification.objection_submit", row, actor=OBJECTOR, after=row.audit_state())
    return row, code


def find_by_code(session, code: str, key: str) -> Objection | None:
    """The objection a personal code belongs to (None for an unknown code)."""
    digest = codes.digest(code, key)
    row = session.scalar(select(Objection).where(Objection.code_digest == digest))
    return row if row is not None and codes.same(row.code_digest, digest) else None


def _answer(answer: str) -> str:
    answer = answer.strip()
    if not answer:
        raise ClosureError(_("Write the answer to the objector."), field="answer")
    if len(answer) > ANSWER_MAX:
        raise ClosureError(_("At most %(n)d characters.", n=ANSWER_MAX), field="answer")
    return answer


def dismiss_objection(session, actor, objection: Objection, answer: str, *, now: datetime | None = None) -> Objection:
    """Not sustained: the answer for the objector (on their page); the public timeline says an objection was
    answered and not sustained. The office only."""
    policy.require_office(actor)
    if objection.state != ObjectionState.OPEN:
        raise ClosureError(_("This objection has been answered already."))
    answer = _answer(answer)
    before = objection.audit_state()
    objection.state, objection.answer = ObjectionState.DISMISSED, answer
    objection.answered_by_id, objection.answered_at = actor.id, now or utcnow()
    closure.record(session, objection.task, "objection_dismissed", actor=actor)
    session.flush()
    audit.record(session, "rectification.objection_dismiss", objection, actor=actor, before=before,
                 after=objection.audit_state())
    return objection


def sustain_objection(session, actor, objection: Objection, answer: str, *, note: str = "",
                      rules: ClosureRules | None = None, now: datetime | None = None) -> Objection:
    """Sustained: answered, and the task goes back to rectification (the SUSTAIN_OBJECTION step)."""
    closure.take_step(session, actor, objection.task, Step.SUSTAIN_OBJECTION, rules=rules, now=now,
                      objection=objection, answer=answer, note=note)
    return objection


def reveal_contact(session, actor, objection: Objection) -> dict[str, str]:
    """The objector's name and contact, for the office only; every look is audited."""
    policy.require_office(actor)
    return identity.reveal(session, actor, objection, "rectification.objection_contact_viewed",
                           {"name": objection.name, "contact": objection.contact})


def of_task(session, task: RectificationTask) -> list[Objection]:
    """A task's objections, open ones first, then newest first (for the office)."""
    return list(session.scalars(select(Objection).where(Objection.task_id == task.id)
                                .order_by((Objection.state == ObjectionState.OPEN).desc(),
                                          Objection.received_at.desc(), Objection.id.desc())))


def open_queue() -> Select:
    """Open objections of every task, oldest first (the office's queue)."""
    return (select(Objection).options(selectinload(Objection.task))
            .where(Objection.state == ObjectionState.OPEN).order_by(Objection.received_at, Objection.id))


def open_counts(session, task_ids: list[int]) -> dict[int, int]:
    """How many objections are open for each of these tasks."""
    if not task_ids:
        return {}
    rows = session.execute(select(Objection.task_id, func.count(Objection.id))
                           .where(Objection.task_id.in_(task_ids), Objection.state == ObjectionState.OPEN)
                           .group_by(Objection.task_id))
    return {task_id: int(count) for task_id, count in rows}

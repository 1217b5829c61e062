"""Closing a rectification task (销号) on the one workflow engine: the lead unit applies with what was done and
the evidence; the office checks it and records the acceptance (验收, at one level or several: district
acceptance, then city review); the closure is published for a public notice (公示) of the round's number of
calendar or working days, during which residents may object (objections.py); after the notice, with no objection
open, the office closes the task; a closed task may be reopened (反弹) with a reason.

Each step: the policy (policy.check), the transition (workflow.TRANSITIONS), then its handler here (its own
input, its fields), a timeline entry (public, without personal data; an internal note where given) and an audit
entry. Writes flush and never commit."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit
from app.casework.deadlines import DeadlineRules
from app.casework.timeline import add_entry
from app.db_types import utcnow
from app.errors import ActionRefused, StepNotAllowed
from app.i18n import site_zone
from app.rectification import policy, status
from app.rectification.models import (Acceptance, AcceptanceLevel, EvidencePurpose, InspectionRound, Objection,
                                      ObjectionState, RectificationTask, TaskEvent, TaskEvidence)
from app.rectification.workflow import RECTIFYING, TRANSITIONS, Step, TaskState
from app.web import uploads
from app.workdays.models import overrides
from app.workflow import Entry, StepContext, Workflow

# Evidence files: documents, spreadsheets and photos, recognised by their content.
EVIDENCE_KINDS = frozenset({"pdf", "png", "jpeg", "webp", "docx", "xlsx"})
MAX_FILES = 10
COMPLETION_MAX, REASON_MAX, OPINION_MAX, BODY_MAX, NOTE_MAX = 5000, 2000, 2000, 200, 2000
LOCALES = ("zh_hans", "zh_hant", "en")

# What the timeline says of each entry this part writes (the step's value, or the entry's own name).
EVENT_TITLES = {
    Step.APPLY_CLOSURE.value: _l("Closure applied for by the lead unit"),
    Step.RETURN_APPLICATION.value: _l("Closure application returned to the lead unit"),
    Step.ACCEPT.value: _l("Acceptance passed: closure to be published for public notice"),
    Step.FAIL_ACCEPTANCE.value: _l("Acceptance not passed: back to rectification"),
    Step.START_NOTICE.value: _l("Closure published for public notice; objections are taken"),
    Step.SUSTAIN_OBJECTION.value: _l("An objection was sustained: back to rectification"),
    Step.CLOSE.value: _l("Task closed"),
    Step.REOPEN.value: _l("Task reopened for further rectification"),
    f"acceptance_{AcceptanceLevel.DISTRICT.value}": _l("District acceptance passed"),
    f"acceptance_{AcceptanceLevel.CITY.value}": _l("City review passed"),
    f"acceptance_{AcceptanceLevel.PROVINCIAL.value}": _l("Provincial review passed"),
    "objection_received": _l("An objection was received"),
    "objection_dismissed": _l("An objection was answered: not sustained"),
    "note": _l("Note"),
}


class ClosureError(ActionRefused):
    """A closure step or record refused for its input or the task's circumstances (the message says which)."""


class ClosureStepNotAllowed(StepNotAllowed):
    """A closure step the task's state does not allow."""


@dataclass
class ClosureRules(DeadlineRules):
    """The calendar of a round's closure notices: its number of days, calendar or working (with the holiday
    calendar), in the city's time zone; and how often the units report, for reports resuming after a step back."""

    notice_days: int = 7
    report_interval_months: int = 1

    def notice_end(self, start: date) -> date:
        """The last day of a notice of `notice_days` days, the start day counted as its first (when it is a
        working day, for a notice in working days): 7 days from 1 May end on 7 May."""
        return self.due(start - timedelta(days=1), self.notice_days)


def closure_rules(session, round_: InspectionRound, *, zone: ZoneInfo | None = None) -> ClosureRules:
    """The closure rules of `round_`: its notice period, the site's holiday calendar and time zone."""
    working = bool(round_.notice_working_days)
    return ClosureRules(working_days=working, overrides=overrides(session) if working else {},
                        zone=zone or site_zone(), notice_days=round_.notice_days,
                        report_interval_months=round_.report_interval_months)


@dataclass(frozen=True)
class Upload:
    """A file as sent: its name and bytes (checked by content before anything is stored)."""

    name: str
    data: bytes


def record(session, task: RectificationTask, step: str, *, actor=None, note: str = "", public: bool = True,
           bureau_id: int | None = None) -> TaskEvent:
    """Append an entry to the task's timeline (public entries never carry personal data)."""
    entry: TaskEvent = add_entry(session, TaskEvent, step, actor=actor, note=note, public=public, task=task,
                                 bureau_id=bureau_id)
    return entry


def _refuse(task: RectificationTask, step: Step) -> str:
    """What a step the task's state does not allow says, for each step and state."""
    state = task.state
    if state == TaskState.CLOSED and step != Step.REOPEN:
        return _("The task is closed; the office can reopen it if the problem has come back.")
    if step == Step.APPLY_CLOSURE:
        if state == TaskState.CLOSURE_REQUESTED:
            return _("Closure has been applied for already; the application awaits the office's check.")
        return _("The task is in the closure procedure already (“%(state)s”).", state=state.title)
    if step in (Step.RETURN_APPLICATION, Step.ACCEPT, Step.FAIL_ACCEPTANCE):
        if state in RECTIFYING:
            return _("The lead unit has not applied for closure: there is no application to check.")
        return _("The application has been checked already (“%(state)s”).", state=state.title)
    if step == Step.START_NOTICE:
        if state == TaskState.IN_NOTICE:
            return _("The public notice is running already.")
        return _("The closure can be published for public notice only after a passed acceptance.")
    if step == Step.SUSTAIN_OBJECTION:
        return _("Objections are decided on while the task is in public notice.")
    if step == Step.CLOSE:
        return _("A task can be closed only after its acceptance and a public notice without a sustained "
                 "objection (now: “%(state)s”).", state=state.title)
    return _("Only a closed task can be reopened.")


CLOSURE_WORKFLOW: Workflow[TaskState, Step] = Workflow(
    "rectification", TRANSITIONS, policy=policy.check, record=record, refuse=_refuse,
    not_allowed=ClosureStepNotAllowed, snapshot=lambda task: task.snapshot())


# --- reads -------------------------------------------------------------------------------------------------------

def application_started_at(session, task: RectificationTask) -> datetime | None:
    """When the lead unit last applied for closure (None if it never did)."""
    return session.scalar(select(func.max(TaskEvent.at)).where(TaskEvent.task_id == task.id,
                                                               TaskEvent.step == Step.APPLY_CLOSURE.value))


def current_acceptances(session, task: RectificationTask) -> list[Acceptance]:
    """The acceptance records of the current application (recorded since the last one), in order."""
    started = application_started_at(session, task)
    if started is None:
        return []
    return list(session.scalars(select(Acceptance).where(Acceptance.task_id == task.id,
                                                         Acceptance.recorded_at >= started)
                                .order_by(Acceptance.recorded_at, Acceptance.id)))


def acceptances(session, task: RectificationTask) -> list[Acceptance]:
    """Every acceptance record of the task, newest first."""
    return list(session.scalars(select(Acceptance).where(Acceptance.task_id == task.id)
                                .order_by(Acceptance.recorded_at.desc(), Acceptance.id.desc())))


def evidence(session, task: RectificationTask, *purposes: EvidencePurpose) -> list[TaskEvidence]:
    """The task's evidence files of these purposes, newest first."""
    return list(session.scalars(select(TaskEvidence).where(TaskEvidence.task_id == task.id,
                                                           TaskEvidence.purpose.in_(purposes))
                                .order_by(TaskEvidence.created_at.desc(), TaskEvidence.id.desc())))


def open_objection_count(session, task: RectificationTask) -> int:
    return int(session.scalar(select(func.count(Objection.id)).where(
        Objection.task_id == task.id, Objection.state == ObjectionState.OPEN)) or 0)


def open_subtask_codes(session, task: RectificationTask) -> list[str]:
    return list(session.scalars(select(RectificationTask.code).where(
        RectificationTask.parent_id == task.id, RectificationTask.state != TaskState.CLOSED)
        .order_by(RectificationTask.code)))


def closable_from(task: RectificationTask) -> date | None:
    """The first day the task may be closed: the day after its notice ends (None outside a notice)."""
    return task.notice_ends_on + timedelta(days=1) if task.notice_ends_on else None


# --- evidence ----------------------------------------------------------------------------------------------------

def check_files(files: Sequence[Upload], max_bytes: int, *, field: str) -> list[tuple[Upload, str]]:
    """Every file checked by its content before anything is stored: (upload, kind), or a ClosureError naming
    the file, beside `field`."""
    if len(files) > MAX_FILES:
        raise ClosureError(_("Send at most %(n)d files at once.", n=MAX_FILES), field=field)
    checked = []
    for upload in files:
        try:
            kind = uploads.check(upload.data, upload.name, accepted=EVIDENCE_KINDS, max_bytes=max_bytes)
        except uploads.UploadError as error:
            reasons = {
                "empty": _("%(name)s is empty.", name=upload.name),
                "too large": _("%(name)s is larger than %(mb)d MB.", name=upload.name,
                               mb=max_bytes // (1024 * 1024)),
                "pixels": _("%(name)s is too large in pixels; please send a smaller image.", name=upload.name),
                "unreadable": _("%(name)s could not be read as an image.", name=upload.name)}
            raise ClosureError(reasons.get(str(error)) or _(
                "%(name)s is not a PDF, an image (JPEG, PNG, WebP) or a Word or Excel file.", name=upload.name),
                field=field) from error
        checked.append((upload, kind))
    return checked


def store_evidence(session, actor, task: RectificationTask, checked: Sequence[tuple[Upload, str]],
                   purpose: EvidencePurpose, directory: str, *, objection: Objection | None = None,
                   description: str = "") -> list[TaskEvidence]:
    """Store checked files as the task's evidence of `purpose` (never public until the office clears them)."""
    rows = []
    for upload, kind in checked:
        stored = uploads.store(upload.data, upload.name, kind, directory)
        row = TaskEvidence(task_id=task.id, purpose=purpose, objection_id=objection.id if objection else None,
                           description=description[:200], public=False, stored_name=stored.stored_name,
                           original_name=stored.original_name, kind=kind, size=stored.size, sha256=stored.sha256,
                           uploaded_by_id=getattr(actor, "id", None))
        session.add(row)
        rows.append(row)
    session.flush()
    for row in rows:
        audit.record(session, "rectification.evidence_attach", row, actor=actor,
                     after={"task_id": task.id, "purpose": row.purpose, "kind": row.kind, "sha256": row.sha256})
    return rows


def set_evidence_public(session, actor, item: TaskEvidence, public: bool) -> TaskEvidence:
    """Clear a closure or acceptance file for the public pages, or withhold it again (the office); objection
    evidence is never public."""
    policy.require_office(actor)
    if item.purpose == EvidencePurpose.OBJECTION and public:
        raise ClosureError(_("An objector's evidence is never published."))
    before = {"public": item.public}
    item.public, item.cleared_by_id = public, actor.id if public else None
    session.flush()
    audit.record(session, "rectification.evidence_publish" if public else "rectification.evidence_withhold", item,
                 actor=actor, before=before, after={"public": public, "task_id": item.task_id})
    return item


# --- acceptance records ------------------------------------------------------------------------------------------

def _acceptance(context_today: date, *, level, accepted_on, body: str, opinion: str) -> tuple[AcceptanceLevel, date,
                                                                                             str, str]:
    """An acceptance record's fields checked: the level, a date not in the future, who checked, their opinion."""
    if level not in AcceptanceLevel.values():
        raise ClosureError(_("Choose the level of the acceptance."), field="level")
    if not isinstance(accepted_on, date):
        raise ClosureError(_("Give the date of the acceptance."), field="accepted_on")
    if accepted_on > context_today:
        raise ClosureError(_("The acceptance date cannot be in the future."), field="accepted_on")
    body, opinion = body.strip(), opinion.strip()
    if not body:
        raise ClosureError(_("Say who carried out the acceptance (the unit or group)."), field="body")
    if len(body) > BODY_MAX:
        raise ClosureError(_("At most %(n)d characters.", n=BODY_MAX), field="body")
    if not opinion:
        raise ClosureError(_("Write the acceptance opinion."), field="opinion")
    if len(opinion) > OPINION_MAX:
        raise ClosureError(_("At most %(n)d characters.", n=OPINION_MAX), field="opinion")
    return AcceptanceLevel(level), accepted_on, body, opinion


def add_acceptance(session, actor, task: RectificationTask, *, level: str, accepted_on: date | None, body: str,
                   opinion: str, files: Sequence[Upload] = (), upload_dir: str = "", max_bytes: int = 10 << 20,
                   rules: ClosureRules | None = None, now: datetime | None = None) -> Acceptance:
    """Record a passed acceptance of the current application at one level (district acceptance, city review…),
    with its report as an optional file; public on the timeline. The office only, while the application awaits
    its check."""
    policy.require_office(actor)
    if task.state != TaskState.CLOSURE_REQUESTED:
        raise ClosureStepNotAllowed(_("Acceptance records are added while a closure application awaits the "
                                      "office's check."))
    rules = rules or closure_rules(session, task.round)
    now = now or utcnow()
    level_, accepted_on_, body, opinion = _acceptance(rules.local_date(now), level=level, accepted_on=accepted_on,
                                                      body=body, opinion=opinion)
    checked = check_files(files, max_bytes, field="file")
    row = Acceptance(task_id=task.id, level=level_, accepted_on=accepted_on_, body=body, opinion=opinion,
                     passed=True, recorded_by_id=actor.id, recorded_at=utcnow())
    session.add(row)
    session.flush()
    if checked:
        store_evidence(session, actor, task, checked, EvidencePurpose.ACCEPTANCE, upload_dir,
                       description=f"{level_.value} {accepted_on_.isoformat()}")
    record(session, task, f"acceptance_{level_.value}", actor=actor, note=f"{body}: {opinion}")
    session.flush()
    audit.record(session, "rectification.acceptance_record", row, actor=actor, after=row.audit_state())
    return row


# --- the steps ---------------------------------------------------------------------------------------------------

def take_step(session, actor, task: RectificationTask, step: Step, *, rules: ClosureRules | None = None,
              now: datetime | None = None, **data) -> Entry:
    """Take a closure step on the task as `actor` (the lead unit or the office), with the step's own input."""
    return CLOSURE_WORKFLOW.take(session, actor, task, step, rules=rules or closure_rules(session, task.round),
                                 now=now, **data)


def may_take(actor, task: RectificationTask, step: Step) -> bool:
    """Whether `actor` may take `step` on the task by the policy (the state aside)."""
    try:
        policy.check(actor, task, step)
    except policy.LedgerNotPermitted:
        return False
    return True


def steps_for(actor, task: RectificationTask) -> list[Step]:
    """The steps the task's state allows now that `actor` may take."""
    return [step for step in CLOSURE_WORKFLOW.allowed_steps(task) if may_take(actor, task, step)]


def _note(context: StepContext) -> str:
    note = context.text("note")
    if len(note) > NOTE_MAX:
        raise ClosureError(_("At most %(n)d characters.", n=NOTE_MAX), field="note")
    return note


def _reason(context: StepContext, message: str) -> str:
    reason = context.text("reason")
    if not reason:
        raise ClosureError(message, field="reason")
    if len(reason) > REASON_MAX:
        raise ClosureError(_("At most %(n)d characters.", n=REASON_MAX), field="reason")
    return reason


def _resume(context: StepContext, *, not_done: bool) -> None:
    """Back to rectification: the notice (if any) is over, reports resume from today; `not_done` when the office
    found the rectification incomplete, so the last graded progress no longer counts the task as done."""
    task, rules = context.case, context.rules
    task.notice_starts_on = task.notice_ends_on = None
    task.next_report_due = status.next_report_due(rules.local_date(context.now), rules.report_interval_months)
    if not_done:
        task.progress = None


@CLOSURE_WORKFLOW.handles(Step.APPLY_CLOSURE)
def _apply(context: StepContext) -> Entry:
    """The lead unit's application: what was done (完成情况, Simplified Chinese required, the other languages
    optional) and at least one evidence file, checked by content before anything is stored."""
    task = context.case
    completion = {locale: context.text(f"completion_{locale}") for locale in LOCALES}
    if not completion["zh_hans"]:
        raise ClosureError(_("Describe what was done, in Simplified Chinese."), field="completion_zh_hans")
    for locale, text in completion.items():
        if len(text) > COMPLETION_MAX:
            raise ClosureError(_("At most %(n)d characters.", n=COMPLETION_MAX), field=f"completion_{locale}")
    note = _note(context)
    files = list(context.get("files", ()))
    if not files:
        raise ClosureError(_("Attach at least one file of evidence that the rectification is complete."),
                           field="files")
    checked = check_files(files, context.get("max_bytes", 10 << 20), field="files")
    for locale, text in completion.items():
        setattr(task, f"completion_{locale}", text)
    store_evidence(context.session, context.actor, task, checked, EvidencePurpose.CLOSURE,
                   context.get("upload_dir"))
    return Entry(internal_note=note, extra={"bureau_id": task.lead_bureau_id})


@CLOSURE_WORKFLOW.handles(Step.RETURN_APPLICATION)
def _return(context: StepContext) -> Entry:
    """Not ready for acceptance (evidence incomplete…): the reason goes to the lead unit, in-house."""
    reason = _reason(context, _("Say why the application is returned: the lead unit reads it."))
    _resume(context, not_done=False)
    return Entry(internal_note=reason)


@CLOSURE_WORKFLOW.handles(Step.ACCEPT)
def _accept(context: StepContext) -> Entry:
    """Accepted for closure: only with a passed acceptance record of this application."""
    note = _note(context)
    if not any(row.passed for row in current_acceptances(context.session, context.case)):
        raise ClosureError(_("Record a passed acceptance of this application first: a task is not accepted for "
                             "closure before its acceptance."))
    return Entry(internal_note=note)


@CLOSURE_WORKFLOW.handles(Step.FAIL_ACCEPTANCE)
def _fail(context: StepContext) -> Entry:
    """The acceptance did not pass: its record with the opinion (public), and the task rectifies again."""
    task, now = context.case, context.now
    note = _note(context)
    level, accepted_on, body, opinion = _acceptance(
        context.rules.local_date(now), level=context.get("level"), accepted_on=context.get("accepted_on", None),
        body=context.text("body"), opinion=context.text("opinion"))
    row = Acceptance(task_id=task.id, level=level, accepted_on=accepted_on, body=body, opinion=opinion, passed=False,
                     recorded_by_id=context.actor.id, recorded_at=utcnow())
    context.session.add(row)
    context.session.flush()
    audit.record(context.session, "rectification.acceptance_record", row, actor=context.actor,
                 after=row.audit_state())
    _resume(context, not_done=True)
    return Entry(public_note=f"{body}: {opinion}", internal_note=note)


@CLOSURE_WORKFLOW.handles(Step.START_NOTICE)
def _start_notice(context: StepContext) -> Entry:
    """The public notice from the start date (today in the city when not given, never in the past) for the round's
    number of calendar or working days; the public entry says from when to when objections are taken."""
    task, rules = context.case, context.rules
    note = _note(context)
    today = rules.local_date(context.now)
    starts_on = context.get("starts_on", None) or today
    if not isinstance(starts_on, date):
        raise ClosureError(_("Give the first day of the notice."), field="starts_on")
    if starts_on < today:
        raise ClosureError(_("The notice cannot start in the past: objections must be possible for its whole "
                             "period."), field="starts_on")
    task.notice_starts_on, task.notice_ends_on = starts_on, rules.notice_end(starts_on)
    return Entry(public_note=f"{task.notice_starts_on.isoformat()} – {task.notice_ends_on.isoformat()}",
                 internal_note=note)


@CLOSURE_WORKFLOW.handles(Step.SUSTAIN_OBJECTION)
def _sustain(context: StepContext) -> Entry:
    """An objection of this task found right: it is answered (the objector reads the answer on their page) and
    the task goes back to rectification (强化整改)."""
    task, objection = context.case, context.data.get("objection")
    note = _note(context)
    if not isinstance(objection, Objection) or objection.task_id != task.id:
        raise ClosureError(_("Choose the objection that is sustained."), field="objection_id")
    if objection.state != ObjectionState.OPEN:
        raise ClosureError(_("This objection has been answered already."), field="objection_id")
    answer = context.text("answer")
    if not answer:
        raise ClosureError(_("Write the answer to the objector."), field="answer")
    if len(answer) > REASON_MAX:
        raise ClosureError(_("At most %(n)d characters.", n=REASON_MAX), field="answer")
    before = objection.audit_state()
    objection.state, objection.answer = ObjectionState.SUSTAINED, answer
    objection.answered_by_id, objection.answered_at = context.actor.id, context.now
    context.session.flush()
    audit.record(context.session, "rectification.objection_sustain", objection, actor=context.actor, before=before,
                 after=objection.audit_state())
    _resume(context, not_done=True)
    return Entry(internal_note=note)


@CLOSURE_WORKFLOW.handles(Step.CLOSE)
def _close(context: StepContext) -> Entry:
    """Closed (销号): only once the notice is over in the city, with no objection open and no sub-task open."""
    task, rules, session = context.case, context.rules, context.session
    note = _note(context)
    if not rules.passed(task.notice_ends_on, context.now):
        raise ClosureError(_("The public notice runs until %(end)s: the task can be closed from %(day)s.",
                             end=format_date(task.notice_ends_on), day=format_date(closable_from(task))))
    waiting = open_objection_count(session, task)
    if waiting:
        raise ClosureError(_("Answer the open objections first (%(n)d): a task is not closed while an objection "
                             "is open.", n=waiting))
    subtasks = open_subtask_codes(session, task)
    if subtasks:
        raise ClosureError(_("Close its sub-tasks first: %(codes)s.", codes=", ".join(subtasks)))
    task.closed_at = context.now
    return Entry(internal_note=note)


@CLOSURE_WORKFLOW.handles(Step.REOPEN)
def _reopen(context: StepContext) -> Entry:
    """The problem came back (反弹): reopened with the reason (public), rectified again, reports resuming."""
    task = context.case
    reason = _reason(context, _("Say why the task is reopened."))
    note = _note(context)
    task.reopened_at, task.reopen_reason = context.now, reason
    _resume(context, not_done=True)
    return Entry(public_note=reason, internal_note=note)

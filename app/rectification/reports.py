"""Progress reports (定期报告整改进展): the lead unit reports on a period (a month) with a graded progress, what was
done and evidence files, while the task is being rectified; the office accepts the report (the task's progress and
report dates move on and the report appears on the public timeline) or returns it with a note for the unit to
send again, and decides which of the report's files may be published (none showing personal data).

Writes flush, audit and return; they never commit."""
from collections import defaultdict
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.exc import IntegrityError

from app import audit
from app.casework.timeline import add_entry
from app.enums import TitledEnum
from app.errors import ActionRefused, StepNotAllowed
from app.rectification import policy
from app.rectification.models import (EvidencePurpose, ProgressReport, RectificationTask, ReportState, TaskEvent,
                                      TaskEvidence)
from app.rectification.months import last_day, month_of, parse_month
from app.rectification.status import COMPLETED, next_report_due
from app.rectification.workflow import RECTIFYING, Progress
from app.web import uploads
from app.workflow import Entry, StepContext, Workflow

# Evidence is kept in this folder of UPLOAD_DIR; what a report may carry.
EVIDENCE_FOLDER = "rectification"
EVIDENCE_KINDS = frozenset({"pdf", "png", "jpeg", "webp", "docx", "xlsx"})
MAX_FILES = 10
MAX_TEXT = 5000


class ReportError(ActionRefused):
    """A report or a review the rules refuse: bad input, the wrong time, a duplicate."""


class ReportNotAwaitingReview(ReportError, StepNotAllowed):
    """The report was reviewed already."""


class ReportStep(TitledEnum):
    ACCEPT = "accept_report", _l("Accept the report")
    RETURN = "return_report", _l("Return the report for correction")


TRANSITIONS = {(ReportState.SUBMITTED, ReportStep.ACCEPT): ReportState.ACCEPTED,
               (ReportState.SUBMITTED, ReportStep.RETURN): ReportState.RETURNED}

# What the timeline says of the entries written here. An accepted report is public under its grade; the period is
# the entry's note. Submission, return and the office's note stay internal.
EVENT_TITLES = {
    "report_submitted": _l("Progress report sent"),
    "report_returned": _l("Progress report returned for correction"),
    "report_on_schedule": _l("Progress report accepted: on schedule"),
    "report_behind": _l("Progress report accepted: behind schedule"),
    "report_done": _l("Progress report accepted: rectification completed"),
    "report_basically_done": _l("Progress report accepted: basically completed"),
    "report_long_term": _l("Progress report accepted: completed, to be kept up long-term"),
    "note": _l("Note"),
}


def add_event(session, task: RectificationTask, step: str, *, actor=None, note: str = "", public: bool = True,
              bureau_id: int | None = None) -> TaskEvent:
    """Append an entry to the task's timeline; `bureau_id` is the unit it concerns (the one reporting, or urged)."""
    return add_entry(session, TaskEvent, step, actor=actor, note=note, public=public, task_id=task.id,
                     bureau_id=bureau_id)


# ----------------------------------------------------------------------------------------------- submitting

def default_period(task: RectificationTask, today: date) -> str:
    """The month of the next report due, or this month when none is set."""
    return month_of(task.next_report_due or today)


def _check_period(task: RectificationTask, text: str, today: date) -> str:
    period = parse_month(text)
    if period is None:
        raise ReportError(_("Give the period as a month: YYYY-MM, for example %(example)s.",
                            example=month_of(today)), field="period")
    latest = max(month_of(today), month_of(task.next_report_due) if task.next_report_due else "")
    if period > latest:
        raise ReportError(_("%(month)s has not begun: report on %(latest)s or an earlier month.", month=period,
                            latest=latest), field="period")
    if task.last_report_on is not None and last_day(period) <= task.last_report_on:
        raise ReportError(_("A report up to %(month)s was already accepted: report on a later month.",
                            month=month_of(task.last_report_on)), field="period")
    return period


def check_files(files: list[tuple[str, bytes]], max_bytes: int) -> list[tuple[str, bytes, str]]:
    """Check every upload by its content before anything is kept: (name, data) → (name, data, kind)."""
    if len(files) > MAX_FILES:
        raise ReportError(_("Send at most %(n)d files with one report.", n=MAX_FILES), field="files")
    checked = []
    for name, data in files:
        try:
            checked.append((name, data, uploads.check(data, name, accepted=EVIDENCE_KINDS, max_bytes=max_bytes)))
        except uploads.UploadError as error:
            reason = {"empty": _("%(name)s is empty.", name=name),
                      "too large": _("%(name)s is larger than %(mb)d MB.", name=name,
                                     mb=max(max_bytes // 1024 // 1024, 1)),
                      "pixels": _("%(name)s is too large in pixels; please send a smaller image.", name=name),
                      "unreadable": _("%(name)s could not be read as an image.", name=name)}
            raise ReportError(reason.get(str(error)) or _(
                "%(name)s is not a PDF, an image (JPEG, PNG, WebP) or a Word or Excel file.", name=name),
                field="files") from error
    return checked


def live_report(session, task: RectificationTask, period: str) -> ProgressReport | None:
    """The task's report for the period awaiting review or accepted (a returned one may be sent again)."""
    return session.scalar(select(ProgressReport).where(ProgressReport.task_id == task.id,
                                                       ProgressReport.period == period,
                                                       ProgressReport.state != ReportState.RETURNED))


def submit_report(session, actor, task: RectificationTask, *, period: str, progress: str, text: str,
                  files: list[tuple[str, bytes]], directory: str, today: date,
                  max_bytes: int) -> ProgressReport:
    """The lead unit reports on a period while the task is being rectified: the graded progress, what was done,
    and evidence (at least one file when it reports the rectification completed). One live report per period."""
    policy.require_lead(actor, task)
    if task.state not in RECTIFYING:
        raise ReportError(_("Progress is reported while the task is being rectified; this task is “%(state)s”.",
                            state=task.state.title))
    period = _check_period(task, period, today)
    if progress not in Progress.values():
        raise ReportError(_("Choose how far the rectification has come."), field="progress")
    grade = Progress(progress)
    text = (text or "").strip()
    if not text:
        raise ReportError(_("Write what was done in the period."), field="text")
    if len(text) > MAX_TEXT:
        raise ReportError(_("Write at most %(n)d characters.", n=MAX_TEXT), field="text")
    checked = check_files(files, max_bytes)
    if grade in COMPLETED and not checked:
        raise ReportError(_("A report that the rectification is completed needs at least one evidence file "
                            "(photos, acceptance documents, monitoring reports)."), field="files")
    duplicate = _("A report for %(month)s was already sent; only a returned report can be sent again.",
                  month=period)
    if live_report(session, task, period) is not None:
        raise ReportError(duplicate, field="period")
    report = ProgressReport(task_id=task.id, bureau_id=task.lead_bureau_id, period=period, progress=grade,
                            text=text, state=ReportState.SUBMITTED, submitted_by_id=actor.id)
    session.add(report)
    try:
        session.flush()  # the partial unique index settles two reports sent at once
    except IntegrityError as error:
        raise ReportError(duplicate, field="period") from error
    stored = [_store(session, actor, report, name, data, kind, directory) for name, data, kind in checked]
    add_event(session, task, "report_submitted", actor=actor, note=period, public=False,
              bureau_id=task.lead_bureau_id)
    session.flush()
    audit.record(session, "rectification.report_submit", report, actor=actor,
                 after={**report.audit_state(), "files": [{"name": e.original_name, "sha256": e.sha256}
                                                          for e in stored]})
    return report


def _store(session, actor, report: ProgressReport, name: str, data: bytes, kind: str,
           directory: str) -> TaskEvidence:
    kept = uploads.store(data, name, kind, directory)
    row = TaskEvidence(task_id=report.task_id, purpose=EvidencePurpose.PROGRESS, report_id=report.id,
                       public=False, uploaded_by_id=actor.id, stored_name=kept.stored_name,
                       original_name=kept.original_name, kind=kept.kind, size=kept.size, sha256=kept.sha256)
    session.add(row)
    return row


# ----------------------------------------------------------------------------------------------- reviewing

def _check_review(actor, report: ProgressReport, step: ReportStep) -> None:
    policy.require_office(actor)


def _not_awaiting(report: ProgressReport, step: ReportStep) -> str:
    return _("This report was already reviewed (“%(state)s”).", state=report.state.title)


def _record(session, report: ProgressReport, step: str, *, actor=None, note: str = "", public: bool = True,
            bureau_id: int | None = None) -> None:
    add_event(session, report.task, step, actor=actor, note=note, public=public, bureau_id=bureau_id)


REPORT_WORKFLOW: Workflow[ReportState, ReportStep] = Workflow(
    "rectification", TRANSITIONS, policy=_check_review, record=_record, refuse=_not_awaiting,
    not_allowed=ReportNotAwaitingReview, snapshot=lambda report: report.audit_state())


@REPORT_WORKFLOW.handles(ReportStep.ACCEPT)
def _accept(context: StepContext) -> Entry:
    """The task takes the report's grade, and its report dates move on, unless a later period was accepted
    first. The public entry names the grade and the period, nothing of who wrote it."""
    report, now, actor = context.case, context.now, context.actor
    task = report.task
    note = context.text("note")
    report.reviewed_by_id, report.reviewed_at, report.review_note = actor.id, now, note
    end = last_day(report.period)
    if task.last_report_on is None or end >= task.last_report_on:
        before = task.snapshot()
        task.progress, task.last_report_on = report.progress, end
        task.next_report_due = next_report_due(end, task.round.report_interval_months)
        audit.record(context.session, "rectification.progress_set", task, actor=actor, before=before,
                     after=task.snapshot(), note=f"report {report.id} ({report.period})")
    return Entry(event=f"report_{report.progress.value}", public_note=report.period, internal_note=note,
                 extra={"bureau_id": report.bureau_id})


@REPORT_WORKFLOW.handles(ReportStep.RETURN)
def _return(context: StepContext) -> Entry:
    """Back to the unit with what must change; the unit may send the period again."""
    report, note = context.case, context.text("note")
    if not note:
        raise ReportError(_("Say what the unit must correct or add."), field="note")
    report.reviewed_by_id, report.reviewed_at, report.review_note = context.actor.id, context.now, note
    return Entry(event="report_returned", public=False, public_note=f"{report.period}: {note}",
                 extra={"bureau_id": report.bureau_id})


def accept_report(session, actor, report: ProgressReport, note: str = "") -> ProgressReport:
    """The office accepts a report: the task's progress, last report and next report date are set from it."""
    REPORT_WORKFLOW.take(session, actor, report, ReportStep.ACCEPT, note=note)
    return report


def return_report(session, actor, report: ProgressReport, note: str) -> ProgressReport:
    """The office returns a report with what must be corrected; the unit sees the note and may send it again."""
    REPORT_WORKFLOW.take(session, actor, report, ReportStep.RETURN, note=note)
    return report


def decide_evidence(session, actor, evidence: TaskEvidence, publish: bool, reason: str = "") -> TaskEvidence:
    """The office clears a report's file for publication, or keeps it in-house (a face, a name, a phone number,
    an ID card on it). Only an accepted report's files are published; the decision is audited with its reason."""
    policy.require_office(actor)
    report = session.get(ProgressReport, evidence.report_id) if evidence.report_id else None
    if evidence.purpose is not EvidencePurpose.PROGRESS or report is None:
        raise ReportError(_("This file does not belong to a progress report."))
    if publish and report.state is not ReportState.ACCEPTED:
        raise ReportError(_("A report's files are published once the report is accepted."))
    before = {"public": evidence.public, "cleared_by_id": evidence.cleared_by_id}
    evidence.public, evidence.cleared_by_id = publish, actor.id
    session.flush()
    audit.record(session, "rectification.evidence_publish" if publish else "rectification.evidence_withhold",
                 evidence, actor=actor, before=before, after={"public": publish, "report_id": report.id},
                 note=(reason or "").strip()[:500])
    return evidence


# ----------------------------------------------------------------------------------------------- reading

def task_reports(session, task: RectificationTask) -> list[ProgressReport]:
    """The task's reports, the latest period first (a period sent again: the newest sending first)."""
    return list(session.scalars(select(ProgressReport).where(ProgressReport.task_id == task.id)
                                .order_by(ProgressReport.period.desc(), ProgressReport.id.desc())))


def evidence_by_report(session, report_ids: list[int]) -> dict[int, list[TaskEvidence]]:
    """The files of these reports, in the order they were sent."""
    found: dict[int, list[TaskEvidence]] = defaultdict(list)
    if report_ids:
        for row in session.scalars(select(TaskEvidence).where(TaskEvidence.report_id.in_(report_ids))
                                   .order_by(TaskEvidence.id)):
            found[row.report_id].append(row)
    return found


def review_queue(session, *, limit: int, offset: int = 0) -> list[ProgressReport]:
    """Reports awaiting the office's review, the longest waiting first (read along the state index)."""
    return list(session.scalars(
        select(ProgressReport).where(ProgressReport.state == ReportState.SUBMITTED)
        .options(selectinload(ProgressReport.task), selectinload(ProgressReport.bureau))
        .order_by(ProgressReport.submitted_at, ProgressReport.id).limit(limit).offset(offset)))

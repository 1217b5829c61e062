"""Progress reports in the back office: a task's reports page (the lead unit's form, the office's review and its
decisions on the files, the urgings the unit received), the office's review queue, and a unit's reports due."""
from flask import Blueprint, abort, current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import Permission
from app.errors import NotPermitted
from app.extensions import db
from app.i18n import local_today
from app.rectification import policy, reports, supervision
from app.rectification.models import EvidencePurpose, ProgressReport, RectificationTask, ReportState, TaskEvidence
from app.rectification.report_forms import EvidenceForm, ReportForm, ReviewForm
from app.rectification.workflow import RECTIFYING
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.files import serve_stored
from app.web.htmx import render
from app.web.pagination import paginate

bp = Blueprint("rectification_reports", __name__, url_prefix="/admin/rectification")


def evidence_dir() -> str:
    """Where the ledger's evidence files are kept."""
    return f"{current_app.config['UPLOAD_DIR']}/{reports.EVIDENCE_FOLDER}"


def _task(task_id: int) -> RectificationTask:
    """The task, for staff of a unit of it or the office (another bureau's task: 403, audited)."""
    task = db.session.get(RectificationTask, task_id) or abort(404)
    if not policy.can_see(db.session, current_user, task):
        deny("rectification.refused", task)
    return task


def _warn_days() -> int:
    return int(current_app.config["RECTIFICATION_WARN_DAYS"])


def _page(task: RectificationTask, *, status: int = 200, report_form: ReportForm | None = None,
          review_form: ReviewForm | None = None, failed_report: int | None = None,
          evidence_form: EvidenceForm | None = None, failed_evidence: int | None = None):
    """The task's reports page, or for htmx its panel; forms given (kept with their input and errors after a
    refusal) replace the empty ones."""
    today = local_today()
    is_office, is_lead = policy.is_office(current_user), policy.is_lead(current_user, task)
    rows = reports.task_reports(db.session, task)
    may_submit = is_lead and task.state in RECTIFYING
    reviewable = {r.id for r in rows if r.state is ReportState.SUBMITTED} if is_office else set()
    # A refused form that is no longer on the page (the task left rectification, the report was reviewed in the
    # meantime): its message is said above the page instead.
    for form, shown in ((report_form, may_submit), (review_form, failed_report in reviewable)):
        if form is not None and not shown:
            for message in [*form.form_errors, *(m for f in form for m in f.errors)]:
                flash(message, "error")
    if report_form is None:
        report_form = ReportForm(formdata=None, period=reports.default_period(task, today))
    return render("admin/rectification/reports.html", "admin/rectification/_reports_panel.html", status=status,
                  task=task, reports=rows, evidence=reports.evidence_by_report(db.session, [r.id for r in rows]),
                  is_office=is_office, may_submit=may_submit, is_lead=is_lead,
                  report_form=report_form, review_form=review_form or ReviewForm(formdata=None),
                  failed_report=failed_report, evidence_form=evidence_form or EvidenceForm(formdata=None),
                  failed_evidence=failed_evidence, urgings=supervision.task_urgings(db.session, task),
                  colour=supervision.colour_of(task, today, _warn_days()),
                  colour_titles=supervision.COLOUR_TITLES, ReportState=ReportState)


def _act(task: RectificationTask, action, success: str, *, form=None, **forms):
    """Run a service action on the task's reports: commit and back to the page (with htmx, its panel again); a
    refusal for want of permission answers 403 (act audits it), any other the page again with the input (422)."""
    def refused(error):
        if isinstance(error, NotPermitted):
            abort(403)
        return _page(db.session.get(RectificationTask, task.id), status=422, **forms)
    return act(action, success=success, then=url_for(".task_reports", task_id=task.id), refused=refused,
               fragment=lambda result: _page(db.session.get(RectificationTask, task.id)), form=form,
               audit_as="rectification.refused", subject=task, summary=True)


@bp.get("/tasks/<int:task_id>/reports")
@permission_required(Permission.RECTIFICATION_REPORT)
def task_reports(task_id: int):
    """A task's progress reports with their state and files; the lead unit's form; the office's review."""
    return _page(_task(task_id))


@bp.post("/tasks/<int:task_id>/reports")
@permission_required(Permission.RECTIFICATION_REPORT)
def submit(task_id: int):
    task = _task(task_id)
    if not policy.is_lead(current_user, task):  # a co-operating or supervising unit sees, but does not report
        deny("rectification.refused", task, note=_("Only the task's lead unit can do this."))
    form = ReportForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(task, status=422, report_form=form)
    files = [(upload.filename, upload.read()) for upload in (form.files.data or []) if upload and upload.filename]
    return _act(task, lambda: reports.submit_report(
        db.session, current_user, task, period=form.period.data, progress=form.progress.data, text=form.text.data,
        files=files, directory=evidence_dir(), today=local_today(),
        max_bytes=current_app.config["MAX_EVIDENCE_BYTES"]),
        _("Report for %(month)s sent to the office.", month=form.period.data.strip()), form=form,
        report_form=form)


@bp.post("/reports/<int:report_id>/<decision>")
@permission_required(Permission.RECTIFICATION_REPORT)
def review(report_id: int, decision: str):
    """The office accepts or returns a report (anyone else: refused by the service, 403 and audited)."""
    if decision not in ("accept", "return"):
        abort(404)
    report = db.session.get(ProgressReport, report_id) or abort(404)
    task = _task(report.task_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(task, status=422, review_form=form, failed_report=report.id)
    note = form.note.data or ""
    if decision == "accept":
        return _act(task, lambda: reports.accept_report(db.session, current_user, report, note),
                    _("Report for %(month)s accepted.", month=report.period), form=form, review_form=form,
                    failed_report=report.id)
    return _act(task, lambda: reports.return_report(db.session, current_user, report, note),
                _("Report for %(month)s returned to the unit.", month=report.period), form=form,
                review_form=form, failed_report=report.id)


def _evidence(evidence_id: int) -> TaskEvidence:
    """A progress report's file, for staff who may see its task."""
    row = db.session.get(TaskEvidence, evidence_id)
    if row is None or row.purpose is not EvidencePurpose.PROGRESS:
        abort(404)
    _task(row.task_id)
    return row


@bp.post("/evidence/<int:evidence_id>/<decision>")
@permission_required(Permission.RECTIFICATION_REPORT)
def decide_evidence(evidence_id: int, decision: str):
    """The office clears a file for publication, or keeps it in-house."""
    if decision not in ("publish", "withhold"):
        abort(404)
    row = _evidence(evidence_id)
    task = db.session.get(RectificationTask, row.task_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(task, status=422, evidence_form=form, failed_evidence=row.id)
    publish = decision == "publish"
    return _act(task, lambda: reports.decide_evidence(db.session, current_user, row, publish, form.reason.data or ""),
                _("%(name)s cleared for publication.", name=row.original_name) if publish else
                _("%(name)s kept in-house.", name=row.original_name), form=form, evidence_form=form,
                failed_evidence=row.id)


@bp.get("/evidence/<int:evidence_id>")
@permission_required(Permission.RECTIFICATION_REPORT)
def evidence_file(evidence_id: int):
    """A report's file, for the office and the task's units (never cached: it may not be public)."""
    row = _evidence(evidence_id)
    return serve_stored(evidence_dir(), row.stored_name, row.kind, public=False, download_name=row.original_name)


@bp.get("/reports")
@permission_required(Permission.RECTIFICATION_MANAGE)
def queue():
    """The office's review queue: reports awaiting review, the longest waiting first."""
    page = paginate(lambda **rows: reports.review_queue(db.session, **rows), current_app.config["PAGE_SIZE"])
    return render("admin/rectification/reports_queue.html", "admin/rectification/_reports_queue_rows.html",
                  page=page, rows=page.items)


@bp.get("/reports/due")
@permission_required(Permission.RECTIFICATION_REPORT)
def due():
    """The tasks the user's bureau leads that are being rectified (all of them for the office), the report due
    soonest first, with the office's urgings."""
    today = local_today()
    page = paginate(lambda **rows: supervision.unit_tasks(db.session, current_user, today, _warn_days(), **rows),
                    current_app.config["PAGE_SIZE"])
    return render("admin/rectification/reports_due.html", "admin/rectification/_reports_due_rows.html",
                  page=page, rows=page.items, colour_titles=supervision.COLOUR_TITLES,
                  is_office=policy.is_office(current_user))

"""The office's background-jobs page (/admin/jobs: recent jobs, dead letters with retry and discard, scheduled
duties), and a job's own page for the person who asked for it: progress polled by htmx (a refresh link without
JavaScript) and the download link of its result."""
from flask import Blueprint, Response, abort, current_app, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.accounts.permissions import Permission
from app.extensions import db
from app.jobs import queries, registry, runner, services
from app.jobs.models import Job, JobState
from app.web import object_store
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.files import SANDBOX
from app.web.forms import ConfirmForm
from app.web.htmx import render, safe_next, see_other
from app.web.pagination import paginate

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")


def _job(job_id: int) -> Job:
    return db.session.get(Job, job_id) or abort(404)


def _holds_kind_permission(user, job: Job) -> bool:
    kind = registry.get(job.kind)
    return kind is not None and (kind.permission is None or user.can(kind.permission))


def may_follow(user, job: Job) -> bool:
    """The person who asked (while they still hold the kind's permission), and the office."""
    return user.can(Permission.JOBS_MANAGE) or (job.requested_by_id == user.id and _holds_kind_permission(user, job))


def may_download(user, job: Job) -> bool:
    """Only the person who asked, while they still may do what the job did (export that survey)."""
    return job.requested_by_id == user.id and _holds_kind_permission(user, job)


@bp.get("/")
@permission_required(Permission.JOBS_MANAGE)
def index():
    """Recent jobs (filtered by state), the dead letters and the scheduled duties."""
    state = request.args.get("state", "")
    chosen = JobState(state) if state in JobState.values() else None
    page = paginate(queries.recent(chosen), current_app.config["PAGE_SIZE"])
    return render("admin/jobs/index.html", page=page, state=chosen, states=list(JobState),
                  dead=queries.dead_letters(db.session), duties=queries.last_runs(db.session),
                  kinds=registry.kinds(), confirm=ConfirmForm(), stalled=services.is_stalled,
                  redis=bool(current_app.config["JOBS_REDIS_URL"]), queue=current_app.config["JOBS_QUEUE"])


def _office_action(job_id: int, action, success: str):
    job = _job(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = url_for(".index")
    return act(lambda: action(db.session, current_user, job), success=success, then=back,
               refused=lambda error: see_other(back))


@bp.post("/<int:job_id>/retry")
@permission_required(Permission.JOBS_MANAGE)
def retry(job_id: int):
    return _office_action(job_id, services.retry, _("The job is queued again."))


@bp.post("/<int:job_id>/discard")
@permission_required(Permission.JOBS_MANAGE)
def discard(job_id: int):
    return _office_action(job_id, services.discard, _("The job was discarded."))


@bp.get("/<int:job_id>")
@permission_required(Permission.STAFF_AREA)
def status(job_id: int):
    """The job's state and progress; the fragment alone for htmx's polling."""
    job = _job(job_id)
    if not may_follow(current_user, job):
        deny("jobs.denied", job)
    back = safe_next(request.args.get("next"), "")
    return render("admin/jobs/status.html", "admin/jobs/_status.html", job=job, kind=registry.get(job.kind),
                  downloadable=may_download(current_user, job), back=back)


@bp.get("/<int:job_id>/download")
@permission_required(Permission.STAFF_AREA)
def download(job_id: int):
    """The job's result file, to the person who asked for it only; every download audited."""
    job = _job(job_id)
    if not may_download(current_user, job):
        deny("jobs.download_denied", job)
    if job.state != JobState.DONE or not job.result_name or job.result_kind not in runner.RESULT_TYPES:
        abort(404)
    folder = runner.result_folder()
    content_type = runner.RESULT_TYPES[job.result_kind]
    label = job.result_label or f"job-{job.id}.{job.result_kind}"
    headers = {"Content-Security-Policy": SANDBOX, "X-Content-Type-Options": "nosniff",
               "Cache-Control": "private, no-store"}
    if object_store.uses_object_store():
        opened = object_store.open_chunks(folder, job.result_name)
        if opened is None:
            abort(404)
        chunks, size = opened
        response = Response(chunks, content_type=content_type, headers={
            **headers, "Content-Length": str(size), "Content-Disposition": f'attachment; filename="{label}"'})
    else:
        path = object_store.local_path(folder, job.result_name)
        try:
            response = send_file(path, mimetype=content_type, as_attachment=True, download_name=label, max_age=0)
        except FileNotFoundError:
            abort(404)
        response.headers.update(headers)
        response.headers["Content-Type"] = content_type  # once: send_file would add a second charset
    audit.record(db.session, "jobs.download", job, note=f"{job.kind}: {label}")
    db.session.commit()
    return response


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.web.nav import add_staff

    app.register_blueprint(bp)
    add_staff(app, "jobs.index", _l("Background jobs"), Permission.JOBS_MANAGE,
              _l("Exports and scheduled duties running in the background; jobs that gave up, to retry or discard."))

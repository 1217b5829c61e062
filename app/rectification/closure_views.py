"""The closure procedure in the back office: a task's closure panel (the application with its evidence, the
acceptance records and the form to add one, the notice dates, the objections for the office, and a form for each
step the state and the person allow: a self-replacing htmx panel, plain forms without JavaScript), the audited
look at an objector's contact, the evidence files, and the office's queue of closures."""
from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app import audit
from app.accounts.permissions import Permission
from app.errors import NotPermitted
from app.extensions import db
from app.i18n import local_today
from app.rectification import closure, objections, policy, timeline
from app.rectification.closure import Upload
from app.rectification.closure_forms import STEP_FORMS, AcceptanceForm, AnswerForm, ApplyForm, StepForm
from app.rectification.models import (EvidencePurpose, Objection, ObjectionState, RectificationTask, TaskEvent,
                                      TaskEvidence)
from app.rectification.workflow import Step, TaskState
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.files import serve_stored
from app.web.forms import ConfirmForm
from app.web.htmx import render
from app.web.pagination import paginate

bp = Blueprint("rectification_closure", __name__, url_prefix="/admin/rectification")
REFUSED = "rectification.refused"
PER_PAGE = 30
QUEUES = ("applications", "accepted", "notice", "objections")


def evidence_dir() -> str:
    """Where the ledger's evidence files are kept."""
    return str(current_app.config["UPLOAD_DIR"]) + "/rectification"


def _task(task_id: int) -> RectificationTask:
    """The task, for those who may see it (the office, its units' staff); anyone else gets 403, audited."""
    task = db.session.get(RectificationTask, task_id) or abort(404)
    if not policy.can_see(db.session, current_user, task):
        deny(REFUSED, task)
    return task


def _require_office(obj) -> None:
    if not policy.is_office(current_user):
        deny(REFUSED, obj)


def _status(error) -> int:
    return 403 if isinstance(error, NotPermitted) else 422


def _uploads(field) -> list[Upload]:
    """The files of a file field as sent (checked by content by the service)."""
    data = field.data or []
    files = data if isinstance(data, list) else [data]
    return [Upload(f.filename, f.read()) for f in files if f and getattr(f, "filename", "")]


def _step_forms(steps: list[Step], kept: dict) -> dict:
    forms = {step: STEP_FORMS[step](formdata=None, prefix=step.value) for step in steps if step in STEP_FORMS}
    for step, form in kept.items():
        if step in forms:
            forms[step] = form
        else:  # the step's form is not on the page (the state moved on): say the refusal above it
            _flash_refusals(form)
    return forms


def _flash_refusals(form) -> None:
    for message in form.form_errors:
        flash(message, "error")


def _panel(task: RectificationTask, *, status: int = 200, kept: dict | None = None,
           acceptance_form: AcceptanceForm | None = None, answer_forms: dict | None = None,
           contact: dict | None = None, fragment: str = "admin/rectification/_closure_panel.html", **extra):
    """The closure page, or for htmx its panel; forms given (kept with their input and errors after a refusal)
    replace the empty ones."""
    session, office = db.session, policy.is_office(current_user)
    steps = closure.steps_for(current_user, task)
    forms = _step_forms([s for s in steps if s != Step.SUSTAIN_OBJECTION], kept or {})
    today = local_today()
    rows = objections.of_task(session, task) if office else []
    answers = {row.id: AnswerForm(formdata=None, prefix=f"objection-{row.id}") for row in rows
               if row.state == ObjectionState.OPEN}
    for objection_id, form in (answer_forms or {}).items():
        if objection_id in answers:
            answers[objection_id] = form
        else:  # answered meanwhile: its form is gone, so the refusal is said above the panel
            _flash_refusals(form)
    may_accept = office and task.state == TaskState.CLOSURE_REQUESTED
    if acceptance_form is not None and not may_accept:
        _flash_refusals(acceptance_form)
    acceptances = closure.acceptances(session, task)
    current = {row.id for row in closure.current_acceptances(session, task)}
    events = list(session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id)
                                  .order_by(TaskEvent.at, TaskEvent.id)))
    return render(
        "admin/rectification/closure.html", fragment, status=status, **extra,
        task=task, steps=steps, forms=forms, office=office, may_accept=may_accept,
        acceptance_form=acceptance_form or AcceptanceForm(formdata=None, prefix="acceptance"),
        acceptances=acceptances, current=current,
        closure_evidence=closure.evidence(session, task, EvidencePurpose.CLOSURE),
        acceptance_evidence=closure.evidence(session, task, EvidencePurpose.ACCEPTANCE),
        objections=rows, answers=answers, contact=contact or {}, confirm=ConfirmForm(),
        objection_evidence=_objection_evidence(task) if office else {},
        today=today, closable_from=closure.closable_from(task),
        notice_left=(task.notice_ends_on - today).days if task.notice_ends_on else None,
        open_objections=closure.open_objection_count(session, task) if office else 0,
        events=events, titles=timeline.titles())


def _objection_evidence(task: RectificationTask) -> dict[int, list[TaskEvidence]]:
    grouped: dict[int, list[TaskEvidence]] = {}
    for item in closure.evidence(db.session, task, EvidencePurpose.OBJECTION):
        grouped.setdefault(item.objection_id or 0, []).append(item)
    return grouped


def _act(task: RectificationTask, action, success: str, *, form=None, **kept):
    """Run an action on the task: commit and back to its closure page (with htmx: the panel again); refused, the
    panel again with the input kept (422; 403 for want of permission, audited)."""
    return act(action, success=success, then=url_for(".panel", task_id=task.id),
               refused=lambda error: _panel(db.session.get(RectificationTask, task.id), status=_status(error),
                                            **kept),
               fragment=lambda result: _panel(db.session.get(RectificationTask, task.id)),
               form=form, summary=True, audit_as=REFUSED, subject=task)


@bp.get("/tasks/<int:task_id>/closure")
@permission_required(Permission.RECTIFICATION_REPORT)
def panel(task_id: int):
    return _panel(_task(task_id))


@bp.post("/tasks/<int:task_id>/closure/step/<step>")
@permission_required(Permission.RECTIFICATION_REPORT)
def take_step(task_id: int, step: str):
    """One step of the closure procedure, with its form (the application with its files)."""
    task = _task(task_id)
    if step not in {s.value for s in STEP_FORMS}:
        abort(404)
    chosen = Step(step)
    if not closure.may_take(current_user, task, chosen):
        deny(REFUSED, task)
    form: StepForm = STEP_FORMS[chosen](prefix=chosen.value)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _panel(task, status=422, kept={chosen: form})
    data = form.step_data()
    if isinstance(form, ApplyForm):
        data.update(files=_uploads(form.files), upload_dir=evidence_dir(),
                    max_bytes=current_app.config["MAX_EVIDENCE_BYTES"])
    return _act(task, lambda: closure.take_step(db.session, current_user, task, chosen, **data),
                _("Done: %(step)s.", step=chosen.title), form=form, kept={chosen: form})


@bp.post("/tasks/<int:task_id>/closure/acceptances")
@permission_required(Permission.RECTIFICATION_MANAGE)
def add_acceptance(task_id: int):
    """A passed acceptance record of the current application, at one level."""
    task = _task(task_id)
    form = AcceptanceForm(prefix="acceptance")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _panel(task, status=422, acceptance_form=form)
    return _act(task, lambda: closure.add_acceptance(
        db.session, current_user, task, level=form.level.data or "", accepted_on=form.accepted_on.data,
        body=form.body.data or "", opinion=form.opinion.data or "", files=_uploads(form.file),
        upload_dir=evidence_dir(), max_bytes=current_app.config["MAX_EVIDENCE_BYTES"]),
        _("The acceptance record was added."), form=form, acceptance_form=form)


def _objection(objection_id: int) -> Objection:
    found = db.session.get(Objection, objection_id) or abort(404)
    _require_office(found)
    return found


@bp.post("/objections/<int:objection_id>/answer")
@permission_required(Permission.RECTIFICATION_MANAGE)
def answer_objection(objection_id: int):
    """Not sustained (answered), or sustained (answered, and the task goes back to rectification)."""
    found = _objection(objection_id)
    task = found.task
    form = AnswerForm(prefix=f"objection-{found.id}")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _panel(task, status=422, answer_forms={found.id: form})
    answer, note = form.answer.data or "", form.note.data or ""
    if form.decision.data == "sustain":
        return _act(task, lambda: objections.sustain_objection(db.session, current_user, found, answer, note=note),
                    _("The objection was sustained: the task goes back to rectification."), form=form,
                    answer_forms={found.id: form})
    return _act(task, lambda: objections.dismiss_objection(db.session, current_user, found, answer),
                _("The objection was answered: not sustained."), form=form, answer_forms={found.id: form})


@bp.post("/objections/<int:objection_id>/contact")
@permission_required(Permission.RECTIFICATION_MANAGE)
def objection_contact(objection_id: int):
    """The objector's name and contact, on this one response; the look is audited."""
    found = _objection(objection_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    shown = objections.reveal_contact(db.session, current_user, found)
    db.session.commit()
    return _panel(found.task, contact={found.id: shown}, fragment="admin/rectification/_closure_contact.html",
                  objection=found)


@bp.get("/tasks/<int:task_id>/closure/evidence/<int:evidence_id>")
@permission_required(Permission.RECTIFICATION_REPORT)
def evidence_file(task_id: int, evidence_id: int):
    """An evidence file of the task, for its staff; an objector's evidence for the office only, the look audited."""
    task = _task(task_id)
    item = db.session.get(TaskEvidence, evidence_id)
    if item is None or item.task_id != task.id:
        abort(404)
    if item.purpose == EvidencePurpose.OBJECTION:
        _require_office(item)
        audit.record(db.session, "rectification.objection_evidence_viewed", item, actor=current_user)
        db.session.commit()
    return serve_stored(evidence_dir(), item.stored_name, item.kind, public=False, download_name=item.original_name)


@bp.post("/tasks/<int:task_id>/closure/evidence/<int:evidence_id>/<decision>")
@permission_required(Permission.RECTIFICATION_MANAGE)
def clear_evidence(task_id: int, evidence_id: int, decision: str):
    """Clear a closure or acceptance file for the public pages, or withhold it again."""
    task = _task(task_id)
    item = db.session.get(TaskEvidence, evidence_id)
    if item is None or item.task_id != task.id:
        abort(404)
    if decision not in ("clear", "hide") or not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(task, lambda: closure.set_evidence_public(db.session, current_user, item, decision == "clear"),
                _("The file is cleared for the public pages.") if decision == "clear"
                else _("The file is no longer public."))


@bp.get("/closures")
@permission_required(Permission.RECTIFICATION_MANAGE)
def queue():
    """The office's closure work: applications awaiting acceptance, accepted tasks whose notice is to be
    published, tasks in notice with the days left, open objections; each a page at a time, with the counts."""
    show = request.args.get("show", "")
    if show not in QUEUES:
        show = QUEUES[0]
    session, today = db.session, local_today()
    states = {"applications": TaskState.CLOSURE_REQUESTED, "accepted": TaskState.ACCEPTED,
              "notice": TaskState.IN_NOTICE}
    counts = {name: int(session.scalar(select(func.count(RectificationTask.id))
                                       .where(RectificationTask.state == state)) or 0)
              for name, state in states.items()}
    counts["objections"] = int(session.scalar(select(func.count(Objection.id))
                                              .where(Objection.state == ObjectionState.OPEN)) or 0)
    if show == "objections":
        page = paginate(objections.open_queue(), PER_PAGE)
        waiting = {}
    else:
        statement = select(RectificationTask).where(RectificationTask.state == states[show])
        order = ((RectificationTask.notice_ends_on, RectificationTask.id) if show == "notice"
                 else (RectificationTask.updated_at, RectificationTask.id))
        page = paginate(statement.order_by(*order), PER_PAGE)
        waiting = objections.open_counts(session, [task.id for task in page.items]) if show == "notice" else {}
    return render("admin/rectification/closure_queue.html", "admin/rectification/_closure_queue_rows.html",
                  page=page, show=show, counts=counts, waiting=waiting, today=today, queues=QUEUES)

"""The ledger's back office: the inspection rounds (drafted, corrected, published), the import of a feedback list
with its row report, the office's task list with its filters, a bureau's own tasks, a task's page with its record,
units, sub-tasks, indicator links and whole timeline, and the office's task forms.

The office (rectification.manage) sees and writes everything; a bureau's editors (rectification.report) see the
tasks their bureau is a unit of, and another bureau's task is refused (403, audited)."""
from flask import Blueprint, Response, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from app.accounts.permissions import Permission
from app.errors import NotPermitted
from app.extensions import db
from app.i18n import local_today
from app.indicators.models import Indicator
from app.indicators.queries import catalogue_for_year, catalogue_indicators
from app.org.models import Bureau
from app.org.queries import bureaus, districts, the_city
from app.rectification import imports, listings, policy, services, timeline
from app.rectification.forms import ImportForm, NewTaskForm, RoundForm, TaskForm
from app.rectification.models import InspectionRound, RectificationTask, TaskIndicator, UnitRole
from app.rectification.workflow import TaskState
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.exports import XLSX_MIMETYPE
from app.web.forms import ConfirmForm, choices
from app.web.htmx import render, see_other
from app.web.pagination import paginate
from app.web.params import db_int

bp = Blueprint("rectification_admin", __name__, url_prefix="/admin/rectification")
REFUSED = "rectification.refused"
# Days before a deadline or a report is due that a task turns yellow (三色督办), unless the supervision part sets it.
WARN_DAYS = 7


def _warn_days() -> int:
    return int(current_app.config.get("RECTIFICATION_WARN_DAYS", WARN_DAYS))


def _status(error) -> int:
    return 403 if isinstance(error, NotPermitted) else 422


def event_titles() -> dict:
    """What a timeline entry says, whichever part of the ledger wrote it."""
    return timeline.titles()


@bp.get("/")
@permission_required(Permission.RECTIFICATION_REPORT)
def index():
    """The ledger's entry: the office's task list for the office, the bureau's own tasks for a bureau."""
    return tasks() if policy.is_office(current_user) else mine()


# --- rounds -------------------------------------------------------------------------------------------------

def _round(round_id: int) -> InspectionRound:
    return db.session.get(InspectionRound, round_id) or abort(404)


@bp.get("/rounds/")
@permission_required(Permission.RECTIFICATION_MANAGE)
def rounds():
    return render("admin/rectification/rounds.html", rows=listings.rounds_with_counts(db.session),
                  confirm=ConfirmForm())


def _round_input(form: RoundForm) -> services.RoundInput:
    return services.RoundInput(
        code=form.code.data or "", kind=form.kind.data or "", title_zh_hans=form.title_zh_hans.data or "",
        title_zh_hant=form.title_zh_hant.data or "", title_en=form.title_en.data or "", batch=form.batch.data or "",
        feedback_on=form.feedback_on.data, rule_zh_hans=form.rule_zh_hans.data or "",
        rule_zh_hant=form.rule_zh_hant.data or "", rule_en=form.rule_en.data or "",
        notice_days=form.notice_days.data or 0, notice_working_days=bool(form.notice_working_days.data),
        report_interval_months=form.report_interval_months.data or 0)


def _save_round(form: RoundForm, found: InspectionRound | None):
    def page(error=None):
        return render("admin/rectification/round_form.html", form=form, round=found,
                      status=_status(error) if error is not None else 422 if request.method == "POST" else 200)

    if not (request.method == "POST" and form.validate()):
        return page()
    data = _round_input(form)
    action = ((lambda: services.create_round(db.session, current_user, data)) if found is None
              else (lambda: services.update_round(db.session, current_user, found, data)))
    return act(action, success=_("The round was saved."), then=url_for(".rounds"), refused=page, form=form,
               summary=True, audit_as=REFUSED, subject=found)


@bp.route("/rounds/new", methods=["GET", "POST"])
@permission_required(Permission.RECTIFICATION_MANAGE)
def new_round():
    return _save_round(RoundForm(), None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.RECTIFICATION_MANAGE)
def edit_round(round_id: int):
    found = _round(round_id)
    return _save_round(RoundForm(obj=found), found)


@bp.post("/rounds/<int:round_id>/publish")
@permission_required(Permission.RECTIFICATION_MANAGE)
def publish_round(round_id: int):
    found = _round(round_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act(lambda: services.publish_round(db.session, current_user, found),
               success=_("The round is published: it and its tasks are in the public ledger."),
               then=url_for(".rounds"), refused=lambda error: see_other(url_for(".rounds")), audit_as=REFUSED,
               subject=found)


# --- import -------------------------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@permission_required(Permission.RECTIFICATION_MANAGE)
def import_tasks():
    """Upload a feedback list into a round: every row checked, then all registered, or nothing and the rows'
    errors."""
    form = ImportForm()
    all_rounds = list(db.session.scalars(select(InspectionRound).order_by(InspectionRound.id.desc())))
    form.round_id.choices = choices([(r.id, f"{r.code} {r.title}") for r in all_rounds])
    if request.method == "GET":
        form.round_id.data = request.args.get("round_id", type=db_int)
    errors: list[tuple[int, str]] = []
    if form.validate_on_submit():
        upload = form.file.data
        found = _round(form.round_id.data)
        result = imports.import_tasks(db.session, current_user, found, upload.stream.read(), today=local_today(),
                                      filename=secure_filename(upload.filename or "") or "upload")
        if not result.errors:
            db.session.commit()
            flash(_("Imported into %(round)s: %(tasks)d tasks and %(subtasks)d sub-tasks.", round=found.code,
                    tasks=result.tasks, subtasks=result.subtasks), "success")
            return see_other(url_for(".tasks", round=found.id))
        db.session.rollback()
        errors = result.errors
    return render("admin/rectification/import.html", form=form, errors=errors, headers=imports.TEMPLATE_HEADERS,
                  examples=services.DEADLINE_EXAMPLES, status=422 if request.method == "POST" else 200)


@bp.get("/import/template.xlsx")
@permission_required(Permission.RECTIFICATION_MANAGE)
def import_template():
    """An empty feedback list with the columns the import reads."""
    return Response(imports.template(), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": 'attachment; filename="rectification-list.xlsx"'})


# --- task lists ---------------------------------------------------------------------------------------------

def _filters(**fixed) -> listings.TaskFilters:
    args = request.args
    state = args.get("state", "")
    colour = args.get("colour", "")
    role = args.get("role", "")
    values = dict(round_id=args.get("round", type=db_int), place_id=args.get("district", type=db_int),
                  bureau_id=args.get("unit", type=db_int),
                  state=state if state in TaskState.values() else "",
                  colour=colour if colour in listings.COLOURS else "",
                  role=role if role in listings.ROLE_FILTERS else "")
    values.update(fixed)
    return listings.TaskFilters(**values)


def _list_page(template: str, filters: listings.TaskFilters, **context):
    today, warn_days = local_today(), _warn_days()
    page = paginate(listings.task_list(filters, today, warn_days), current_app.config["PAGE_SIZE"])
    return render(template, "admin/rectification/_task_rows.html", page=page,
                  rows=listings.judged(page.items, today, warn_days), filters=filters,
                  counts=listings.colour_counts(db.session, filters, today, warn_days),
                  colour_titles=listings.COLOUR_TITLES, states=list(TaskState), **context)


@bp.get("/tasks/")
@permission_required(Permission.RECTIFICATION_MANAGE)
def tasks():
    """Every task, narrowed by round, district, unit, state and colour, a page at a time."""
    return _list_page("admin/rectification/tasks.html", _filters(role=""), rounds=listings.rounds_with_counts(
        db.session), places=_places(), units=bureaus(db.session))


@bp.get("/mine")
@permission_required(Permission.RECTIFICATION_REPORT)
def mine():
    """The tasks the user's bureau is a unit of: those it leads, or those it co-operates on or supervises."""
    bureau = db.session.get(Bureau, current_user.bureau_id) if current_user.bureau_id else None
    filters = _filters(bureau_id=bureau.id if bureau else -1, round_id=None, place_id=None)
    return _list_page("admin/rectification/tasks_mine.html", filters, bureau=bureau)


# --- a task -------------------------------------------------------------------------------------------------

def _task(task_id: int) -> RectificationTask:
    task = db.session.get(RectificationTask, task_id) or abort(404)
    if not policy.can_see(db.session, current_user, task):
        deny(REFUSED, task)
    return task


@bp.get("/tasks/<int:task_id>")
@permission_required(Permission.RECTIFICATION_REPORT)
def task(task_id: int):
    """The task's record, units, sub-tasks, indicator links and whole timeline (internal entries too)."""
    found = _task(task_id)
    today, warn_days = local_today(), _warn_days()
    indicators = list(db.session.scalars(
        select(Indicator).join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
        .where(TaskIndicator.task_id == found.id).order_by(Indicator.catalogue_id, Indicator.sort_order)))
    units = sorted(found.units, key=lambda unit: (list(UnitRole).index(unit.role), unit.bureau.code))
    return render("admin/rectification/task.html", task=found, row=listings.judged([found], today, warn_days)[0],
                  units=units, indicators=indicators, titles=event_titles(), is_office=policy.is_office(current_user),
                  is_lead=policy.is_lead(current_user, found), colour_titles=listings.COLOUR_TITLES)


def _indicator_choices(task: RectificationTask | None) -> list[tuple[int, str]]:
    """The indicators of the catalogue in force, and those the task links already (of any catalogue)."""
    catalogue = catalogue_for_year(db.session, local_today().year)
    found = catalogue_indicators(db.session, catalogue) if catalogue is not None else []
    if task is not None:
        linked = db.session.scalars(select(Indicator).join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
                                    .where(TaskIndicator.task_id == task.id))
        found += [indicator for indicator in linked if indicator not in found]
    return [(indicator.id, f"{indicator.code} {indicator.name}") for indicator in found]


def _places() -> list:
    """The city, then its districts."""
    city = the_city(db.session)
    return ([city] if city else []) + districts(db.session)


def _task_choices(form: TaskForm, task: RectificationTask | None) -> None:
    places = _places()
    if task is not None and task.place not in places:
        places.append(task.place)
    units = bureaus(db.session)
    form.place_id.choices = choices([(0, _("— choose —"))] + [(p.id, p.name) for p in places])
    form.lead_bureau_id.choices = choices([(0, _("— choose —"))] + [(b.id, b.name) for b in units])
    form.cooperating_ids.choices = choices([(b.id, b.name) for b in units])
    form.supervising_ids.choices = choices([(b.id, b.name) for b in units])
    form.indicator_ids.choices = choices(_indicator_choices(task))


_INPUT_TEXTS = ("problem_zh_hans", "problem_zh_hant", "problem_en", "target_zh_hans", "target_zh_hant", "target_en",
                "measures_zh_hans", "measures_zh_hant", "measures_en", "source_ref", "responsible_text",
                "deadline_text")


def _task_input(form: TaskForm, parent_id: int | None) -> services.TaskInput:
    texts = {name: getattr(form, name).data or "" for name in _INPUT_TEXTS}
    return services.TaskInput(place_id=form.place_id.data or None, lead_bureau_id=form.lead_bureau_id.data or None,
                              cooperating_ids=form.cooperating_ids.data or [],
                              supervising_ids=form.supervising_ids.data or [],
                              indicator_ids=form.indicator_ids.data or [], parent_id=parent_id, **texts)


def _task_form_page(form, found: RectificationTask | None, status: int):
    return render("admin/rectification/task_form.html", form=form, task=found, status=status,
                  examples=services.DEADLINE_EXAMPLES)


@bp.route("/tasks/new", methods=["GET", "POST"])
@permission_required(Permission.RECTIFICATION_MANAGE)
def new_task():
    """Register a task by hand (or a sub-task: ?parent=<task id> fills in its round and parent)."""
    form = NewTaskForm()
    _task_choices(form, None)
    form.round_id.choices = choices([(r.id, f"{r.code} {r.title}") for r in db.session.scalars(
        select(InspectionRound).order_by(InspectionRound.id.desc()))])
    if request.method == "GET":
        parent = db.session.get(RectificationTask, request.args.get("parent", type=db_int) or 0)
        if parent is not None:
            form.round_id.data, form.parent_code.data = parent.round_id, parent.code
            form.place_id.data, form.lead_bureau_id.data = parent.place_id, parent.lead_bureau_id
        else:
            form.round_id.data = request.args.get("round", type=db_int)
    if not (request.method == "POST" and form.validate()):
        return _task_form_page(form, None, 422 if request.method == "POST" else 200)
    round_ = _round(form.round_id.data)
    parent_id = None
    if form.parent_code.data:
        parent_id = db.session.scalar(select(RectificationTask.id).where(
            RectificationTask.code == form.parent_code.data, RectificationTask.round_id == round_.id))
        if parent_id is None:
            form.parent_code.errors = [_("No task of this round has this number.")]
            return _task_form_page(form, None, 422)
    data = _task_input(form, parent_id)
    return act(lambda: services.create_task(db.session, current_user, round_, data, today=local_today()),
               success=lambda row: _("Task %(code)s was registered.", code=row.code),
               then=lambda row: url_for(".task", task_id=row.id),
               refused=lambda error: _task_form_page(form, None, _status(error)), form=form, summary=True,
               audit_as=REFUSED)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.RECTIFICATION_MANAGE)
def edit_task(task_id: int):
    found = _task(task_id)
    form = TaskForm(obj=found)
    _task_choices(form, found)
    if request.method == "GET":
        form.cooperating_ids.data = [u.bureau_id for u in found.units if u.role is UnitRole.COOPERATING]
        form.supervising_ids.data = [u.bureau_id for u in found.units if u.role is UnitRole.SUPERVISING]
        form.indicator_ids.data = list(db.session.scalars(select(TaskIndicator.indicator_id).where(
            TaskIndicator.task_id == found.id)))
    if not (request.method == "POST" and form.validate()):
        return _task_form_page(form, found, 422 if request.method == "POST" else 200)
    data = _task_input(form, found.parent_id)
    return act(lambda: services.update_task(db.session, current_user, found, data, today=local_today()),
               success=_("The task was saved."), then=url_for(".task", task_id=found.id),
               refused=lambda error: _task_form_page(form, db.session.get(RectificationTask, task_id),
                                                     _status(error)),
               form=form, summary=True, audit_as=REFUSED, subject=found)


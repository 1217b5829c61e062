"""Back office for indicators: a bureau's task list, value entry with evidence, the reviewer's queue."""
from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.utils import secure_filename

from app.accounts.permissions import Permission
from app.extensions import db
from app.i18n import local_today
from app.indicators import (assignments_import, catalogue_import, policy, preconditions, queries, services,
                            values_import, wording, xlsx)
from app.indicators.exports import XLSX_MIMETYPE
from app.indicators.forms import (AssignmentsImportForm, CatalogueImportForm, PreconditionDefinitionForm,
                                  PreconditionForm, ReviewForm, ValueForm, ValuesImportForm)
from app.indicators.judging import measure_inputs, place_attributes
from app.indicators.models import (IndicatorCatalogue, IndicatorMeasure, IndicatorPrecondition, IndicatorValue,
                                   ValueState)
from app.indicators.periods import PeriodError, parse_period
from app.org.models import Place
from app.org.queries import districts, the_city
from app.web.auth import deny, permission_required
from app.web.actions import act
from app.web.htmx import render, see_other

bp = Blueprint("indicators_admin", __name__, url_prefix="/admin/indicators")


@bp.context_processor
def wording_context() -> dict:
    """Stored names in the reader's language, as on the public pages (app.indicators.wording)."""
    return {"words": wording}


def _in_force(period: str):
    """The catalogue a period is judged under, and the city and its districts."""
    catalogue = queries.catalogue_for_year(db.session, parse_period(period).year) or abort(404)
    return catalogue, [p for p in [the_city(db.session), *districts(db.session)] if p]


def _read_upload(form) -> list[dict] | None:
    """The uploaded sheet's rows, or None with the error put on the form's file field."""
    try:
        return xlsx.read_rows(form.file.data.stream)
    except xlsx.SheetError:
        form.file.errors.append(_("The file is not a readable XLSX workbook."))
        return None


def _sheet_import(form, run, *, success, then: str, page):
    """A sheet import: on a valid upload `run(rows)` checks every row, and either every row passed and all is
    committed (flashing `success(result)`, then on to `then`), or nothing is kept and `page(errors, status)` shows
    the rows' errors with the form again."""
    errors = []
    if form.validate_on_submit():
        rows = _read_upload(form)
        if rows is not None:
            result = run(rows)
            if not result.errors:
                db.session.commit()
                flash(success(result), "success")
                return see_other(then)
            db.session.rollback()
            errors = result.errors
    return page(errors, 422 if request.method == "POST" else 200)


def _period() -> str:
    asked = request.args.get("period", "").strip() or str(local_today().year - 1)
    try:
        return str(parse_period(asked, today=local_today()))
    except PeriodError:
        abort(404)


@bp.get("/")
@permission_required(Permission.INDICATORS_EDIT)
def tasks():
    """The indicators this user's bureau leads (all, for admins) × places, with the state of each value."""
    period = _period()
    catalogue, places = _in_force(period)
    indicators = [i for i in queries.catalogue_indicators(db.session, catalogue)
                  if policy.can_edit(current_user, i)]
    latest = queries.latest_versions(db.session, [m.id for i in indicators for m in (*i.measures, *i.entered_measures)],
                                     period)
    return render("admin/indicators/tasks.html", period=period, catalogue=catalogue, indicators=indicators,
                  places=places, latest=latest)


def _load(measure_id: int, place_id: int):
    measure = db.session.get(IndicatorMeasure, measure_id) or abort(404)
    place = db.session.get(Place, place_id) or abort(404)
    if not policy.can_edit_measure(current_user, measure):
        deny("indicators.edit_denied", measure.indicator)
    return measure, place


def _input(form: ValueForm) -> services.ValueInput:
    task = {"yes": True, "no": False}.get(form.task_completed.data)
    return services.ValueInput(
        numeric_value=form.numeric_value.data, state_value=form.state_value.data or None, task_completed=task,
        not_applicable=form.not_applicable.data, not_applicable_reason=form.not_applicable_reason.data or "",
        evidence=form.evidence.data or "", source=form.source.data or "",
        correction_reason=form.correction_reason.data or "")


@bp.route("/values/<int:measure_id>/<int:place_id>/<period>", methods=["GET", "POST"])
@permission_required(Permission.INDICATORS_EDIT)
def edit_value(measure_id: int, place_id: int, period: str):
    measure, place = _load(measure_id, place_id)
    history = services.versions(db.session, measure.id, place.id, period)
    current = history[0] if history else None
    editable = current if current is not None and current.state.is_editable else None
    form = ValueForm(obj=editable)
    if request.method == "GET" and editable is not None and editable.task_completed is not None:
        form.task_completed.data = "yes" if editable.task_completed else "no"
    if measure.target_of is not None:
        form.numeric_value.label.text = _("Target set by the higher authority (%(unit)s)", unit=measure.unit or "-")

    def page(status: int):
        needed = measure_inputs(measure, place_attributes(place))
        return render("admin/indicators/value_form.html", form=form, measure=measure, place=place, period=period,
                      history=history, needed=needed, status=status,
                      files=queries.evidence_files(db.session, [v.id for v in history]))

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    files = [(f.filename or "", f.read()) for f in (form.evidence_files.data or []) if f and f.filename]

    def save():
        checked = services.check_evidence_files(files, current_app.config["MAX_EVIDENCE_BYTES"])
        value = services.save_draft(db.session, current_user, measure, place, period, _input(form),
                                    today=local_today())
        services.attach_evidence(db.session, current_user, value, checked, current_app.config["UPLOAD_DIR"])
        if form.submit_for_review.data:
            services.submit_value(db.session, current_user, value)

    return act(save, success=_("Submitted for review.") if form.submit_for_review.data else _("Draft saved."),
               then=url_for(".tasks", period=period), refused=lambda error: page(422), form=form, summary=True,
               audit_as="indicators.edit_denied", subject=measure.indicator)


@bp.get("/board")
@permission_required(Permission.INDICATORS_BOARD)
def board():
    """The task-breakdown board (任务分解表): what is missing, returned or waiting, and whether it is overdue."""
    period = _period()
    catalogue, places = _in_force(period)
    bureaus, by_place = queries.task_board(db.session, catalogue, period, places)
    month, day = (int(part) for part in current_app.config["INDICATOR_DUE_MONTH_DAY"].split("-"))
    due = date(parse_period(period).year + 1, month, day)
    return render("admin/indicators/board.html", period=period, catalogue=catalogue, bureaus=bureaus,
                  by_place=by_place, due=due, overdue=local_today() > due)


@bp.route("/import", methods=["GET", "POST"])
@permission_required(Permission.INDICATORS_EDIT)
def import_values():
    """Upload a sheet of values; all rows are checked, then all submitted for review, or none."""
    period = _period()
    catalogue, _places = _in_force(period)
    form = ValuesImportForm()
    return _sheet_import(
        form, lambda rows: values_import.import_values(db.session, current_user, catalogue, rows, today=local_today()),
        success=lambda result: _("%(n)d values imported and submitted for review.", n=result.saved),
        then=url_for(".tasks", period=period),
        page=lambda errors, status: render("admin/indicators/import.html", form=form, errors=errors, period=period,
                                           status=status))


@bp.get("/import/template.xlsx")
@permission_required(Permission.INDICATORS_EDIT)
def import_template():
    """A sheet pre-filled with the indicator codes and places this user may enter, for one period."""
    period = _period()
    catalogue, places = _in_force(period)
    rows = [[m.code, place.code, period, "", "", "", "", f"{i.name} · {m.name} · {m.target} {m.unit}".strip(),
             place.name]
            for i in queries.catalogue_indicators(db.session, catalogue) if policy.can_edit(current_user, i)
            for place in places if i.applies_to(place) for m in i.entered_measures]
    body = xlsx.write_rows(period, values_import.HEADERS + ["indicator (for reference)", "place name"], rows)
    return Response(body, mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f'attachment; filename="indicator-values-{period}.xlsx"'})


@bp.route("/catalogues/import", methods=["GET", "POST"])
@permission_required(Permission.INDICATORS_BOARD)
def import_catalogue():
    """Load another official catalogue version (e.g. the 2024 city table) from its XLSX."""
    form = CatalogueImportForm()
    return _sheet_import(
        form, lambda rows: catalogue_import.import_catalogue(
            db.session, current_user, code=form.code.data.strip(), name_zh_hans=form.name_zh_hans.data.strip(),
            name_en=form.name_en.data or "", document=form.document.data or "", first_year=form.first_year.data,
            last_year=form.last_year.data, rows=rows),
        success=lambda result: _("The catalogue %(code)s has been loaded.", code=result.catalogue.code),
        then=url_for(".board"),
        page=lambda errors, status: render("admin/indicators/catalogue_import.html", form=form, errors=errors,
                                           status=status))


@bp.route("/catalogues/<int:catalogue_id>/assignments", methods=["GET", "POST"])
@permission_required(Permission.INDICATORS_BOARD)
def import_assignments(catalogue_id: int):
    """Re-assign a catalogue's lead bureaus from the task-breakdown table (任务分解表); all rows valid, or none."""
    catalogue = db.session.get(IndicatorCatalogue, catalogue_id) or abort(404)
    form = AssignmentsImportForm()
    return _sheet_import(
        form, lambda rows: assignments_import.import_assignments(db.session, current_user, catalogue, rows),
        success=lambda result: _("Lead bureaus imported: %(n)d indicators changed.", n=result.changed),
        then=url_for(".import_assignments", catalogue_id=catalogue.id),
        page=lambda errors, status: render("admin/indicators/assignments_import.html", form=form, errors=errors,
                                           status=status, catalogue=catalogue,
                                           indicators=queries.catalogue_indicators(db.session, catalogue)))


@bp.get("/catalogues/<int:catalogue_id>/assignments/template.xlsx")
@permission_required(Permission.INDICATORS_BOARD)
def assignments_template(catalogue_id: int):
    """The catalogue's current lead bureaus as a sheet to edit and upload again."""
    catalogue = db.session.get(IndicatorCatalogue, catalogue_id) or abort(404)
    rows = [[i.code, i.name_zh_hans, i.lead_bureau.code if i.lead_bureau else "",
             i.lead_bureau.name_zh_hans if i.lead_bureau else ""]
            for i in queries.catalogue_indicators(db.session, catalogue)]
    body = xlsx.write_rows("任务分解表", assignments_import.TEMPLATE_HEADERS, rows)
    filename = secure_filename(f"lead-bureaus-{catalogue.code}.xlsx")
    return Response(body, mimetype=XLSX_MIMETYPE, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/review")
@permission_required(Permission.INDICATORS_REVIEW)
def review_queue():
    waiting = db.session.scalars(select(IndicatorValue).where(IndicatorValue.state == ValueState.SUBMITTED)
                                 .order_by(IndicatorValue.submitted_at)).all()
    return render("admin/indicators/review.html", waiting=waiting, form=ReviewForm(),
                  files=queries.evidence_files(db.session, [v.id for v in waiting]))


@bp.post("/values/<int:value_id>/<action>")
@permission_required(Permission.INDICATORS_REVIEW)
def review(value_id: int, action: str):
    value = db.session.get(IndicatorValue, value_id) or abort(404)
    form = ReviewForm()
    if action not in ("approve", "return") or not form.validate_on_submit():
        abort(400)
    if action == "approve":
        step, success = lambda: services.approve_value(db.session, current_user, value), _("Approved and published.")
    else:
        step, success = (lambda: services.return_value(db.session, current_user, value, form.comment.data or ""),
                         _("Returned to the editor."))
    queue = url_for(".review_queue")
    return act(step, success=success, then=queue, refused=lambda error: see_other(queue))




def _checklist_year() -> int:
    """The year asked for (?year=), else last year; a year with no catalogue in force is not found."""
    asked = request.args.get("year", "").strip() or str(local_today().year - 1)
    if not asked.isdigit() or not 2000 <= int(asked) <= local_today().year:
        abort(404)
    return int(asked)


def _checklist_page(year: int, place, posted=None, status: int = 200, new_form=None):
    """The checklist of one place and year: each precondition with the office's finding and a form to record it,
    and a form to add a precondition; `posted` is the (precondition id, form) just refused, `new_form` a refused
    new precondition, each shown with what was typed."""
    catalogue = queries.catalogue_for_year(db.session, year) or abort(404)
    places = [p for p in [the_city(db.session), *districts(db.session)] if p]
    checklist = preconditions.checklists(db.session, catalogue, year, [place])[place.id]
    forms = {}
    for item in checklist.items:
        if posted is not None and posted[0] == item.precondition.id:
            forms[item.precondition.id] = posted[1]
        else:
            data = {"status": item.check.status, "notes": item.check.notes} if item.check else {}
            forms[item.precondition.id] = PreconditionForm(formdata=None, prefix=f"c{item.precondition.id}", data=data)
    return render("admin/indicators/preconditions.html", year=year, place=place, places=places, catalogue=catalogue,
                  checklist=checklist, forms=forms, status=status,
                  new_form=new_form or PreconditionDefinitionForm(formdata=None, prefix="new"))


@bp.get("/preconditions")
@permission_required(Permission.INDICATORS_PRECONDITIONS)
def preconditions_checklist():
    """The preconditions (基本条件) checklist of one place for one year, as the office records it."""
    year = _checklist_year()
    code = request.args.get("place", "").strip()
    places = _checklist_places()
    place = next((p for p in places if p.code == code), None) if code else (places[0] if places else None)
    return _checklist_page(year, place or abort(404))


def _checklist_places() -> list[Place]:
    """The places the preconditions are checked for: the city and its active districts."""
    return [p for p in [the_city(db.session), *districts(db.session)] if p]


def _checklist_place(place_id: int) -> Place:
    return next((p for p in _checklist_places() if p.id == place_id), None) or abort(404)


def _catalogue_in_force(year: int):
    """The catalogue version a checklist year is judged under; 404 for a future year or a year without one."""
    if year > local_today().year:
        abort(404)
    return queries.catalogue_for_year(db.session, year) or abort(404)


@bp.post("/preconditions/<int:year>/<int:place_id>/<int:precondition_id>")
@permission_required(Permission.INDICATORS_PRECONDITIONS)
def record_precondition(year: int, place_id: int, precondition_id: int):
    """Record the office's finding on one precondition; a refused finding comes back with what was typed."""
    place = _checklist_place(place_id)
    precondition = db.session.get(IndicatorPrecondition, precondition_id) or abort(404)
    if precondition.catalogue_id != _catalogue_in_force(year).id:
        abort(404)
    form = PreconditionForm(prefix=f"c{precondition.id}")

    def refused(error=None):
        return _checklist_page(year, place, posted=(precondition.id, form), status=422)

    if not form.validate_on_submit():
        return refused()
    return act(lambda: preconditions.record_check(db.session, current_user, precondition, place, year,
                                                  form.status.data, form.notes.data or "", today=local_today()),
               success=_("Finding recorded."), refused=refused, form=form, summary=True,
               then=url_for(".preconditions_checklist", year=year, place=place.code,
                            _anchor=f"condition-{precondition.id}"))


@bp.post("/preconditions/<int:year>/<int:place_id>/new")
@permission_required(Permission.INDICATORS_PRECONDITIONS)
def add_precondition(year: int, place_id: int):
    """Add a precondition to the list of the catalogue in force in `year` (the page returned to is that place's)."""
    place = _checklist_place(place_id)
    catalogue = _catalogue_in_force(year)
    form = PreconditionDefinitionForm(prefix="new")

    def refused(error=None):
        return _checklist_page(year, place, status=422, new_form=form)

    if not form.validate_on_submit():
        return refused()
    return act(lambda: preconditions.add_precondition(
                   db.session, current_user, catalogue, code=form.code.data, name_zh_hans=form.name_zh_hans.data,
                   name_zh_hant=form.name_zh_hant.data or "", name_en=form.name_en.data or "",
                   source=form.source.data or ""),
               success=_("Precondition added."), refused=refused, form=form, summary=True,
               then=lambda row: url_for(".preconditions_checklist", year=year, place=place.code,
                                        _anchor=f"condition-{row.id}"))


def init_app(app) -> None:
    """The back office and its places in the staff navigation."""
    from flask_babel import lazy_gettext as _l

    from app.web.nav import add_staff

    app.register_blueprint(bp)
    add_staff(app, "indicators_admin.tasks", _l("Indicator values"), Permission.INDICATORS_EDIT,
              _l("Enter and submit the values of the indicators your bureau leads, with evidence."))
    add_staff(app, "indicators_admin.board", _l("Indicator task board"), Permission.INDICATORS_BOARD,
              _l("Missing, returned and waiting values per bureau and per district, against the deadline."))
    add_staff(app, "indicators_admin.preconditions_checklist", _l("Preconditions checklist"),
              Permission.INDICATORS_PRECONDITIONS,
              _l("Record, per place and year, whether each precondition is met, with the evidence."))
    add_staff(app, "indicators_admin.review_queue", _l("Review indicator values"), Permission.INDICATORS_REVIEW,
              _l("Approve or return values that editors submitted."))

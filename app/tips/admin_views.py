"""Handling tips: the queue with three-colour supervision, the case page with its steps, merging,
extensions, rewards, the exposure board, the audited look at a reporter's identity, photo clearing; the
overdue board with escalation; and the holiday calendar."""
from datetime import date

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app import audit
from app.accounts.permissions import Permission, Role
from app.extensions import db
from app.i18n import local_today
from app.org.queries import bureaus
from app.tips import queries, services
from app.tips.forms import (CalendarDayForm, ConfirmForm, EscalateForm, ExposureForm, ExtensionForm, MergeForm,
                            ReasonForm, RewardForm, StepForm)
from app.tips.models import RewardState, Tip, TipPhoto
from app.tips.views import _photo_dir, rules
from app.tips.workflow import (EVENT_TITLES, OFFICE_STEPS, OWN_FORM_STEPS, REPORTER_STEPS, Finding, Step, TipState,
                               allowed_steps)
from app.web.auth import deny, permission_required
from app.web.htmx import render, see_other
from app.web.params import db_int, page_arg
from app.workdays.days import colour_bounds
from app.workdays.models import CalendarDay, overrides

bp = Blueprint("tips_admin", __name__, url_prefix="/admin/tips")
calendar_bp = Blueprint("calendar_admin", __name__, url_prefix="/admin/calendar")


def _tip(tip_id: int) -> Tip:
    tip = db.session.get(Tip, tip_id) or abort(404)
    if not services.can_handle(current_user, tip):
        deny("tips.access_denied", tip)
    return tip


@bp.get("/")
@permission_required(Permission.TIPS_HANDLE)
def queue():
    """Open tips (the handler's bureau's, or all for the office) with the running deadline in colour."""
    state = request.args.get("state", "")
    if state and state not in {s.value for s in TipState}:
        state = ""
    colour = request.args.get("colour", "")
    if colour not in ("red", "yellow", "green"):
        colour = ""
    config, today, days = current_app.config, local_today(), overrides(db.session)
    bounds = colour_bounds(today, config["TIP_WARN_DAYS"], working=config["TIP_WORKING_DAYS"], overrides=days)
    size, page = config["PAGE_SIZE"], page_arg()
    tips = queries.staff_queue(db.session, current_user, state=state, colour=colour, bounds=bounds, limit=size + 1,
                               offset=(page - 1) * size)
    rows = queries.supervise(tips[:size], today, working=config["TIP_WORKING_DAYS"], overrides=days,
                             warn_days=config["TIP_WARN_DAYS"])
    counts = queries.queue_counts(db.session, current_user, bounds, state=state)
    return render("admin/tips/queue.html", "admin/tips/_queue_rows.html", rows=rows, counts=counts, state=state,
                  colour=colour, states=list(TipState), page=page, has_next=len(tips) > size)


@bp.get("/<int:tip_id>")
@permission_required(Permission.TIPS_HANDLE)
def detail(tip_id: int):
    return _detail_page(_tip(tip_id))


def _reward_form(tip: Tip, formdata=None) -> RewardForm:
    form = RewardForm(formdata=formdata)
    form.state.choices = [(s.value, s.title) for s in services.reward_choices(current_user, tip)]
    return form


def _step_form(*, posted: bool = False) -> StepForm:
    """The step form: empty for the case page, or the posted one (with its files)."""
    form = StepForm() if posted else StepForm(formdata=None)
    form.bureau_id.choices = [(b.id, b.name) for b in bureaus(db.session)]
    form.finding.choices = [("", _("— choose —"))] + [(f.value, f.title) for f in Finding]
    return form


def _detail_page(tip: Tip, *, status: int = 200, **forms):
    """The case page; forms given (kept with their input and errors after a refusal) replace the empty ones."""
    form = _step_form()
    is_office = current_user.role == Role.ADMIN
    steps = [s for s in allowed_steps(tip.state_enum) if s not in REPORTER_STEPS and s not in OWN_FORM_STEPS
             and (is_office or s not in OFFICE_STEPS)]
    supervised = queries.supervise([tip], local_today(), working=current_app.config["TIP_WORKING_DAYS"],
                                   overrides=overrides(db.session), warn_days=current_app.config["TIP_WARN_DAYS"])[0]
    can_merge = is_office and Step.MERGE in allowed_steps(tip.state_enum)
    suggested = tip.duplicate_of.public_number if tip.duplicate_of and tip.duplicate_of.state_enum.is_open else ""
    context = dict(step_form=None, failed_step=None,
                   extension_form=ExtensionForm(formdata=None), merge_form=MergeForm(formdata=None, into=suggested),
                   reward_form=_reward_form(tip), exposure_form=ExposureForm(formdata=None),
                   withdraw_form=ReasonForm(formdata=None), extension_error=None)
    context.update(forms)
    if context["step_form"] is not None and context["failed_step"] not in {s.value for s in steps}:
        for message in context["step_form"].form_errors:  # the step's form is not on the page: say it above
            flash(message, "error")
    return render("admin/tips/detail.html", tip=tip, form=form, steps=steps, supervised=supervised,
                  confirm=ConfirmForm(), reporter=None, Step=Step, is_office=is_office, can_merge=can_merge,
                  reward_refusal=services.reward_refusal(db.session, tip),
                  max_extension=current_app.config["TIP_EXTENSION_MAX_DAYS"], event_titles=EVENT_TITLES,
                  status=status, **context)


def _find_by_number(number: str) -> Tip | None:
    """A tip by its public number ("2026-000123") or its plain id."""
    try:
        return db.session.get(Tip, db_int(number.rsplit("-", 1)[-1]))
    except ValueError:
        return None


def _act(tip: Tip, action, success: str, *, status_on_error: int = 422, **forms):
    """Run a service action: commit and go back to the case on success; otherwise the case page again with the
    error and the typed input kept."""
    try:
        action()
    except services.TipError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _detail_page(db.session.get(Tip, tip.id), status=status_on_error, **forms)
    db.session.commit()
    flash(success, "success")
    return see_other(url_for(".detail", tip_id=tip.id))


@bp.post("/<int:tip_id>/merge")
@permission_required(Permission.TIPS_HANDLE)
def merge(tip_id: int):
    tip = _tip(tip_id)
    if current_user.role != Role.ADMIN:
        deny("tips.merge_denied", tip)
    form = MergeForm()
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, merge_form=form)
    into = _find_by_number(form.into.data)
    if into is None or not services.can_handle(current_user, into):
        form.into.errors.append(_("No tip has this number."))
        return _detail_page(tip, status=422, merge_form=form)
    return _act(tip, lambda: services.merge_tip(db.session, current_user, tip, into, rules()),
                _("Merged into tip %(number)s.", number=into.public_number), merge_form=form)


@bp.post("/<int:tip_id>/reward")
@permission_required(Permission.TIPS_HANDLE)
def reward(tip_id: int):
    tip = _tip(tip_id)
    form = _reward_form(tip, formdata=request.form)
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, reward_form=form)
    try:
        services.set_reward(db.session, current_user, tip, RewardState(form.state.data), form.amount.data,
                            form.note.data or "")
    except services.TipError as error:  # beside the field it is about, with the input kept
        db.session.rollback()
        _refused(form, error)
        return _detail_page(db.session.get(Tip, tip_id), status=422, reward_form=form)
    db.session.commit()
    flash(_("Reward recorded."), "success")
    return see_other(url_for(".detail", tip_id=tip_id))


@bp.post("/<int:tip_id>/exposure")
@permission_required(Permission.TIPS_HANDLE)
def expose(tip_id: int):
    tip = _tip(tip_id)
    if current_user.role != Role.ADMIN:
        deny("tips.expose_denied", tip)
    form = ExposureForm()
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, exposure_form=form)
    return _act(tip, lambda: services.publish_exposure(db.session, current_user, tip, form.title.data,
                                                       form.summary.data),
                _("Published on the exposure board."), exposure_form=form)


@bp.post("/<int:tip_id>/exposure/withdraw")
@permission_required(Permission.TIPS_HANDLE)
def withdraw_exposure(tip_id: int):
    tip = _tip(tip_id)
    if current_user.role != Role.ADMIN:
        deny("tips.expose_denied", tip)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, withdraw_form=form)
    return _act(tip, lambda: services.withdraw_exposure(db.session, current_user, tip, form.reason.data),
                _("Withdrawn from the exposure board."), withdraw_form=form)


@bp.get("/overdue")
@permission_required(Permission.TIPS_SUPERVISE)
def overdue():
    """The office's overdue board: every open tip past its deadline, by bureau, with escalation."""
    today, size = local_today(), current_app.config["PAGE_SIZE"]
    page = page_arg()
    tips = queries.overdue(db.session, today, limit=size + 1, offset=(page - 1) * size)
    rows = queries.supervise(tips[:size], today,
                             working=current_app.config["TIP_WORKING_DAYS"], overrides=overrides(db.session),
                             warn_days=current_app.config["TIP_WARN_DAYS"])
    names = {b.id: b.name for b in bureaus(db.session)}
    by_bureau = [(names.get(bureau_id, _("Not yet routed")), count)
                 for bureau_id, count in queries.overdue_by_bureau(db.session, today)]
    return render("admin/tips/overdue.html", rows=rows, by_bureau=by_bureau, form=EscalateForm(formdata=None),
                  page=page, has_next=len(tips) > size)


@bp.post("/<int:tip_id>/escalate")
@permission_required(Permission.TIPS_SUPERVISE)
def escalate(tip_id: int):
    tip = _tip(tip_id)
    form = EscalateForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.escalate(db.session, current_user, tip, queries.current_due(tip), local_today(), form.note.data or "")
    except services.TipError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Escalated: tip %(number)s.", number=tip.public_number), "success")
    return see_other(url_for(".overdue"))


def _refused(form, error) -> None:
    """Put a service's refusal next to the field it is about, or at the top of the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error)]
    else:
        form.form_errors.append(str(error))


@bp.post("/<int:tip_id>/step/<step>")
@permission_required(Permission.TIPS_HANDLE)
def take_step(tip_id: int, step: str):
    tip = _tip(tip_id)
    form = _step_form(posted=True)
    if step not in {s.value for s in Step}:
        abort(400)
    if Step(step) in OFFICE_STEPS and current_user.role != Role.ADMIN:
        deny("tips.step_denied", tip)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _detail_page(tip, status=422, step_form=form, failed_step=step)
    photos = []
    for upload in [f for f in (form.photos.data or []) if f and f.filename]:
        try:
            photos.append(services.process_photo(upload.read(), current_app.config["MAX_TIP_PHOTO_BYTES"]))
        except services.TipError as error:
            form.photos.errors = [*form.photos.errors, f"{upload.filename}: {error}"]
    if form.photos.errors:
        form.photos.errors.append(_("Nothing was sent yet: choose the photos again (your text is kept)."))
        return _detail_page(tip, status=422, step_form=form, failed_step=step)
    # The finding (属实 / 部分属实 / 不属实) decides whether a reward is possible: asked on every conclusion here.
    if step == Step.CONCLUDE.value and Step.CONCLUDE in allowed_steps(tip.state_enum) and not form.finding.data:
        form.finding.errors = [_("Say whether the report was substantiated, partly substantiated or not "
                                 "substantiated.")]
        return _detail_page(tip, status=422, step_form=form, failed_step=step)
    bureau = next((b for b in bureaus(db.session) if b.id == form.bureau_id.data), None)
    try:
        services.take_step(db.session, current_user, tip, Step(step), rules(), note=form.note.data or "",
                           bureau=bureau, findings=form.findings.data or "",
                           measures_taken=form.measures_taken.data or "", reply=form.reply.data or "",
                           finding=form.finding.data or None, photos=photos, upload_dir=_photo_dir())
    except services.TipError as error:
        db.session.rollback()
        _refused(form, error)
        return _detail_page(db.session.get(Tip, tip_id), status=422, step_form=form, failed_step=step)
    db.session.commit()
    flash(_("Done: %(step)s.", step=Step(step).title), "success")
    return see_other(url_for(".detail", tip_id=tip_id))


@bp.post("/<int:tip_id>/extension")
@permission_required(Permission.TIPS_HANDLE)
def request_extension(tip_id: int):
    tip = _tip(tip_id)
    form = ExtensionForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _detail_page(tip, status=422, extension_form=form)
    try:
        services.request_extension(db.session, current_user, tip, form.days.data, form.reason.data, rules())
    except services.TipError as error:
        db.session.rollback()
        _refused(form, error)
        return _detail_page(db.session.get(Tip, tip_id), status=422, extension_form=form)
    db.session.commit()
    flash(_("Extension requested."), "success")
    return see_other(url_for(".detail", tip_id=tip_id))


@bp.post("/<int:tip_id>/extension/<decision>")
@permission_required(Permission.TIPS_HANDLE)
def decide_extension(tip_id: int, decision: str):
    tip = _tip(tip_id)
    if decision not in ("approve", "refuse") or not ConfirmForm().validate_on_submit():
        abort(400)
    if current_user.role != Role.ADMIN:
        deny("tips.extension_decision_denied", tip)
    try:
        services.decide_extension(db.session, current_user, tip, decision == "approve", rules())
    except services.TipError as error:  # shown on the decision itself
        db.session.rollback()
        return _detail_page(db.session.get(Tip, tip_id), status=422, extension_error=str(error))
    db.session.commit()
    flash(_("Extension approved.") if decision == "approve" else _("Extension refused."), "success")
    return see_other(url_for(".detail", tip_id=tip_id))


@bp.post("/<int:tip_id>/reporter")
@permission_required(Permission.TIPS_HANDLE)
def reveal_reporter(tip_id: int):
    """Show the reporter's name and phone on this one response; the look is audited."""
    tip = _tip(tip_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reporter = services.reveal_reporter(db.session, current_user, tip)
    db.session.commit()
    return render("admin/tips/_reporter.html", "admin/tips/_reporter.html", tip=tip, reporter=reporter)


@bp.post("/photos/<int:photo_id>/<decision>")
@permission_required(Permission.TIPS_HANDLE)
def clear_photo(photo_id: int, decision: str):
    photo = db.session.get(TipPhoto, photo_id) or abort(404)
    _tip(photo.tip_id)
    if decision not in ("clear", "hide") or not ConfirmForm().validate_on_submit():
        abort(400)
    services.clear_photo(db.session, current_user, photo, decision == "clear")
    db.session.commit()
    return see_other(url_for(".detail", tip_id=photo.tip_id) + "#photos")


@calendar_bp.route("/", methods=["GET", "POST"])
@permission_required(Permission.CALENDAR_MANAGE)
def index():
    form = CalendarDayForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            day = date.fromisoformat(form.day.data)
        except ValueError:
            form.day.errors.append(_("Enter the date as YYYY-MM-DD."))
        else:
            existing = db.session.get(CalendarDay, day)
            before = {"is_working_day": existing.is_working_day, "note": existing.note} if existing else None
            row = existing or CalendarDay(day=day)
            row.is_working_day, row.note = form.is_working_day.data == "1", (form.note.data or "").strip()
            db.session.add(row)
            audit.record(db.session, "calendar.set_day", None, actor=current_user, object_type="calendar_days",
                         object_id=day.isoformat(), before=before,
                         after={"is_working_day": row.is_working_day, "note": row.note})
            db.session.commit()
            flash(_("Saved."), "success")
            return see_other(url_for(".index"))
    days = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day.desc())).all()
    return render("admin/calendar.html", form=form, days=days, confirm=ConfirmForm(), status=status)


@calendar_bp.post("/<day>/delete")
@permission_required(Permission.CALENDAR_MANAGE)
def delete_day(day: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        row = db.session.get(CalendarDay, date.fromisoformat(day))
    except ValueError:
        row = None
    if row is None:
        abort(404)
    audit.record(db.session, "calendar.remove_day", None, actor=current_user, object_type="calendar_days",
                 object_id=day, before={"is_working_day": row.is_working_day, "note": row.note})
    db.session.delete(row)
    db.session.commit()
    return see_other(url_for(".index"))

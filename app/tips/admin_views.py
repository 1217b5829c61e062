"""Handling tips: the queue with three-colour supervision, the case page with its steps, merging,
extensions, rewards, the exposure board, the audited look at a reporter's identity, photo clearing; and the
overdue board with escalation."""
from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import Permission
from app.extensions import db
from app.i18n import local_today
from app.org.queries import bureaus
from app.tips import policy, queries, services
from app.tips.forms import (DecisionForm, EscalateForm, ExposureForm, ExtensionForm, MergeForm, ReasonForm, RewardForm,
                            StepForm)
from app.tips.models import RewardState, Tip, TipPhoto
from app.tips.settings import rules
from app.tips.storage import photo_dir, read_photos
from app.tips.workflow import (EVENT_TITLES, OFFICE_STEPS, OWN_FORM_STEPS, REPORTER_STEPS, Finding, Step, TipState,
                               allowed_steps)
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import is_partial_request, render, see_other
from app.web.pagination import paginate
from app.web.params import db_int
from app.workdays.days import colour_bounds
from app.workdays.models import overrides

bp = Blueprint("tips_admin", __name__, url_prefix="/admin/tips")


def _require_office(tip: Tip, refused_as: str) -> None:
    """Refuse (403, audited as `refused_as`) anyone but the office."""
    if not policy.is_office(current_user):
        deny(refused_as, tip)


def _tip(tip_id: int) -> Tip:
    tip = db.session.get(Tip, tip_id) or abort(404)
    if not policy.can_handle(current_user, tip):
        deny("tips.access_denied", tip)
    return tip


def _supervised(tips, days=None) -> list:
    """The tips with their running deadline, the days left and the colour."""
    config = current_app.config
    return queries.supervise(tips, local_today(), working=config["TIP_WORKING_DAYS"],
                             overrides=overrides(db.session) if days is None else days,
                             warn_days=config["TIP_WARN_DAYS"])


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
    config, days = current_app.config, overrides(db.session)
    bounds = colour_bounds(local_today(), config["TIP_WARN_DAYS"], working=config["TIP_WORKING_DAYS"],
                           overrides=days)
    page = paginate(lambda **rows: queries.staff_queue(db.session, current_user, state=state, colour=colour,
                                                        bounds=bounds, **rows), config["PAGE_SIZE"])
    counts = queries.queue_counts(db.session, current_user, bounds, state=state)
    return render("admin/tips/queue.html", "admin/tips/_queue_rows.html", rows=_supervised(page.items, days),
                  page=page, counts=counts, state=state, states=list(TipState))


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
    """The case page, or for htmx its action panel (with the summary and timeline out of band); forms given (kept
    with their input and errors after a refusal) replace the empty ones."""
    form = _step_form()
    is_office = policy.is_office(current_user)
    steps = [s for s in allowed_steps(tip.state) if s not in REPORTER_STEPS and s not in OWN_FORM_STEPS
             and (is_office or s not in OFFICE_STEPS)]
    suggested = tip.duplicate_of.public_number if tip.duplicate_of and tip.duplicate_of.state.is_open else ""
    context = dict(step_form=None, failed_step=None,
                   extension_form=ExtensionForm(formdata=None), merge_form=MergeForm(formdata=None, into=suggested),
                   reward_form=_reward_form(tip), exposure_form=ExposureForm(formdata=None),
                   withdraw_form=ReasonForm(formdata=None), decision_form=DecisionForm(formdata=None))
    context.update(forms)
    if context["step_form"] is not None and context["failed_step"] not in {s.value for s in steps}:
        for message in context["step_form"].form_errors:  # the step's form is not on the page: say it above
            flash(message, "error")
    decides_extension = is_office and tip.extension_pending
    if not decides_extension:  # no decision waiting to show a refusal on: say it above
        for message in context["decision_form"].decision.errors:
            flash(message, "error")
    return render("admin/tips/detail.html", "admin/tips/_actions.html", tip=tip, form=form, steps=steps,
                  supervised=_supervised([tip])[0], refresh=is_partial_request(),
                  confirm=ConfirmForm(), reporter=None, is_office=is_office,
                  can_merge=is_office and Step.MERGE in allowed_steps(tip.state),
                  may_publish=is_office and tip.publishable,
                  may_ask_extension=tip.may_ask_extension,
                  decides_extension=decides_extension,
                  reward_refusal=services.reward_refusal(db.session, tip),
                  max_extension=current_app.config["TIP_EXTENSION_MAX_DAYS"], event_titles=EVENT_TITLES,
                  status=status, **context)


def _act(tip: Tip, action, success: str | None, *, form=None, refused_as: str = "tips.access_denied",
         then: str | None = None, summary: bool = False, **forms):
    """Run a service action on the tip: commit and go back to the case on success (with htmx, its action panel
    again); otherwise the case page or its panel again (422), the message beside the field of `form` it is about
    (or, with `summary`, in its error summary), and the forms with what was typed."""
    return act(action, success=success, then=then or url_for(".detail", tip_id=tip.id),
               refused=lambda error: _detail_page(db.session.get(Tip, tip.id), status=422, **forms),
               fragment=lambda result: _detail_page(db.session.get(Tip, tip.id)),
               form=form, audit_as=refused_as, subject=tip, summary=summary)


def _find_by_number(number: str) -> Tip | None:
    """A tip by its public number ("2026-000123") or its plain id."""
    try:
        return db.session.get(Tip, db_int(number.rsplit("-", 1)[-1]))
    except ValueError:
        return None


@bp.post("/<int:tip_id>/merge")
@permission_required(Permission.TIPS_HANDLE)
def merge(tip_id: int):
    tip = _tip(tip_id)
    _require_office(tip, "tips.merge_denied")
    form = MergeForm()
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, merge_form=form)
    into = _find_by_number(form.into.data)
    if into is None or not policy.can_handle(current_user, into):
        form.into.errors.append(_("No tip has this number."))
        return _detail_page(tip, status=422, merge_form=form)
    return _act(tip, lambda: services.merge_tip(db.session, current_user, tip, into, rules()),
                _("Merged into tip %(number)s.", number=into.public_number), form=form, refused_as="tips.merge_denied",
                merge_form=form)


@bp.post("/<int:tip_id>/reward")
@permission_required(Permission.TIPS_HANDLE)
def reward(tip_id: int):
    tip = _tip(tip_id)
    form = _reward_form(tip, formdata=request.form)
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, reward_form=form)
    return _act(tip, lambda: services.set_reward(db.session, current_user, tip, RewardState(form.state.data),
                                                 form.amount.data, form.note.data or ""),
                _("Reward recorded."), form=form, reward_form=form)


@bp.post("/<int:tip_id>/exposure")
@permission_required(Permission.TIPS_HANDLE)
def expose(tip_id: int):
    tip = _tip(tip_id)
    _require_office(tip, "tips.expose_denied")
    form = ExposureForm()
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, exposure_form=form)
    return _act(tip, lambda: services.publish_exposure(db.session, current_user, tip, form.title.data,
                                                       form.summary.data),
                _("Published on the exposure board."), form=form, refused_as="tips.expose_denied", exposure_form=form)


@bp.post("/<int:tip_id>/exposure/withdraw")
@permission_required(Permission.TIPS_HANDLE)
def withdraw_exposure(tip_id: int):
    tip = _tip(tip_id)
    _require_office(tip, "tips.expose_denied")
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail_page(tip, status=422, withdraw_form=form)
    return _act(tip, lambda: services.withdraw_exposure(db.session, current_user, tip, form.reason.data),
                _("Withdrawn from the exposure board."), form=form, refused_as="tips.expose_denied",
                withdraw_form=form)


@bp.get("/overdue")
@permission_required(Permission.TIPS_SUPERVISE)
def overdue():
    """The office's overdue board: every open tip past its deadline, by bureau, with escalation."""
    today = local_today()
    page = paginate(lambda **rows: queries.overdue(db.session, today, **rows), current_app.config["PAGE_SIZE"])
    names = {b.id: b.name for b in bureaus(db.session)}
    by_bureau = [(names.get(bureau_id, _("Not yet routed")), count)
                 for bureau_id, count in queries.overdue_by_bureau(db.session, today)]
    return render("admin/tips/overdue.html", rows=_supervised(page.items), page=page, by_bureau=by_bureau,
                  form=EscalateForm(formdata=None))


@bp.post("/<int:tip_id>/escalate")
@permission_required(Permission.TIPS_SUPERVISE)
def escalate(tip_id: int):
    tip = _tip(tip_id)
    form = EscalateForm()
    if not form.validate_on_submit():
        abort(400)
    board = url_for(".overdue")
    # From the board, the answer is the board again, with the message (the case page has no escalation form).
    return act(lambda: services.escalate(db.session, current_user, tip, queries.current_due(tip), local_today(),
                                         form.note.data or ""),
               success=_("Escalated: tip %(number)s.", number=tip.public_number), then=board,
               refused=lambda error: see_other(board), audit_as="tips.access_denied", subject=tip)


@bp.post("/<int:tip_id>/step/<step>")
@permission_required(Permission.TIPS_HANDLE)
def take_step(tip_id: int, step: str):
    tip = _tip(tip_id)
    form = _step_form(posted=True)
    if step not in {s.value for s in Step}:
        abort(400)
    if Step(step) in OFFICE_STEPS:
        _require_office(tip, "tips.step_denied")
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _detail_page(tip, status=422, step_form=form, failed_step=step)
    photos = read_photos(form.photos)
    if form.photos.errors:
        return _detail_page(tip, status=422, step_form=form, failed_step=step)
    # The finding (属实 / 部分属实 / 不属实) decides whether a reward is possible: asked on every conclusion here.
    if step == Step.CONCLUDE.value and Step.CONCLUDE in allowed_steps(tip.state) and not form.finding.data:
        form.finding.errors = [_("Say whether the report was substantiated, partly substantiated or not "
                                 "substantiated.")]
        return _detail_page(tip, status=422, step_form=form, failed_step=step)
    bureau = next((b for b in bureaus(db.session) if b.id == form.bureau_id.data), None)
    return _act(tip, lambda: services.take_step(
        db.session, current_user, tip, Step(step), rules(), note=form.note.data or "", bureau=bureau,
        findings=form.findings.data or "", measures_taken=form.measures_taken.data or "", reply=form.reply.data or "",
        finding=form.finding.data or None, photos=photos, upload_dir=photo_dir()),
        _("Done: %(step)s.", step=Step(step).title), form=form, refused_as="tips.step_denied", summary=True,
        step_form=form, failed_step=step)


@bp.post("/<int:tip_id>/extension")
@permission_required(Permission.TIPS_HANDLE)
def request_extension(tip_id: int):
    tip = _tip(tip_id)
    form = ExtensionForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _detail_page(tip, status=422, extension_form=form)
    return _act(tip, lambda: services.request_extension(db.session, current_user, tip, form.days.data,
                                                        form.reason.data, rules()),
                _("Extension requested."), form=form, extension_form=form)


@bp.post("/<int:tip_id>/extension/<decision>")
@permission_required(Permission.TIPS_HANDLE)
def decide_extension(tip_id: int, decision: str):
    tip = _tip(tip_id)
    form = DecisionForm()
    if decision not in ("approve", "refuse") or not form.validate_on_submit():
        abort(400)
    _require_office(tip, "tips.extension_decision_denied")

    def decide():
        try:
            return services.decide_extension(db.session, current_user, tip, decision == "approve", rules())
        except services.TipError as error:  # shown on the decision's card, whatever it is about
            error.field = "decision"
            raise
    return _act(tip, decide,
                _("Extension approved.") if decision == "approve" else _("Extension refused."), form=form,
                refused_as="tips.extension_decision_denied", decision_form=form)


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
    tip = _tip(photo.tip_id)
    if decision not in ("clear", "hide") or not ConfirmForm().validate_on_submit():
        abort(400)
    return _act(tip, lambda: services.clear_photo(db.session, current_user, photo, decision == "clear"), None,
                then=url_for(".detail", tip_id=tip.id) + "#photos")

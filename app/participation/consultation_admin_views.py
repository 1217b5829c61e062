"""The back office of consultations and suggestions: a bureau's consultations (draft, publish, close with the
summary), the office's moderation queue, the answer queue in three colours, a suggestion's page with its steps and
the audited look at the submitter's contact."""
from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import Permission, Role
from app.casework.supervision import COLOURS
from app.errors import NotPermitted
from app.extensions import db
from app.i18n import local_today
from app.org.queries import bureaus
from app.participation import consultations, suggestions
from app.participation.consultation_forms import AnswerForm, CloseForm, ConsultationForm, PublishForm, RejectForm
from app.participation.models import Consultation, Suggestion
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import render
from app.web.pagination import paginate
from app.workdays.days import colour_bounds

bp = Blueprint("consultations_admin", __name__, url_prefix="/admin/participation/consultations")
suggestions_bp = Blueprint("suggestions_admin", __name__, url_prefix="/admin/participation/suggestions")
REFUSED = "participation.access_denied"
PER_PAGE = 30


def _consultation(consultation_id: int) -> Consultation:
    found = db.session.get(Consultation, consultation_id) or abort(404)
    if not consultations.may_organise(current_user, found):
        deny(REFUSED, found)
    return found


def _bureau_choices(form: ConsultationForm) -> None:
    own = [b for b in bureaus(db.session) if current_user.role == Role.ADMIN or b.id == current_user.bureau_id]
    form.bureau_id.choices = [(b.id, b.name) for b in own]


def _input(form: ConsultationForm) -> consultations.ConsultationInput:
    return consultations.ConsultationInput(
        bureau_id=form.bureau_id.data, title_zh_hans=form.title_zh_hans.data or "",
        title_zh_hant=form.title_zh_hant.data or "", title_en=form.title_en.data or "",
        background_zh_hans=form.background_zh_hans.data or "", background_zh_hant=form.background_zh_hant.data or "",
        background_en=form.background_en.data or "", how_to_submit_zh_hans=form.how_to_submit_zh_hans.data or "",
        how_to_submit_zh_hant=form.how_to_submit_zh_hant.data or "",
        how_to_submit_en=form.how_to_submit_en.data or "", contact=form.contact.data or "",
        starts_on=form.starts_on.data, ends_on=form.ends_on.data, answer_days=form.answer_days.data)


def _refusal_status(error) -> int:
    return 403 if isinstance(error, NotPermitted) else 422


@bp.get("/")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def index():
    """The consultations the user organises, newest first."""
    page = paginate(consultations.staff_listing(current_user), PER_PAGE)
    return render("admin/participation/consultation_index.html", page=page)


def _edit_page(form: ConsultationForm, found: Consultation | None, status: int):
    return render("admin/participation/consultation_form.html", form=form, consultation=found, status=status)


def _save(form: ConsultationForm, found: Consultation | None):
    if request.method == "POST" and form.validate():
        data = _input(form)
        action = ((lambda: consultations.create_consultation(db.session, current_user, data)) if found is None
                  else (lambda: consultations.update_consultation(db.session, current_user, found, data)))
        return act(action, success=_("The consultation was saved."),
                   then=lambda row: url_for(".detail", consultation_id=row.id),
                   refused=lambda error: _edit_page(form, found, _refusal_status(error)), form=form, summary=True,
                   audit_as=REFUSED, subject=found)
    return _edit_page(form, found, 422 if request.method == "POST" else 200)


@bp.route("/new", methods=["GET", "POST"])
@permission_required(Permission.PARTICIPATION_ORGANISE)
def new():
    form = ConsultationForm()
    _bureau_choices(form)
    return _save(form, None)


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.PARTICIPATION_ORGANISE)
def edit(consultation_id: int):
    found = _consultation(consultation_id)
    form = ConsultationForm(obj=found)
    _bureau_choices(form)
    return _save(form, found)


def _detail_page(found: Consultation, close_form: CloseForm | None = None, status: int = 200):
    return render("admin/participation/consultation_detail.html", consultation=found, confirm=ConfirmForm(),
                  close_form=close_form or CloseForm(formdata=None), status=status)


@bp.get("/<int:consultation_id>")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def detail(consultation_id: int):
    return _detail_page(_consultation(consultation_id))


@bp.post("/<int:consultation_id>/publish")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def publish(consultation_id: int):
    found = _consultation(consultation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return act(lambda: consultations.publish_consultation(db.session, current_user, found),
               success=_("The consultation was published."), then=url_for(".detail", consultation_id=found.id),
               refused=lambda error: _detail_page(found, status=_refusal_status(error)), audit_as=REFUSED,
               subject=found)


@bp.post("/<int:consultation_id>/close")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def close(consultation_id: int):
    found = _consultation(consultation_id)
    form = CloseForm()
    if not form.validate():
        return _detail_page(found, form, 422)
    return act(lambda: consultations.close_consultation(
        db.session, current_user, found, summary_zh_hans=form.summary_zh_hans.data or "",
        summary_zh_hant=form.summary_zh_hant.data or "", summary_en=form.summary_en.data or ""),
        success=_("The consultation was closed and its summary published."),
        then=url_for(".detail", consultation_id=found.id),
        refused=lambda error: _detail_page(found, form, _refusal_status(error)), form=form, summary=True,
        audit_as=REFUSED, subject=found)


# --- suggestions -------------------------------------------------------------------------------------------------

def _suggestion(suggestion_id: int) -> Suggestion:
    found = db.session.get(Suggestion, suggestion_id) or abort(404)
    if not (suggestions.is_moderator(current_user) or suggestions.may_answer(current_user, found)):
        deny(REFUSED, found)
    return found


@suggestions_bp.get("/")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def queue():
    """Published suggestions awaiting the answer (the user's bureau's; all for admins), the deadline in colour, a
    page at a time; the colours counted over the whole queue by the database."""
    colour = request.args.get("colour", "")
    if colour not in COLOURS:
        colour = ""
    rules, today = suggestions.deadline_rules(db.session), local_today()
    bounds = colour_bounds(today, suggestions.WARN_DAYS, working=True, overrides=rules.overrides)
    page = paginate(suggestions.answer_queue(current_user, colour=colour, bounds=bounds), PER_PAGE)
    rows = suggestions.supervise(page.items, today, rules)
    counts = suggestions.queue_counts(db.session, current_user, bounds)
    waiting = (db.session.scalar(suggestions.moderation_count()) if suggestions.is_moderator(current_user) else None)
    return render("admin/participation/suggestion_queue.html", "admin/participation/_suggestion_rows.html",
                  rows=rows, page=page, counts=counts, colour=colour, waiting=waiting)


@suggestions_bp.get("/moderation")
@permission_required(Permission.PARTICIPATION_MODERATE)
def moderation():
    """Suggestions awaiting moderation, oldest first."""
    page = paginate(suggestions.moderation_queue(), PER_PAGE)
    return render("admin/participation/suggestion_moderation.html", page=page)


def _suggestion_page(found: Suggestion, *, status: int = 200, publish_form=None, reject_form=None, answer_form=None,
                     contact: dict | None = None, fragment: str | None = None):
    publish_form = publish_form or PublishForm(formdata=None, data={"public_body": found.public_body,
                                                                    "bureau_id": found.bureau_id or 0})
    publish_form.bureau_id.choices = [(0, _("— choose —"))] + [(b.id, b.name) for b in bureaus(db.session)]
    rules = suggestions.deadline_rules(db.session)
    row = suggestions.supervise([found], local_today(), rules)[0]
    return render("admin/participation/suggestion_detail.html", fragment, item=found, row=row, status=status,
                  publish_form=publish_form, reject_form=reject_form or RejectForm(formdata=None),
                  answer_form=answer_form or AnswerForm(formdata=None), confirm=ConfirmForm(), contact=contact,
                  moderator=suggestions.is_moderator(current_user),
                  may_answer=suggestions.may_answer(current_user, found), titles=suggestions.EVENT_TITLES,
                  on_time=suggestions.answered_on_time(found, rules))


@suggestions_bp.get("/<int:suggestion_id>", endpoint="detail")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def suggestion_detail(suggestion_id: int):
    return _suggestion_page(_suggestion(suggestion_id))


def _step(found: Suggestion, form, action, success: str, page_form: str, step: suggestions.SuggestionStep):
    here = url_for(".detail", suggestion_id=found.id)
    if not form.validate():
        return _suggestion_page(found, status=422, **{page_form: form})
    # A refusal is said above the step's form while the state shows that form, else flashed above the page.
    shown = suggestions.SUGGESTION_WORKFLOW.can_take(found, step)
    return act(action, success=success, then=here, form=form, summary=shown, audit_as=REFUSED, subject=found,
               refused=lambda error: _suggestion_page(found, status=_refusal_status(error), **{page_form: form}))


@suggestions_bp.post("/<int:suggestion_id>/publish")
@permission_required(Permission.PARTICIPATION_MODERATE)
def publish_suggestion(suggestion_id: int):
    found = _suggestion(suggestion_id)
    form = PublishForm()
    form.bureau_id.choices = [(0, "")] + [(b.id, b.name) for b in bureaus(db.session)]
    return _step(found, form, lambda: suggestions.publish_suggestion(
        db.session, current_user, found, public_body=form.public_body.data or "",
        bureau_id=form.bureau_id.data or None, rules=suggestions.deadline_rules(db.session)),
        _("The suggestion was published."), "publish_form", suggestions.SuggestionStep.PUBLISH)


@suggestions_bp.post("/<int:suggestion_id>/reject")
@permission_required(Permission.PARTICIPATION_MODERATE)
def reject(suggestion_id: int):
    found = _suggestion(suggestion_id)
    form = RejectForm()
    return _step(found, form, lambda: suggestions.reject_suggestion(db.session, current_user, found,
                                                                    reason=form.reason.data or ""),
                 _("The suggestion was not published; the submitter sees the reason."), "reject_form",
                 suggestions.SuggestionStep.REJECT)


@suggestions_bp.post("/<int:suggestion_id>/answer")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def answer(suggestion_id: int):
    found = _suggestion(suggestion_id)
    if not suggestions.may_answer(current_user, found):
        deny(REFUSED, found)
    form = AnswerForm()
    return _step(found, form, lambda: suggestions.answer_suggestion(
        db.session, current_user, found, adoption=form.adoption.data or "", answer=form.answer.data or ""),
        _("The answer was published."), "answer_form", suggestions.SuggestionStep.ANSWER)


@suggestions_bp.post("/<int:suggestion_id>/contact")
@permission_required(Permission.PARTICIPATION_ORGANISE)
def contact(suggestion_id: int):
    """The submitter's name and phone, shown on this page only; the look is audited."""
    found = _suggestion(suggestion_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    shown = suggestions.reveal_contact(db.session, current_user, found)
    db.session.commit()
    return _suggestion_page(found, contact=shown, fragment="admin/participation/_suggestion_contact.html")

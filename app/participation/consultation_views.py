"""Public pages of consultations and suggestions: the consultations (open first), a consultation's notice with its
published suggestions and answers, the standing suggestions (献一计), the submit forms, and the submitter's page,
opened by posting the personal code (never in an address)."""
from flask import Blueprint, abort, current_app, redirect, request, session as cookie_session, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from app.db_types import utcnow
from app.errors import ActionRefused
from app.extensions import db, limiter
from app.i18n import local_today
from app.notifications.forms import record_follow
from app.notifications.models import Subject
from app.org.queries import districts
from app.participation import consultations, suggestions
from app.participation.consultation_forms import CodeForm, SuggestionForm
from app.participation.models import Consultation, ConsultationState
from app.web import once
from app.web.actions import show_refusal
from app.web.htmx import render, see_other
from app.web.pagination import paginate

bp = Blueprint("consultations", __name__, url_prefix="/participation/consultations")
standing = Blueprint("suggestions", __name__, url_prefix="/participation/suggestions")

PER_PAGE = 20


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def _public(consultation_id: int) -> Consultation:
    found = db.session.get(Consultation, consultation_id)
    if found is None or found.state == ConsultationState.DRAFT:
        abort(404)
    return found


@bp.get("/")
def index():
    """Open consultations first, then closed ones, a page at a time."""
    page = paginate(consultations.public_listing(), PER_PAGE)
    return render("participation/consultation_index.html", "participation/_consultation_list.html", page=page,
                  today=local_today())


@bp.get("/<int:consultation_id>")
def detail(consultation_id: int):
    """The notice, the summary once closed, and the published suggestions with answers (paged)."""
    found = _public(consultation_id)
    page = paginate(suggestions.published_in(found.id), PER_PAGE)
    return render("participation/consultation_detail.html", "participation/_suggestion_list.html",
                  consultation=found, page=page, open=consultations.is_open(found, local_today()),
                  rules=suggestions.deadline_rules(db.session), now=utcnow())


def _form() -> SuggestionForm:
    form = SuggestionForm()
    form.place_id.choices = [(0, _("— not given —"))] + [(d.id, d.name) for d in districts(db.session)]
    return form


def _submit(form: SuggestionForm, target: Consultation | None, form_name: str, template: str):
    """The shared submit flow: a double click lands on the first one's result; a refusal keeps the input (422)."""
    once.token()
    if (earlier := once.repeated(db.session, form_name)) is not None:
        return _show_code(earlier)
    if request.method == "POST" and form.validate():
        data = suggestions.SuggestionInput(title=form.title.data or "", body=form.body.data or "",
                                           place_id=form.place_id.data or None, name=form.name.data or "",
                                           phone=form.phone.data or "")

        def submit() -> str:
            row, code = suggestions.submit_suggestion(db.session, data, target, _key(), today=local_today())
            record_follow(db.session, form, Subject.SUGGESTION, row.id)
            return code
        try:
            return once.create(db.session, form_name, submit, _show_code)
        except ActionRefused as error:
            db.session.rollback()
            show_refusal(error, form, summary=True)
    return render(template, form=form, consultation=target, status=422 if request.method == "POST" else 200)


def _show_code(code: str | None):
    if code is None:  # the first post of this form failed after all: start afresh
        return see_other(request.path)
    cookie_session["new_suggestion_code"] = code  # shown once on the next page, then forgotten
    return see_other(url_for("suggestions.submitted"))


@bp.route("/<int:consultation_id>/suggest", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PARTICIPATION_SUGGESTION_RATE_LIMIT"], methods=["POST"])
def suggest(consultation_id: int):
    """A suggestion to an open consultation."""
    found = _public(consultation_id)
    form = _form()
    if not consultations.is_open(found, local_today()):
        if request.method == "POST":
            form.validate()
        form.form_errors.append(_("This consultation is not open for suggestions: it runs from %(start)s to "
                                  "%(end)s.", start=format_date(found.starts_on), end=format_date(found.ends_on)))
        return render("participation/suggestion_new.html", form=form, consultation=found,
                      status=422 if request.method == "POST" else 200)
    return _submit(form, found, f"consultations.suggest.{found.id}", "participation/suggestion_new.html")


@standing.get("/", endpoint="index")
def standing_index():
    """Standing suggestions (献一计), published, with their answers."""
    page = paginate(suggestions.published_in(None), PER_PAGE)
    return render("participation/suggestion_index.html", "participation/_suggestion_list.html", page=page,
                  rules=suggestions.deadline_rules(db.session), now=utcnow())


@standing.route("/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PARTICIPATION_SUGGESTION_RATE_LIMIT"], methods=["POST"])
def new():
    """A standing suggestion, outside any consultation: the office assigns it a bureau."""
    return _submit(_form(), None, "suggestions.new", "participation/suggestion_new.html")


@standing.get("/submitted")
def submitted():
    """The personal code, this once."""
    code = cookie_session.pop("new_suggestion_code", None)
    if code is None:
        return redirect(url_for("suggestions.code"))
    return render("participation/suggestion_submitted.html", code=code, form=CodeForm(data={"code": code}))


@standing.route("/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PARTICIPATION_LOOKUP_RATE_LIMIT"], methods=["POST"])
def code():
    """The submitter's page, opened by posting the personal code: the state, the reason if not published, the
    deadline and the answer."""
    form = CodeForm()
    if request.method == "POST" and form.validate():
        found = suggestions.find_by_code(db.session, form.code.data or "", _key())
        if found is not None:
            return render("participation/suggestion_code.html", form=form, item=found,
                          events=suggestions.public_events(db.session, found),
                          rules=suggestions.deadline_rules(db.session), now=utcnow(),
                          titles=suggestions.EVENT_TITLES)
        form.code.errors = [_("No suggestion has this code. Check it and try again.")]
    return render("participation/suggestion_code.html", form=form, item=None,
                  status=422 if request.method == "POST" else 200)

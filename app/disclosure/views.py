"""Public pages of disclosure requests: the application form, the acknowledgement and the tracking page."""
from flask import Blueprint, abort, current_app, redirect, request, session as cookie_session, url_for
from flask_babel import gettext as _

from app.casework import codes
from app.disclosure import queries, services
from app.disclosure.forms import ApplicationForm, CompletionForm, TrackForm
from app.disclosure.models import DisclosureDocument
from app.disclosure.screening import looks_like_complaint
from app.disclosure.settings import rules, send_document
from app.disclosure.workflow import EVENT_TITLES
from app.extensions import db, limiter
from app.notifications.forms import record_follow
from app.notifications.models import Subject
from app.i18n import local_today
from app.org.queries import bureaus
from app.web import once
from app.web.actions import act
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other
from app.workdays.models import overrides

bp = Blueprint("disclosure", __name__, url_prefix="/disclosure-requests")


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _form() -> ApplicationForm:
    form = ApplicationForm()
    form.bureau_id.choices = [(0, _("— choose —"))] + [(b.id, b.name) for b in bureaus(db.session)]
    # With htmx, the complaint notice appears while the applicant types; without it, on submit.
    form.description.render_kw = {"hx-post": url_for(".screen"), "hx-target": "#complaint-notice",
                                  "hx-swap": "outerHTML", "hx-trigger": "change, keyup changed delay:1s"}
    return form


def _require(field, message) -> bool:
    if not (field.data or "").strip():
        field.errors.append(message)
        return False
    return True


def _check(form: ApplicationForm) -> bool:
    """The checks WTForms can't express: who applies decides which identity fields are needed."""
    valid = True
    if form.bureau_id.data == 0:
        form.bureau_id.errors.append(_("Choose the agency."))
        valid = False
    if form.applicant_type.data == "organisation":
        valid &= _require(form.organisation_name, _("Give the name of the organisation."))
        valid &= _require(form.credit_code, _("Give the organisation's unified social credit code."))
        valid &= _require(form.legal_representative, _("Give the name of the legal representative."))
        valid &= _require(form.organisation_kind, _("Choose the kind of organisation."))
    else:
        valid &= _require(form.name, _("Give your name."))
        valid &= _require(form.id_number, _("Give the number of your identity document."))
    if form.delivery_method.data == "email" and not (form.email.data or "").strip():
        form.email.errors.append(_("Give an e-mail address to receive the information by e-mail."))
        valid = False
    if form.delivery_method.data == "email" and form.delivery_form.data != "electronic":
        form.delivery_method.errors.append(_("Only electronic files can be sent by e-mail."))
        valid = False
    if form.delivery_form.data == "inspection" and form.delivery_method.data != "in_person":
        form.delivery_method.errors.append(_("To read or copy on site, choose to come in person."))
        valid = False
    if looks_like_complaint(form.description.data or "") and not form.not_a_complaint.data:
        form.not_a_complaint.errors.append(_("Your text reads like a pollution complaint. Complaints are handled "
                                             "through the pollution tip form; if you do want information, tick "
                                             "this box."))
        valid = False
    return valid


@bp.route("/new", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["DISCLOSURE_SUBMIT_RATE_LIMIT"], methods=["POST"])
def new():
    form = _form()
    once.token()
    if (earlier := once.repeated(db.session, "disclosure.new")) is not None:  # a double click: the first's page
        return _acknowledge(earlier)
    if request.method == "POST" and form.validate() & _check(form):
        organisation = form.applicant_type.data == "organisation"
        data = services.Application(
            applicant_type=form.applicant_type.data,
            name=form.organisation_name.data if organisation else form.name.data,
            phone=form.phone.data, address=form.address.data, email=form.email.data or "",
            bureau_id=form.bureau_id.data, description=form.description.data, purpose=form.purpose.data or "",
            delivery_form=form.delivery_form.data, delivery_method=form.delivery_method.data,
            id_type=form.id_type.data, id_number=(form.id_number.data or "").upper(),
            credit_code=form.credit_code.data or "", legal_representative=form.legal_representative.data or "",
            organisation_kind=(form.organisation_kind.data or "") if organisation else "")

        def submit() -> dict:
            created, code = services.submit_request(db.session, data, rules(), _secret())
            record_follow(db.session, form, Subject.DISCLOSURE, created.id)
            return {"code": code, "id": created.id}
        return once.create(db.session, "disclosure.new", submit, _acknowledge)
    complaint = looks_like_complaint(form.description.data or "")
    return render("disclosure/new.html", form=form, complaint=complaint,
                  status=422 if request.method == "POST" else 200)


def _acknowledge(shown: dict | None):
    if shown is None:  # the first post of this form failed after all: start afresh
        return see_other(url_for(".new"))
    cookie_session["new_disclosure"] = shown  # shown once on the next page
    return see_other(url_for(".submitted"))


@bp.post("/screen")
@limiter.limit(lambda: current_app.config["DISCLOSURE_SCREEN_RATE_LIMIT"])
def screen():
    """The complaint notice for the text typed so far (an htmx fragment; the full form without htmx)."""
    form = _form()
    complaint = looks_like_complaint(form.description.data or "")
    return render("disclosure/new.html", "disclosure/_complaint_notice.html", form=form, complaint=complaint)


@bp.get("/submitted")
def submitted():
    """The acknowledgement: the tracking code (this once), the date received and the date due."""
    shown = cookie_session.pop("new_disclosure", None)
    if not shown:
        return redirect(url_for(".track_form"))
    found = _found(shown["code"])
    if found is None:
        return redirect(url_for(".track_form"))
    return render("disclosure/submitted.html", code=shown["code"], item=found)


@bp.get("/track")
@limiter.limit(lambda: current_app.config["DISCLOSURE_TRACK_RATE_LIMIT"])
def track_form():
    form = TrackForm(request.args, meta={"csrf": False})
    if request.args.get("code") and form.validate():
        return redirect(url_for(".track", code=codes.normalise(form.code.data)))
    return render("disclosure/track_form.html", form=form)


def _found(code: str):
    return queries.find_by_code_hash(db.session, codes.digest(code, _secret()))


def _not_found(code: str):
    form = TrackForm(data={"code": code[:40]}, meta={"csrf": False})
    form.code.errors = [_("No application has this tracking code. Check it and try again.")]
    return render("disclosure/track_form.html", form=form, status=404)


@bp.route("/track/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["DISCLOSURE_TRACK_RATE_LIMIT"])
def track(code: str):
    """The applicant's page: state, dates, reply and documents; completing or withdrawing the application."""
    found = _found(code)
    if found is None:
        return _not_found(code)
    form = CompletionForm(formdata=request.form if request.form.get("action") == "complete" else None)
    status = 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        here = url_for(".track", code=code)
        action = request.form.get("action")
        if action not in ("withdraw", "complete"):
            abort(400)
        if action == "withdraw":
            return act(lambda: services.withdraw(db.session, found, rules()),
                       success=_("Your application was withdrawn."), then=here, refused=lambda error: see_other(here))
        if form.validate():
            # A refusal stays above what the applicant typed, on the page again, while the form is there to show it.
            return act(lambda: services.complete(db.session, found, form.text.data, rules()),
                       success=_("Thank you: your completed application was received."), then=here,
                       refused=lambda error: _track_page(found, code, form, 422), form=form,
                       summary=found.awaits_completion)
        status = 422
    return _track_page(found, code, form, status)


def _track_page(found, code: str, form, status: int):
    """The applicant's page of the request, with the completion form as given."""
    return render("disclosure/track.html", item=found, code=code, form=form, confirm=ConfirmForm(),
                  event_titles=EVENT_TITLES, due=queries.projected_due(found, local_today(), overrides(db.session)),
                  masked_id=services.mask_id(found.id_number), status=status)


@bp.get("/track/<code>/documents/<int:document_id>")
@limiter.limit(lambda: current_app.config["DISCLOSURE_TRACK_RATE_LIMIT"])
def document(code: str, document_id: int):
    """A reply document, for the holder of the request's tracking code."""
    found = _found(code)
    row = db.session.get(DisclosureDocument, document_id)
    if found is None or row is None or row.request_id != found.id:
        abort(404)
    return send_document(row)

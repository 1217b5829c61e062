"""Residents' objections to a task's closure: the form, open only during the task's public notice (the public task
page links here), the personal code shown once, and the objector's private page, opened by posting the code
(never in an address)."""
from flask import Blueprint, abort, current_app, redirect, request, session as cookie_session, url_for
from flask_babel import gettext as _

from app.errors import ActionRefused
from app.extensions import db, limiter
from app.i18n import local_today
from app.rectification import closure, objections
from app.rectification.closure import Upload
from app.rectification.closure_forms import CodeForm, ObjectionForm
from app.rectification.closure_views import evidence_dir
from app.web import once
from app.web.actions import show_refusal
from app.web.htmx import render, see_other

bp = Blueprint("rectification_objections", __name__, url_prefix="/rectification")


def _key() -> str:
    return current_app.config["SECRET_KEY"]


def _show_code(code: str | None):
    if code is None:  # the first post of this form failed after all: start afresh
        return see_other(request.path)
    cookie_session["new_objection_code"] = code  # shown once on the next page, then forgotten
    return see_other(url_for(".submitted"))


@bp.route("/tasks/<code>/objection", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RECTIFICATION_OBJECTION_RATE_LIMIT"], methods=["POST"])
def new(code: str):
    """An objection to the task's closure, during its public notice only; outside it the form says when
    objections are taken."""
    task = objections.public_task(db.session, code) or abort(404)
    form = ObjectionForm()
    form_name = f"rectification.objection.{task.id}"
    once.token()
    if (earlier := once.repeated(db.session, form_name)) is not None:
        return _show_code(earlier)
    refusal = objections.window_refusal(task, local_today())
    posted = request.method == "POST"
    if refusal is not None:
        if posted:
            form.validate()
            form.form_errors.append(refusal)
    elif posted and form.validate():
        upload = form.file.data
        data = objections.ObjectionInput(
            text=form.text.data or "", contact=form.contact.data or "", name=form.name.data or "",
            file=Upload(upload.filename, upload.read()) if upload and getattr(upload, "filename", "") else None)
        rules = closure.closure_rules(db.session, task.round)
        try:
            return once.create(db.session, form_name, lambda: objections.submit_objection(
                db.session, task, data, _key(), rules=rules, upload_dir=evidence_dir(),
                max_bytes=current_app.config["MAX_EVIDENCE_BYTES"])[1], _show_code)
        except ActionRefused as error:
            db.session.rollback()
            show_refusal(error, form, summary=True)
    return render("rectification/objection_new.html", form=form, task=task, refusal=refusal,
                  status=422 if posted else 200)


@bp.get("/objections/submitted")
def submitted():
    """The personal code, this once."""
    code = cookie_session.pop("new_objection_code", None)
    if code is None:
        return redirect(url_for(".follow"))
    return render("rectification/objection_submitted.html", code=code, form=CodeForm(data={"code": code}))


@bp.route("/objections/follow", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RECTIFICATION_LOOKUP_RATE_LIMIT"], methods=["POST"])
def follow():
    """The objector's page, opened by posting the personal code: the state and, once answered, the answer."""
    form = CodeForm()
    if request.method == "POST" and form.validate():
        found = objections.find_by_code(db.session, form.code.data or "", _key())
        if found is not None:
            return render("rectification/objection_follow.html", form=form, item=found)
        form.code.errors = [*form.code.errors, _("No objection has this code. Check it and try again.")]
    return render("rectification/objection_follow.html", form=form, item=None,
                  status=422 if request.method == "POST" else 200)

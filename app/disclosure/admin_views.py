"""Handling disclosure requests: the queue with three-colour supervision, the request page with its steps,
the audited look at the applicant's identity, and the reply documents."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.permissions import Permission
from app.casework.supervision import COLOURS
from app.disclosure import appeals, policy, queries, services
from app.disclosure.forms import AppealForm, AppealResultForm, StepForm
from app.disclosure.models import DisclosureAppeal, DisclosureDocument, DisclosureRequest
from app.disclosure.report_template import OUTCOME_GROUPS, AppealKind, AppealResult
from app.disclosure.settings import document_dir, rules, send_document
from app.disclosure.workflow import APPLICANT_STEPS, EVENT_TITLES, ConsultationKind, ReplyType, RequestState, Step
from app.extensions import db
from app.i18n import local_today
from app.web.actions import act
from app.web.auth import deny, permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import is_partial_request, render
from app.web.pagination import paginate
from app.workdays.days import colour_bounds
from app.workdays.models import overrides
from app.workdays.services import years_with_holidays

bp = Blueprint("disclosure_admin", __name__, url_prefix="/admin/disclosure-requests")
# How a refusal for want of permission is written in the audit log (as deny() writes a refused page).
REFUSED = "disclosure.access_denied"


def _request(request_id: int) -> DisclosureRequest:
    found = db.session.get(DisclosureRequest, request_id) or abort(404)
    if not policy.can_handle(current_user, found):
        deny(REFUSED, found)
    return found


def _supervise(rows):
    return queries.supervise(rows, local_today(), overrides=overrides(db.session),
                             warn_days=current_app.config["DISCLOSURE_WARN_DAYS"])


@bp.get("/")
@permission_required(Permission.DISCLOSURE_HANDLE)
def queue():
    """Open requests (the handler's bureau's, or all for admins) with the running deadline in colour, a page at a
    time; the colours are counted over the whole queue."""
    state = request.args.get("state", "")
    if state not in RequestState.values():
        state = ""
    colour = request.args.get("colour", "")
    if colour not in COLOURS:
        colour = ""
    config, today, days = current_app.config, local_today(), overrides(db.session)
    bounds = colour_bounds(today, config["DISCLOSURE_WARN_DAYS"], working=True, overrides=days)
    page = paginate(queries.staff_queue(current_user, state=state, colour=colour, bounds=bounds),
                    config["PAGE_SIZE"])
    rows = queries.supervise(page.items, today, overrides=days, warn_days=config["DISCLOSURE_WARN_DAYS"])
    counts = queries.queue_counts(db.session, current_user, bounds, state=state)
    # Deadlines running into a year whose State Council notice is not imported would count its holidays as
    # working days: say so (the answer period of 20 working days reaches about 45 days ahead).
    known = years_with_holidays(db.session)
    missing = sorted({today.year, (today + timedelta(days=45)).year} - known)
    return render("admin/disclosure/queue.html", "admin/disclosure/_queue_rows.html", rows=rows, page=page,
                  counts=counts, state=state, colour=colour, states=list(RequestState), missing_years=missing,
                  may_import=current_user.can(Permission.CALENDAR_MANAGE))


def _detail(found: DisclosureRequest, applicant: dict | None = None, *, status: int = 200, step_form=None,
            failed_step: str | None = None, appeal_form=None, decision: tuple | None = None, panel: bool = False):
    """The request page; after a refused step, that step's form comes back with the input and the errors. For
    htmx, after a step (`panel`) the action panel with the summary and timeline out of band, after the look at
    the applicant that part alone."""
    steps = [s for s in services.WORKFLOW.allowed_steps(found) if s not in APPLICANT_STEPS]
    shown = failed_step in steps and (failed_step != Step.EXTEND or policy.may_extend(current_user))
    if step_form is not None and not shown:
        for message in step_form.form_errors:  # the step's form is not on the page: say it above
            flash(message, "error")
    context = dict(item=found, form=StepForm(formdata=None), steps=steps, supervised=_supervise([found])[0],
                   confirm=ConfirmForm(), reply_types=list(ReplyType), event_titles=EVENT_TITLES,
                   applicant=applicant, max_extension=current_app.config["DISCLOSURE_EXTENSION_MAX_DAYS"],
                   max_completion=current_app.config["DISCLOSURE_COMPLETION_MAX_DAYS"],
                   consultation_kinds=list(ConsultationKind),
                   may_extend=policy.may_extend(current_user),
                   step_form=step_form, failed_step=failed_step, status=status,
                   outcome_groups=list(OUTCOME_GROUPS.items()),
                   appeal_form=appeal_form or AppealForm(formdata=None, prefix="appeal"),
                   appeal_results=list(AppealResult), decision=decision, Step=Step, refresh=is_partial_request())
    if panel:
        return render("admin/disclosure/detail.html", "admin/disclosure/_actions.html", **context)
    # A refused case answers with the whole page, never the applicant fragment.
    if step_form is not None or appeal_form is not None or decision is not None:
        return render("admin/disclosure/detail.html", **context)
    return render("admin/disclosure/detail.html", "admin/disclosure/_applicant.html", **context)


@bp.get("/<int:request_id>")
@permission_required(Permission.DISCLOSURE_HANDLE)
def detail(request_id: int):
    return _detail(_request(request_id))


def _act(found: DisclosureRequest, form, action, *, success: str, then: str, summary: bool = False,
         panel: bool = False, **kept):
    """Check the posted form, then run a write on the request: commit and go back to its page; or, when the form
    does not validate or the rules refuse the write, show the page again (422) with the form that was sent
    (`kept` says where it goes) and its input, a refusal naming no field of it in its error summary when
    `summary`. With `panel`, htmx gets the action panel back instead, after success too. A form without its
    CSRF token is a bad request."""
    def again(error=None):
        return _detail(db.session.get(DisclosureRequest, found.id), status=422, panel=panel, **kept)

    def done(result):
        return _detail(db.session.get(DisclosureRequest, found.id), panel=True)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return again()
    return act(action, success=success, then=then, refused=again, form=form, audit_as=REFUSED, subject=found,
               summary=summary, fragment=done if panel else None)


def _step_input(form: StepForm) -> dict:
    """What the step form gives the step (each step reads its own part)."""
    reply = None
    if form.reply_type.data in ReplyType.values():
        reply = services.Reply(ReplyType(form.reply_type.data), form.reply_text.data or "", partial=form.partial.data,
                               legal_ground=form.legal_ground.data or "",
                               competent_body=form.competent_body.data or "", outcome=form.outcome.data or "")
    documents = [(upload.read(), upload.filename) for upload in (form.documents.data or [])
                 if upload and upload.filename]
    return dict(note=form.note.data or "", days=form.days.data, reply=reply, documents=documents,
                upload_dir=document_dir(), max_document_bytes=current_app.config["MAX_DISCLOSURE_DOCUMENT_BYTES"],
                consult_kind=form.consult_kind.data or "", party=form.party.data or "")


@bp.post("/<int:request_id>/step/<step>")
@permission_required(Permission.DISCLOSURE_HANDLE)
def take_step(request_id: int, step: str):
    found = _request(request_id)
    if step not in Step.values():
        abort(400)
    form = StepForm()
    return _act(found, form, lambda: services.take_step(db.session, current_user, found, Step(step), rules(),
                                                        **_step_input(form)),
                success=_("Done: %(step)s.", step=Step(step).title), then=url_for(".detail", request_id=request_id),
                summary=True, panel=True, step_form=form, failed_step=step)


@bp.post("/<int:request_id>/appeals")
@permission_required(Permission.DISCLOSURE_HANDLE)
def record_appeal(request_id: int):
    """Record an administrative review or lawsuit against the request's handling."""
    found = _request(request_id)
    form = AppealForm(prefix="appeal")

    def record():
        data = appeals.AppealInput(AppealKind(form.kind.data), form.filed_on.data, form.reference.data or "",
                                   AppealResult(form.result.data), form.decided_on.data, form.note.data or "")
        return appeals.record_appeal(db.session, current_user, found, data, today=local_today())
    return _act(found, form, record, success=_("The case was recorded."),
                then=url_for(".detail", request_id=request_id, _anchor="appeals"), appeal_form=form)


@bp.post("/appeals/<int:appeal_id>")
@permission_required(Permission.DISCLOSURE_HANDLE)
def decide_appeal(appeal_id: int):
    """Record the result of a review or lawsuit."""
    appeal = db.session.get(DisclosureAppeal, appeal_id) or abort(404)
    found = _request(appeal.request_id)
    form = AppealResultForm()
    return _act(found, form, lambda: appeals.decide_appeal(db.session, current_user, appeal,
                                                           AppealResult(form.result.data), form.decided_on.data,
                                                           today=local_today()),
                success=_("The result was recorded."), then=url_for(".detail", request_id=found.id, _anchor="appeals"),
                decision=(appeal_id, form))


@bp.post("/<int:request_id>/applicant")
@permission_required(Permission.DISCLOSURE_HANDLE)
def reveal_applicant(request_id: int):
    """Show the applicant's identity on this one response; the look is audited."""
    found = _request(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    applicant = services.reveal_applicant(db.session, current_user, found)
    db.session.commit()
    return _detail(found, applicant)


@bp.get("/documents/<int:document_id>")
@permission_required(Permission.DISCLOSURE_HANDLE)
def document(document_id: int):
    row = db.session.get(DisclosureDocument, document_id) or abort(404)
    _request(row.request_id)
    return send_document(row)

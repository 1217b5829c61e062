"""One way for a view to run a domain action: commit and go on (post/redirect/get) when it succeeds; roll back
and answer the same page again with the input kept (422) when the rules refuse it, the message beside the
field it is about or above the form. A refusal for want of permission is audited here, in one place."""
from collections.abc import Callable
from typing import Any

from flask import flash

from app import audit
from app.errors import ActionRefused, NotPermitted
from app.extensions import db
from app.web.htmx import is_partial_request, see_other


def show_refusal(error: ActionRefused, form=None, *, summary: bool = False) -> None:
    """The message beside the form field it names; else, with `summary`, in the form's error summary (the
    form-level errors), else flashed above the page."""
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    elif summary and form is not None:
        form.form_errors = [*form.form_errors, str(error)]
    else:
        flash(str(error), "error")


def act(action: Callable[[], Any], *, success: str | Callable[[Any], str] | None,
        then: str | Callable[[Any], str], refused: Callable[[ActionRefused], Any], form=None,
        audit_as: str = "action.refused", subject=None, summary: bool = False,
        fragment: Callable[[Any], Any] | None = None):
    """Run `action` in the request's transaction.

    success: the flashed message (or a function of the action's result); then: where to go (or a function of
    the result); refused(error): the answer after a refusal (the page again, with `form` and its input, status
    422); summary: a refusal that names no field of `form` is said in the form's error summary rather than
    flashed (for a form the person typed into: the message stays above what they typed, on the page answered
    422; a flash suits a button alone); audit_as, subject: how a refusal for want of permission is written in
    the audit log, unless the error names its own action (`error.audit_as`); fragment(result): the answer to an
    htmx partial request after success (a self-replacing panel re-rendered, the flashes out of band) in place of
    the redirect."""
    try:
        result = action()
    except ActionRefused as error:
        db.session.rollback()
        if isinstance(error, NotPermitted):
            audit.record(db.session, getattr(error, "audit_as", None) or audit_as, subject, note=str(error)[:500])
            db.session.commit()
        show_refusal(error, form, summary=summary)
        return refused(error)
    db.session.commit()
    message = success(result) if callable(success) else success
    if message:
        flash(message, "success")
    if fragment is not None and is_partial_request():
        return fragment(result)
    return see_other(then(result) if callable(then) else then)

"""A staff page with one form, run through the shared `act`: the page (200); after a POST, the action when the
form is valid, else the page again with the input kept (422), also when the rules refuse the action."""
from collections.abc import Callable
from typing import Any

from flask import flash, request

from app.web.actions import act
from app.web.htmx import render


def form_page(form, template: str, action: Callable[[], Any], *, success: Callable[[Any], str], then: str,
              **context):
    """`template` shows `form` (and `context`); a valid POST runs `action`, flashes `success(result)` and goes on
    to `then`. The message is made from the action's result, as a save may rename what it names."""
    status = 422 if request.method == "POST" else 200
    page = lambda error=None: render(template, form=form, status=status, **context)
    if not form.validate_on_submit():
        return page()

    def done(result) -> str:
        flash(success(result), "success")
        return then

    return act(action, success=None, then=done, refused=page, form=form, summary=True)

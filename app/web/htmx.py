"""One place that decides between a whole page and the fragment an htmx request asked for."""
from urllib.parse import urlsplit

from flask import make_response, redirect, render_template, request

from app.web import shell


def is_partial_request() -> bool:
    """True only for a real htmx partial request: not hx-boost navigation, not a history restore."""
    headers = request.headers
    return (headers.get("HX-Request") == "true"
            and headers.get("HX-Boosted") != "true"
            and headers.get("HX-History-Restore-Request") != "true")


def render(template: str, fragment: str | None = None, /, *, status: int = 200, kept_layout: bool = False,
           **context):
    """Render the full page, or only `fragment` (which the page includes) for an htmx partial request.

    Flash messages ride along out-of-band on fragments, so they appear in the page's live region. With
    `kept_layout` (a page that extends base.html directly, such as those served from kept fragments), an anonymous
    visitor's page is set into the layout kept per process (app.web.shell).
    """
    headers = {"Vary": "HX-Request"}
    if fragment and is_partial_request():
        body = render_template(fragment, **context) + render_template("_flashes.html", oob=True)
    elif kept_layout and not is_partial_request() and shell.applies():
        body = shell.page(shell.render_blocks(template, **context))
    else:
        body = render_template(template, **context)
        if is_partial_request():
            # A whole page answering an htmx request (a refusal instead of the form it posted) replaces the
            # page's body rather than nesting a second header and footer inside the target.
            headers.update({"HX-Retarget": "body", "HX-Reswap": "innerHTML"})
    return body, status, headers


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to return to; anything pointing off-site becomes default."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def see_other(location: str):
    """Post/redirect/get: a 303 for plain forms; for htmx an HX-Redirect, so the browser really goes there.

    The XHR would follow a 303 by itself and swap the next whole page into the form that posted.
    """
    if is_partial_request():
        return make_response("", 200, {"HX-Redirect": location, "Vary": "HX-Request"})
    return redirect(location, code=303)

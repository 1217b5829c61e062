"""Error pages in the user's language, as whole pages or as htmx fragments; never a stack trace."""
from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge, ServiceUnavailable

from app.extensions import db, login_manager
from app.web import oversize
from app.web.htmx import is_partial_request

ERROR_TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or has moved.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("File too large"), _l("What you sent is larger than the site accepts. Please send smaller files.")),
    422: (_l("Please check your input"), _l("Some of what you entered could not be accepted.")),
    429: (_l("Too many requests"), _l("You have sent too many requests. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been logged; please try again later.")),
    503: (_l("Service unavailable"), _l("The site is temporarily unavailable. Please try again later.")),
}
DATABASE_DOWN_TEXT = _l("The site cannot reach its database at the moment. Please try again in a few minutes; "
                        "nothing you sent was saved.")
# Seconds a client is told to wait before trying again while the database is unreachable.
RETRY_AFTER = 30


class DatabaseUnavailable(ServiceUnavailable):
    """503 while the database is unreachable; its description is the user's-language text above."""


CSRF_TEXT = (_l("The form has expired"),
             _l("For your security the form expired. Go back, reload the page and submit it again."))


def render_error(code: int, title=None, message=None, back: str | None = None):
    """The error as a page, an htmx fragment, or JSON under /api/; `back` links to the page to return to."""
    default_title, default_message = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    context = {"code": code, "title": title or default_title, "message": message or default_message, "back": back}
    if request.path.startswith("/api/"):
        return jsonify(error={"code": code, "title": str(context["title"]), "message": str(context["message"])}), \
            code, {}
    if is_partial_request():
        # Shown in the flash region whatever the request targeted (htmx is configured to swap errors).
        body = render_template("errors/_error.html", **context)
        return body, code, {"HX-Retarget": "#flashes", "HX-Reswap": "innerHTML", "Vary": "HX-Request"}
    return render_template("errors/error.html", **context), code, {"Vary": "HX-Request"}


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, *CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if isinstance(error, RequestEntityTooLarge):
            # The form again with what was typed where its view allows it, else a page with a way back.
            return oversize.rerender() or render_error(413, back=oversize.back_link())
        message = DATABASE_DOWN_TEXT if isinstance(error, DatabaseUnavailable) else None
        body, code, headers = render_error(error.code or 500, message=message)
        for name, value in error.get_headers():
            if name in ("Retry-After", "Allow"):
                headers[name] = value
        return body, code, headers

    @app.errorhandler(OperationalError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeoutError)
    def database_unavailable(error):
        """The database is down, frozen or out of connections: 503 in the caller's format, not a 500."""
        current_app.logger.error("database unavailable: %s", error)
        try:
            db.session.rollback()
        except Exception:  # the connection is gone; the pool discards it
            db.session.close()
        # The page's header asks who is signed in, which needs the database: show it signed out.
        g._login_user = login_manager.anonymous_user()
        return current_app.handle_http_exception(
            DatabaseUnavailable(description=str(DATABASE_DOWN_TEXT), retry_after=RETRY_AFTER))

    @app.errorhandler(Exception)
    def unexpected_error(error):
        current_app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_error(InternalServerError.code)

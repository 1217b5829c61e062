"""What a request larger than MAX_CONTENT_LENGTH (413) gets back.

A form whose view registered a re-render (`keeps_text`) comes back with the text typed kept and a clear
message: the body is read once more with every file part thrown away as it streams past, so only the small
text fields are kept (a request larger than OVERSIZE_READ_LIMIT is not read at all). Every other form gets
the 413 page with a link back to the page the form was on.
"""
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import LimitedStream

from app.web.htmx import safe_next

_renderers: dict[str, Callable] = {}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def keeps_text(endpoint: str):
    """Register how the form at `endpoint` is shown again after a 413; request.form then holds its text."""
    def register(renderer: Callable):
        _renderers[endpoint] = renderer
        return renderer
    return register


def rerender():
    """The form again with its text, or None when it cannot be (not registered, too large to read, not a
    form, or the body was already read)."""
    renderer = _renderers.get(request.endpoint or "")
    if renderer is None or request.method != "POST" or not _read_text_fields():
        return None
    return renderer()


def back_link() -> str:
    """Where the form was: the referring page on this site, else the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return "/"
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(path, "/")


class _Discard:
    """A file part's destination that keeps nothing."""

    def write(self, data: bytes) -> int:
        return len(data)

    def seek(self, *args) -> int:
        return 0

    def read(self, *args) -> bytes:
        return b""


def _discard(*args, **kwargs) -> _Discard:
    return _Discard()


def _read_text_fields() -> bool:
    length = request.content_length
    if length is None or length > current_app.config["OVERSIZE_READ_LIMIT"] or request.mimetype not in FORM_TYPES:
        return False
    if "form" in request.__dict__ or "stream" in request.__dict__:
        return False  # the body was read already: its text is gone
    parser = FormDataParser(stream_factory=_discard, max_form_memory_size=request.max_form_memory_size,
                            max_form_parts=request.max_form_parts, cls=ImmutableMultiDict)
    try:
        _stream, form, _files = parser.parse(LimitedStream(request.environ["wsgi.input"], length), request.mimetype,
                                             length, request.mimetype_params)
    except (RequestEntityTooLarge, ValueError, OSError):
        return False
    # What werkzeug's own form loading sets; the files were thrown away.
    request.__dict__["form"], request.__dict__["files"] = form, ImmutableMultiDict()
    return True

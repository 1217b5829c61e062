"""Serving stored uploads with one header policy: opened on its own, a stored file can run nothing (sandboxed)
and is never sniffed; a file not yet public is never kept in a shared cache."""
import io
from pathlib import Path

from flask import abort, send_file

from app.web import object_store, uploads

SANDBOX = "default-src 'none'; sandbox"


def serve_stored(directory: str, stored_name: str, kind: str, *, public: bool, download_name: str | None = None,
                 attachment: bool | None = None, public_max_age: int = 3600):
    """A stored file as a response (404 when it is gone). Images open inline unless `attachment` says so;
    other kinds download under `download_name`."""
    try:
        path = uploads.path_of(directory, stored_name)
    except FileNotFoundError:
        abort(404)
    as_attachment = kind not in uploads.IMAGES if attachment is None else attachment
    source: Path | io.BytesIO = path
    if object_store.uses_object_store():
        data = uploads.read(directory, stored_name)
        if data is None:
            abort(404)
        source = io.BytesIO(data)
    try:
        response = send_file(source, mimetype=uploads.KINDS[kind][0], download_name=download_name or stored_name,
                             as_attachment=as_attachment, max_age=public_max_age if public else 0)
    except FileNotFoundError:
        abort(404)
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"public, max-age={public_max_age}" if public else "private, no-store"
    return response

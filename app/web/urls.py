"""Absolute links (sitemaps, feeds, Open311 media, QR codes) on the configured public address, never on the
Host header a client sent."""
from flask import current_app, url_for


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` under PUBLIC_BASE_URL."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base:  # debug and tests only (the app refuses to start without it otherwise): the request's address
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)

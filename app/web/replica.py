"""Public reads from a read replica (DATABASE_REPLICA_URL): a streaming standby of the PostgreSQL primary takes
the public pages that only read, so the primary keeps its capacity for writes and staff work.

A request is routed to the replica when it is a GET or HEAD of an anonymous visitor (no signed-in session) to a
page of READ_ONLY_BLUEPRINTS or READ_ONLY_ENDPOINTS; everything else — forms, tracking-code lookups (they may
re-key a code), staff pages, any POST — reads and writes the primary. A flush always goes to the primary, but a
routed request must not write at all: a standby refuses writes, and so does the read-only SQLite replica of the
tests, which crawl every routed page of the demo city through it.

The replica lags the primary by a moment; the kept pages read their generation counter from the replica too, so a
page is never newer than the data it was rendered from.
"""
from flask import Flask, request
from flask import session as cookie_session
from flask_sqlalchemy.session import Session as FlaskSession

BIND = "replica"
ROUTED = "replica.routed"

# Public pages that only read, whole blueprints ...
READ_ONLY_BLUEPRINTS = frozenset({
    "indicators", "environment", "environment_water", "environment_bulletin", "notices", "sitemap",
    "rectification", "exposure", "annual_report", "participation",
})
# ... and single pages of blueprints that also have forms.
READ_ONLY_ENDPOINTS = frozenset({
    "web.home", "web.privacy", "tips.index", "tips.stats", "surveys.index", "surveys.results",
    "surveys_api.results_json", "activities.index", "activities.feed", "activities.ics", "consultations.index",
    "consultations.detail", "open_days.index", "open_days.facility",
})


class RoutingSession(FlaskSession):
    """Flask-SQLAlchemy's session, sending a routed request's statements to the replica's engine."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.info.get(ROUTED) and not self._flushing:
            return self._db.engines[BIND]
        return super().get_bind(mapper, clause=clause, bind=bind, **kwargs)


def reads_only() -> bool:
    """This request is an anonymous visitor's read of a public page."""
    return (request.method in ("GET", "HEAD") and "_user_id" not in cookie_session
            and (request.blueprint in READ_ONLY_BLUEPRINTS or request.endpoint in READ_ONLY_ENDPOINTS))


def init_app(app: Flask, db) -> None:
    if BIND not in app.config.get("SQLALCHEMY_BINDS", {}):
        return

    @app.before_request
    def route_public_reads():
        if reads_only():
            db.session.info[ROUTED] = True

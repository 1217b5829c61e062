"""The push API of automatic air stations: `POST /api/v1/air/stations/<code>/hours` with a station key.

    Authorization: Bearer <key>
    {"hours": [{"observed_at": "2026-12-07T10:00:00+08:00", "so2": 8, "no2": 31, "co": 0.6, "o3": 42,
                "pm10": 55, "pm25": 31, "state": "provisional"}]}

Each hour is labelled by its END (10:00 holds 09:00–10:00) with its time zone; concentrations in μg/m³, CO in
mg/m³; `null` or an absent item is not measured; `state` is provisional (default) or validated. The key must
belong to the station's bureau and not be revoked. Either every hour is recorded or none: any bad item gives 422
with every item's errors as {index, field, message}. Sending the same hours again changes nothing. Answers
are JSON: 200 with the counts, 400 (not a JSON body of hours), 401 (no or unknown or revoked key), 403 (another
bureau's station), 404 (no such station), 422 (bad items), 429 (rate limit)."""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from app import audit
from app.db_types import utcnow
from app.environment import services
from app.environment.models import AirStation, DataOrigin, DataState, StationKey
from app.extensions import csrf, db, limiter

bp = Blueprint("environment_ingest", __name__, url_prefix="/api/v1/air")
csrf.exempt(bp)  # stations authenticate with keys, not cookies
limiter.limit(lambda: current_app.config["ENVIRONMENT_PUSH_RATE_LIMIT"])(bp)

MAX_HOURS = 168
ITEMS = services.HOUR_ITEMS
_FIELDS = {"observed_at", "state", *ITEMS}
# CO is pushed in mg/m³; above the top of the AQI's 1-hour scale it was sent in μg/m³.
CO_PLAUSIBLE_MAX = 150


def _error(status: int, message: str, errors: list[dict] | None = None, **headers: str) -> Response:
    response = jsonify({"error": message, **({"errors": errors} if errors is not None else {})})
    response.status_code = status
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Rate limits, wrong methods, oversize bodies: JSON too."""
    return _error(error.code or 500, error.description or error.name)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _refuse(status: int, message: str, key: StationKey | None, code: str, note: str) -> Response:
    """A refused push, audited (and committed on its own) so that probing shows in the log."""
    db.session.rollback()
    audit.record(db.session, "environment.push_refused", key, object_type=None if key else "station_keys",
                 object_id=None if key else "", note=f"{code}: {note}"[:500])
    db.session.commit()
    extra = {"WWW_Authenticate": 'Bearer realm="stations"'} if status == 401 else {}
    return _error(status, message, **extra)


def _item(index: int, raw: Any, errors: list[dict]) -> services.HourRow | None:
    def problem(field: str, message: str) -> None:
        errors.append({"index": index, "field": field, "message": message})

    if not isinstance(raw, dict):
        problem("", _("Each hour must be an object."))
        return None
    before = len(errors)
    for name in sorted(set(raw) - _FIELDS):
        problem(name, _("Unknown field."))
    text = raw.get("observed_at")
    observed_at = None
    if not isinstance(text, str):
        problem("observed_at", _("Give the end of the hour with its time zone, e.g. 2026-12-07T10:00:00+08:00."))
    else:
        try:
            observed_at = datetime.fromisoformat(text)
        except ValueError:
            problem("observed_at", _("Give the end of the hour with its time zone, e.g. 2026-12-07T10:00:00+08:00."))
    state = raw.get("state", DataState.PROVISIONAL.value)
    if state not in {s.value for s in DataState}:
        problem("state", _("The state is provisional or validated."))
    values: dict[str, float | None] = {}
    for name in ITEMS:
        value = raw.get(name)
        if value is None:
            values[name] = None
        elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            problem(name, _("Give a number, or null when not measured."))
        elif value < 0:
            problem(name, _("A concentration cannot be negative."))
        elif name == "co" and value > CO_PLAUSIBLE_MAX:
            problem(name, _("CO is given in mg/m³; %(value)s is not plausible (was it μg/m³?).", value=value))
        else:
            values[name] = float(value)
    if len(errors) > before or observed_at is None:
        return None
    return services.HourRow(observed_at=observed_at, state=DataState(state), **values)


@bp.post("/stations/<code>/hours")
def push_hours(code: str):
    """Record a station's hours pushed by its automatic analyser (see the module docstring)."""
    secret = _bearer()
    key = services.find_station_key(db.session, secret)
    if key is None or not key.active:
        return _refuse(401, _("A valid station key is required (Authorization: Bearer <key>)."), key, code,
                       "revoked key" if key else "missing or unknown key")
    station = db.session.scalar(select(AirStation).where(AirStation.code == code[:32]))
    if station is None:
        return _error(404, _("There is no station with the code %(code)s.", code=code[:32]))
    if station.bureau_id != key.bureau_id:
        return _refuse(403, _("This key does not belong to the bureau of station %(code)s.", code=station.code),
                       key, code, "station of another bureau")
    body = request.get_json(silent=True)
    hours = body.get("hours") if isinstance(body, dict) else None
    if not isinstance(hours, list) or not hours:
        return _error(400, _("Send a JSON object with a non-empty list \"hours\"."))
    if len(hours) > MAX_HOURS:
        return _error(400, _("Send at most %(n)d hours per request.", n=MAX_HOURS))
    errors: list[dict] = []
    rows = [_item(index, raw, errors) for index, raw in enumerate(hours)]
    if errors:
        return _error(422, _("Nothing was recorded: some hours are not valid."), errors)
    outcome = services.record_air_hours(db.session, services.by_key(key), station,
                                        [row for row in rows if row is not None],
                                        state=DataState.PROVISIONAL, origin=DataOrigin.PUSH, audit_it=False)
    if outcome.refusals:
        db.session.rollback()
        return _error(422, _("Nothing was recorded: some hours are not valid."),
                      [{"index": r.index, "field": r.field, "message": r.message} for r in outcome.refusals])
    key.last_used_at = utcnow()
    audit.record(db.session, "environment.push", station, note=f"key:{key.id} {key.prefix}",
                 after={**outcome.counts(), "hours": len(rows), "key_id": key.id})
    db.session.commit()
    return jsonify({"station": station.code, **outcome.counts()})

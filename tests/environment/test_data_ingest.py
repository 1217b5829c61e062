"""The stations' push API: keys, bureaus, idempotent repeats, per-item errors, nothing half-applied."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.accounts.permissions import Role
from app.audit import AuditEntry
from app.environment import services
from app.environment.models import AirDay, AirHour, DataState, MeasurementRevision
from app.extensions import db
from app.org.models import PlaceLevel
from tests import factories
from tests.environment import factories as env

URL = "/api/v1/air/stations/{code}/hours"


@pytest.fixture
def setup(app):
    factories.place(db.session, level=PlaceLevel.CITY)
    editor = factories.user(db.session, role=Role.BUREAU_EDITOR)
    station = env.station(db.session, bureau=editor.bureau, code="S001")
    key, secret = services.create_station_key(db.session, services.by_user(editor), editor.bureau_id, "站房")
    db.session.commit()
    return {"editor": editor, "station": station, "key": key, "secret": secret}


def hour(at="2026-12-07T10:00:00+08:00", **values):
    return {"observed_at": at, "so2": 8, "no2": 31, "co": 0.6, "o3": 42, "pm10": 55, "pm25": 31, **values}


def push(client, setup, hours, *, code="S001", secret=None):
    headers = {"Authorization": f"Bearer {secret or setup['secret']}"} if secret != "" else {}
    return client.post(URL.format(code=code), json={"hours": hours}, headers=headers)


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_push_records_hours_audits_and_marks_the_key_used(client, setup):
    response = push(client, setup, [hour(), hour("2026-12-07T11:00:00+08:00", state="validated")])
    assert response.status_code == 200
    assert response.json == {"station": "S001", "inserted": 2, "replaced": 0, "unchanged": 0, "refused": 0}
    rows = db.session.scalars(select(AirHour).order_by(AirHour.observed_at)).all()
    assert rows[0].observed_at == datetime(2026, 12, 7, 2, tzinfo=timezone.utc)
    assert [r.state for r in rows] == [DataState.PROVISIONAL, DataState.VALIDATED]
    assert rows[0].origin == "push"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.push")).one()
    assert entry.after["inserted"] == 2 and entry.object_id == str(setup["station"].id)
    db.session.refresh(setup["key"])
    assert setup["key"].last_used_at is not None
    assert count(AirDay) == 1


def test_the_same_push_again_changes_nothing(client, setup):
    push(client, setup, [hour()])
    response = push(client, setup, [hour()])
    assert response.status_code == 200 and response.json["unchanged"] == 1 and response.json["inserted"] == 0
    assert count(AirHour) == 1


def test_validated_push_replaces_provisional_and_provisional_is_refused_over_validated(client, setup):
    push(client, setup, [hour(pm25=40)])
    assert push(client, setup, [hour(pm25=35, state="validated")]).json["replaced"] == 1
    assert count(MeasurementRevision) == 1
    response = push(client, setup, [hour("2026-12-07T09:00:00+08:00"), hour(pm25=99)])
    assert response.status_code == 422
    assert response.json["errors"] == [{"index": 1, "field": "state", "message": (
        "A provisional value cannot replace a validated one; send a validated correction instead.")}]
    assert count(AirHour) == 1  # the good item was not kept either


@pytest.mark.parametrize("secret", ["", "esk_wrong"])
def test_missing_or_unknown_key_is_401_and_audited(client, setup, secret):
    response = push(client, setup, [hour()], secret=secret)
    assert response.status_code == 401 and "station key" in response.json["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(AirHour) == 0
    assert count(AuditEntry, AuditEntry.action == "environment.push_refused") == 1


def test_revoked_key_is_refused(client, setup):
    services.revoke_station_key(db.session, services.by_user(setup["editor"]), setup["key"])
    db.session.commit()
    assert push(client, setup, [hour()]).status_code == 401
    assert count(AirHour) == 0


def test_key_of_another_bureau_is_403(client, setup):
    env.station(db.session, code="S999")
    db.session.commit()
    response = push(client, setup, [hour()], code="S999")
    assert response.status_code == 403
    assert count(AirHour) == 0
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "environment.push_refused")).one()
    assert entry.object_id == str(setup["key"].id)


def test_unknown_station_is_404(client, setup):
    assert push(client, setup, [hour()], code="NOPE").status_code == 404


def test_bad_items_are_listed_and_nothing_applied(client, setup):
    future = (datetime.now(timezone.utc) + timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    items = [hour(), hour("2026-12-07T09:00:00", pm25=-1), hour("nonsense"), hour(co=600), hour(no2="31"),
             "x", {**hour(future.isoformat()), "colour": "red"}, hour("2026-12-07T08:00:00+08:00", state="final")]
    response = push(client, setup, items)
    assert response.status_code == 422
    errors = {(e["index"], e["field"]) for e in response.json["errors"]}
    assert errors == {(1, "pm25"), (2, "observed_at"), (3, "co"), (4, "no2"), (5, ""), (6, "colour"),
                      (7, "state")}
    assert count(AirHour) == 0
    # Problems the rules find after parsing: a time without its zone, a time in the future.
    response = push(client, setup, [hour(), hour("2026-12-07T09:00:00"), hour(future.isoformat())])
    assert response.status_code == 422
    assert [(e["index"], e["field"]) for e in response.json["errors"]] == [(1, "observed_at"), (2, "observed_at")]
    assert count(AirHour) == 0


@pytest.mark.parametrize("body", [None, {"hours": []}, {"hours": "x"}, [1, 2], {"hours": [{}] * 169}])
def test_malformed_bodies_are_400(client, setup, body):
    headers = {"Authorization": f"Bearer {setup['secret']}"}
    if body is None:
        response = client.post(URL.format(code="S001"), data="{not json", headers=headers,
                               content_type="application/json")
    else:
        response = client.post(URL.format(code="S001"), json=body, headers=headers)
    assert response.status_code == 400 and response.is_json


def test_wrong_method_is_json(client, setup):
    response = client.put(URL.format(code="S001"))
    assert response.status_code == 405 and response.is_json

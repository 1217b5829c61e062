"""Open311 writes against the database: keys issued, revoked and checked (each use and each refusal
audited), and a request filed through the tips service with its token and the media link as a note."""
import pytest
from flask import current_app
from sqlalchemy import select

from app.audit import AuditEntry
from app.open311 import services
from app.open311.formats import Open311Error
from app.open311.models import ApiKey, ApiRequest
from app.casework import codes
from app.tips import services as tips
from app.tips.models import Tip


def actions(session):
    return session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_issued_keys_are_unguessable_and_distinct(session, staff):
    first, key1 = services.issue_key(session, staff["admin"], " App one ")
    second, key2 = services.issue_key(session, staff["admin"], "App two")
    assert key1 != key2 and len(key1) >= 40 and first.name == "App one"
    assert first.key_hash != second.key_hash and first.active
    assert actions(session)[-2:] == ["open311.key_issue", "open311.key_issue"]


def test_authenticate_counts_a_use_of_an_active_key(session, api_key):
    row, key = api_key
    assert services.authenticate(session, f" {key} ", "create_request") is row
    assert row.use_count == 1 and row.last_used_at is not None


@pytest.mark.parametrize("given", [None, "", "   ", "wrong"])
def test_authenticate_refuses_missing_and_unknown_keys(session, api_key, given):
    with pytest.raises(Open311Error) as caught:
        services.authenticate(session, given, "create_request")
    assert caught.value.status == 403
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "open311.key_refused")).all()
    assert entry.object_type == "open311_keys" and entry.object_id == ""


def test_a_revoked_key_is_refused_and_revoking_twice_changes_nothing(session, staff, api_key):
    row, key = api_key
    services.revoke_key(session, staff["admin"], row)
    revoked_at = row.revoked_at
    services.revoke_key(session, staff["admin"], row)
    assert row.revoked_at == revoked_at and row.revoked_by_id == staff["admin"].id
    with pytest.raises(Open311Error):
        services.authenticate(session, key, "create_request")
    assert actions(session)[-2:] == ["open311.key_revoke", "open311.key_refused"]
    assert row.use_count == 0


def test_a_request_is_filed_through_the_tips_service(session, city, api_key):
    data = tips.TipInput(categories=[city.air], description="夜间排放黑烟，气味刺鼻", district=city.district,
                         address="和平大道")
    link, code = services.create_request(session, api_key[0], data, tips.Rules(), "",
                                         media_url="http://example.org/1.jpg")
    tip = session.scalar(select(Tip))
    assert link.tip is tip and link.key_id == api_key[0].id and len(link.token) >= 20
    assert tip.code_hash == codes.digest(code, current_app.config["SECRET_KEY"])
    assert [(e.step, e.public) for e in tip.events] == [("submitted", True), ("note", False)]
    assert session.scalar(select(ApiRequest.token)) == link.token
    assert actions(session)[-1] == "open311.request_create"
    assert session.scalar(select(ApiKey)).id == api_key[0].id

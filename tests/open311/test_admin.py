"""The back office of Open311 keys: issuing (the key shown once, only its hash kept), listing, revoking,
each audited; as a page and as an htmx fragment; refused to everyone but admins."""
import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.open311.models import ApiKey
from app.open311.services import key_hash

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def issue(client, csrf, name="12369 app"):
    token = csrf.token(client, "/admin/open311/keys")
    return client.post("/admin/open311/keys", data={"name": name, "csrf_token": token})


def test_an_admin_issues_a_key_that_is_shown_once(client, auth, csrf, session, staff):
    auth.login("admin")
    response = issue(client, csrf)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    [key] = re.findall(r'class="tracking-code"><strong>([^<]+)</strong>', html)
    row = session.scalar(select(ApiKey))
    assert row.name == "12369 app" and row.key_hash == key_hash(key) and row.created_by_id == staff["admin"].id
    again = client.get("/admin/open311/keys").get_data(as_text=True)
    assert key not in again and row.prefix in again
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "open311.key_issue"))
    assert entry.actor_id == staff["admin"].id and key not in str(entry.after)


def test_an_issued_key_posts_and_a_revoked_one_is_refused(client, auth, csrf, session, staff, city):
    auth.login("admin")
    html = client.get(issue(client, csrf).headers["Location"]).get_data(as_text=True)
    [key] = re.findall(r'class="tracking-code"><strong>([^<]+)</strong>', html)
    data = {"api_key": key, "service_code": "air", "address_string": "和平大道",
            "description": "夜间排放黑烟，气味刺鼻"}
    assert client.post("/open311/v2/requests.json", data=data).status_code == 200
    row = session.scalar(select(ApiKey))
    response = client.post(f"/admin/open311/keys/{row.id}/revoke",
                           data={"csrf_token": csrf.token(client, "/admin/open311/keys")})
    assert response.status_code == 303
    html = client.get("/admin/open311/keys").get_data(as_text=True)
    assert "The key is revoked" in html and "Revoked" in html
    assert client.post("/open311/v2/requests.json", data=data).status_code == 403
    session.expire_all()
    assert session.get(ApiKey, row.id).revoked_by_id == staff["admin"].id
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("open311.%"))
                              .order_by(AuditEntry.id)).all()
    assert actions == ["open311.key_issue", "open311.request_create", "open311.key_revoke", "open311.key_refused"]


def test_a_key_without_a_name_is_refused_with_422(client, auth, csrf, session, staff):
    auth.login("admin")
    response = issue(client, csrf, name="  ")
    assert response.status_code == 422
    assert "Say who will use this key." in response.get_data(as_text=True)
    assert session.scalar(select(ApiKey)) is None


def test_revoking_needs_the_csrf_token(client, auth, session, staff, api_key):
    auth.login("admin")
    assert client.post(f"/admin/open311/keys/{api_key[0].id}/revoke").status_code == 400
    session.expire_all()
    assert session.get(ApiKey, api_key[0].id).active


def test_the_list_as_an_htmx_fragment(client, auth, staff, api_key):
    auth.login("admin")
    response = client.get("/admin/open311/keys", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert '<div id="open311-keys"' in html and "12369 app" in html and "<html" not in html


@pytest.mark.parametrize("role", ["tip_handler", "bureau_editor", "reviewer", "interviewer"])
def test_only_admins_manage_keys_and_refusals_are_audited(client, auth, csrf, session, staff, api_key, role):
    auth.login(staff[role].username)
    token = csrf.token(client)
    assert client.get("/admin/open311/keys").status_code == 403
    assert client.post("/admin/open311/keys", data={"name": "x", "csrf_token": token}).status_code == 403
    assert client.post(f"/admin/open311/keys/{api_key[0].id}/revoke", data={"csrf_token": token}).status_code == 403
    session.expire_all()
    assert session.get(ApiKey, api_key[0].id).active and len(session.scalars(select(ApiKey)).all()) == 1
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert len(denied) == 3 and all(e.actor_id == staff[role].id for e in denied)

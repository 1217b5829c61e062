"""The audit log is append-only and can be browsed and filtered by admins."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import audit
from app.admin.queries import audit_entries
from app.audit import AuditEntry, AuditLogIsAppendOnly
from app.db_types import utcnow
from app.i18n import site_zone


def test_entries_cannot_be_changed(session, staff):
    entry = audit.record(session, "test.thing", staff["admin"], actor=staff["admin"])
    session.commit()
    entry.note = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()


def test_entries_cannot_be_deleted(session, staff):
    entry = audit.record(session, "test.thing", staff["admin"], actor=staff["admin"])
    session.commit()
    session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()


def test_entry_records_who_what_where(client, auth, session, staff):
    auth.login("admin")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "accounts.login")).one()
    assert entry.actor_id == staff["admin"].id and entry.actor_label == "admin"
    assert entry.object_type == "users" and entry.object_id == str(staff["admin"].id)
    assert entry.ip == "127.0.0.1"
    assert entry.at.tzinfo is not None


def _seed_entries(session, staff):
    audit.record(session, "accounts.update", staff["bureau_editor"],
                 actor=staff["admin"], note="alpha")
    old = audit.record(session, "org.place_update", None, actor=staff["reviewer"], object_type="places",
                       object_id=7, note="beta")
    old.at = utcnow() - timedelta(days=40)
    session.commit()


def test_admin_filters_by_person_action_object_and_date(client, auth, session, staff):
    _seed_entries(session, staff)
    auth.login("admin")
    body = client.get("/admin/audit?action=org.").get_data(as_text=True)
    assert "beta" in body and "alpha" not in body
    body = client.get(f"/admin/audit?actor={staff['reviewer'].id}").get_data(as_text=True)
    assert "beta" in body and "alpha" not in body
    body = client.get("/admin/audit?object_type=places&object_id=7").get_data(as_text=True)
    assert "beta" in body and "alpha" not in body
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    body = client.get(f"/admin/audit?since={since}").get_data(as_text=True)
    assert "alpha" in body and "beta" not in body


def test_audit_filter_answers_htmx_with_the_results_fragment(client, auth, staff):
    auth.login("admin")
    response = client.get("/admin/audit?action=accounts", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="audit-results"')
    assert "HX-Request" in response.headers["Vary"]


def test_audit_log_offers_no_way_to_edit(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert rules and all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in rules)


def test_the_until_filter_takes_in_the_whole_local_day(app, session, staff):
    with app.test_request_context("/"):
        zone = site_zone()
        late = audit.record(session, "test.late", None, actor=staff["admin"], object_type="x", object_id=1)
        late.at = datetime(2026, 3, 5, 23, 59, tzinfo=zone)
        next_day = audit.record(session, "test.next", None, actor=staff["admin"], object_type="x", object_id=2)
        next_day.at = datetime(2026, 3, 6, 0, 0, tzinfo=zone)
        session.commit()
        day = datetime(2026, 3, 5).date()
        actions = session.scalars(audit_entries(action="test.", since=day, until=day)).all()
        assert [entry.action for entry in actions] == ["test.late"]

"""The organisers' list of volunteers: every one for the office, a bureau's own volunteers and their hours with
it for its editors; a phone number is an audited look."""
import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.participation import volunteers
from tests.participation.volunteer_fixtures import activity, registration


@pytest.fixture
def people(session, staff):
    """赵六 volunteered for both bureaus, 钱七 for the other bureau only."""
    home, other = staff["bureaus"]["home"], staff["bureaus"]["other"]
    both = registration(session, activity(session, home), name="赵六", phone="13600136000")
    volunteers.confirm_hours(session, staff["admin"], both, 2)
    volunteers.confirm_hours(session, staff["admin"], registration(
        session, activity(session, other), name="赵六", phone="13600136000"), 4)
    volunteers.confirm_hours(session, staff["admin"], registration(
        session, activity(session, other), name="钱七", phone="13500135000"), 3)
    session.commit()
    return {"both": both.volunteer, "other_only": session.scalars(select(volunteers.Volunteer).where(
        volunteers.Volunteer.name == "钱七")).one()}


def _rows(session, actor):
    return [(row.volunteer.name, row.hours) for row in volunteers.volunteers_for(session, actor)(limit=10, offset=0)]


def test_admins_see_every_volunteer_with_all_hours(session, staff, people):
    assert sorted(_rows(session, staff["admin"])) == sorted([("赵六", 6.0), ("钱七", 3.0)])


def test_an_editor_sees_their_bureau_volunteers_and_only_its_hours(session, staff, people):
    assert _rows(session, staff["bureau_editor"]) == [("赵六", 2.0)]
    assert sorted(_rows(session, staff["other_editor"])) == sorted([("赵六", 4.0), ("钱七", 3.0)])


def test_the_list_page_is_scoped(client, auth, session, staff, people):
    auth.login("editor")
    html = client.get("/admin/participation/volunteers/").get_data(as_text=True)
    assert "赵六" in html and "钱七" not in html and "13600136000" not in html


def test_the_list_needs_the_organise_permission(client, auth, staff, people):
    auth.login("reviewer")
    assert client.get("/admin/participation/volunteers/").status_code == 403
    client.get("/logout")


def _reveal(client, csrf, volunteer, htmx=True):
    token = csrf.token(client, "/admin/participation/volunteers/")
    return client.post(f"/admin/participation/volunteers/{volunteer.id}/phone", data={"csrf_token": token},
                       headers={"HX-Request": "true"} if htmx else {})


def test_revealing_a_phone_is_audited(client, auth, csrf, session, staff, people):
    auth.login("editor")
    response = _reveal(client, csrf, people["both"])
    assert response.status_code == 200 and "13600136000" in response.get_data(as_text=True)
    entry, = session.scalars(select(AuditEntry).where(AuditEntry.action == "participation.volunteer_phone_viewed"))
    assert entry.object_id == str(people["both"].id) and "13600136000" not in str(entry.after)


def test_an_editor_cannot_reveal_another_bureau_volunteer(client, auth, csrf, session, staff, people):
    auth.login("editor")
    response = _reveal(client, csrf, people["other_only"])
    assert response.status_code == 403 and "13500135000" not in response.get_data(as_text=True)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "participation.volunteers_refused")).all()
    assert not session.scalars(select(AuditEntry).where(
        AuditEntry.action == "participation.volunteer_phone_viewed")).all()

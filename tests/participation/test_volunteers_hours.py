"""Organisers confirm volunteers' hours after an activity: within the activity's duration and an hour, their own
bureau's only (refusals audited), correctable with a reason."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.errors import ActionRefused, NotPermitted
from app.participation import volunteers
from app.participation.models import Registration, RegistrationState
from tests.participation.volunteer_fixtures import activity, registration


def _actions(session, action):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def held(session, staff):
    """A four-hour activity of the editor's bureau, held, with one attended volunteer."""
    found = activity(session, staff["bureaus"]["home"], hours=3.0, duration_hours=4)
    return registration(session, found)


def test_the_organiser_confirms_hours_and_it_is_audited(session, staff, held):
    volunteers.confirm_hours(session, staff["bureau_editor"], held, 3.5)
    assert held.hours == 3.5 and held.hours_confirmed_by_id == staff["bureau_editor"].id
    entry, = _actions(session, "participation.hours_confirm")
    assert entry.after["hours"] == 3.5 and "张三" not in str(entry.after) and "13800138000" not in str(entry.after)


@pytest.mark.parametrize("hours", [0, -1, 5.01, None])
def test_hours_outside_zero_to_duration_plus_one_are_refused(session, staff, held, hours):
    with pytest.raises(ActionRefused, match="at most 5 hours") as refused:
        volunteers.confirm_hours(session, staff["bureau_editor"], held, hours)
    assert refused.value.field == "hours" and held.hours is None


def test_the_upper_bound_itself_is_allowed(session, staff, held):
    volunteers.confirm_hours(session, staff["admin"], held, 5)
    assert held.hours == 5


def test_an_editor_of_another_bureau_is_refused(session, staff, held):
    with pytest.raises(NotPermitted):
        volunteers.confirm_hours(session, staff["other_editor"], held, 3)
    assert held.hours is None


def test_a_correction_needs_a_reason_and_is_audited_with_it(session, staff, held):
    volunteers.confirm_hours(session, staff["bureau_editor"], held, 3)
    with pytest.raises(ActionRefused, match="why") as refused:
        volunteers.confirm_hours(session, staff["bureau_editor"], held, 2)
    assert refused.value.field == "reason" and held.hours == 3
    volunteers.confirm_hours(session, staff["bureau_editor"], held, 2, "提前离场")
    entry, = _actions(session, "participation.hours_correct")
    assert entry.before["hours"] == 3 and entry.after["hours"] == 2 and entry.note == "提前离场"


def test_hours_only_for_attended_volunteers_after_the_activity(session, staff):
    home = staff["bureaus"]["home"]
    confirmed = registration(session, activity(session, home), state=RegistrationState.CONFIRMED)
    with pytest.raises(ActionRefused, match="attended"):
        volunteers.confirm_hours(session, staff["admin"], confirmed, 3)
    unlinked = registration(session, activity(session, home), enrol=False)
    with pytest.raises(ActionRefused, match="attended"):
        volunteers.confirm_hours(session, staff["admin"], unlinked, 3)
    future = registration(session, activity(session, home, starts_at=utcnow() + timedelta(days=2)))
    with pytest.raises(ActionRefused, match="ended"):
        volunteers.confirm_hours(session, staff["admin"], future, 3)


def _page(client, auth, staff, held, who="editor"):
    auth.login(who)
    return client.get(f"/admin/participation/volunteers/activities/{held.activity_id}")


def test_the_hours_page_lists_attended_volunteers_and_audits_the_look(client, auth, session, staff, held):
    absent = registration(session, held.activity, name="王五", phone="13700137000", state=RegistrationState.CONFIRMED)
    session.commit()
    html = _page(client, auth, staff, held).get_data(as_text=True)
    assert "张三" in html and "王五" not in html and absent.id
    assert 'value="3.0"' in html  # the activity's default hours
    assert len(_actions(session, "participation.volunteer_names_viewed")) == 1


def test_the_hours_page_of_another_bureau_is_403_and_audited(client, auth, session, staff, held):
    session.commit()
    response = _page(client, auth, staff, held, who="editor2")
    assert response.status_code == 403 and "张三" not in response.get_data(as_text=True)
    assert _actions(session, "participation.volunteers_refused")
    assert not _actions(session, "participation.volunteer_names_viewed")


def _post(client, csrf, held, data, htmx=False):
    token = csrf.token(client, f"/admin/participation/volunteers/activities/{held.activity_id}")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/admin/participation/volunteers/registrations/{held.id}/hours",
                       data={f"r{held.id}-csrf_token": token, **{f"r{held.id}-{k}": v for k, v in data.items()}},
                       headers=headers)


def test_confirming_without_javascript_redirects_back(client, auth, csrf, session, staff, held):
    session.commit()
    auth.login("editor")
    response = _post(client, csrf, held, {"hours": "2.5"})
    assert response.status_code == 303 and f"/activities/{held.activity_id}" in response.location
    session.expire_all()
    assert session.get(Registration, held.id).hours == 2.5


def test_confirming_with_htmx_returns_the_row(client, auth, csrf, session, staff, held):
    session.commit()
    auth.login("editor")
    response = _post(client, csrf, held, {"hours": "3"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<tr id="hours-{held.id}"')
    assert "<html" not in html and 'name="r%d-reason"' % held.id in html  # now a correction, with its reason


def test_too_many_hours_come_back_422_with_the_input_kept(client, auth, csrf, session, staff, held):
    session.commit()
    auth.login("editor")
    client.set_cookie("lang", "en")
    response = _post(client, csrf, held, {"hours": "9"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="9"' in html and "at most 5 hours" in html
    session.expire_all()
    assert session.get(Registration, held.id).hours is None


def test_posting_hours_for_another_bureau_is_403_and_audited(client, auth, csrf, session, staff, held):
    session.commit()
    auth.login("editor2")
    token = csrf.token(client, "/admin/participation/volunteers/")
    response = client.post(f"/admin/participation/volunteers/registrations/{held.id}/hours",
                           data={f"r{held.id}-csrf_token": token, f"r{held.id}-hours": "3"})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Registration, held.id).hours is None
    assert _actions(session, "participation.hours_refused")


def test_confirming_the_same_hours_again_changes_nothing(session, staff, held):
    volunteers.confirm_hours(session, staff["bureau_editor"], held, 3)
    volunteers.confirm_hours(session, staff["bureau_editor"], held, 3.0)  # a double click: no reason asked
    assert held.hours == 3
    assert len(_actions(session, "participation.hours_confirm")) == 1
    assert not _actions(session, "participation.hours_correct")


def test_a_correction_through_the_page_asks_for_the_reason(client, auth, csrf, session, staff, held):
    volunteers.confirm_hours(session, staff["bureau_editor"], held, 3)
    session.commit()
    auth.login("editor")
    client.set_cookie("lang", "en")
    response = _post(client, csrf, held, {"hours": "2"})
    assert response.status_code == 422
    assert "Say why the confirmed hours are corrected" in response.get_data(as_text=True)
    response = _post(client, csrf, held, {"hours": "2", "reason": "提前离场"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Registration, held.id).hours == 2
    assert "Hours corrected." in client.get(response.location).get_data(as_text=True)

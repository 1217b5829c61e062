"""Registered organisations through the pages: the office registers one and gives it an account; that account
creates and publishes an activity, checks people in, closes it and confirms the hours; it gets 403 (audited) on a
bureau's activity and on another organisation's, sees nothing of the bureaus' back office, and publishes nothing
while its organisation is suspended. The public page names the organisation, never its contact."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.accounts.models import User
from app.audit import AuditEntry
from app.db_types import utcnow
from app.participation import activities, organisations
from app.participation.models import (Activity, ActivityState, Organisation, OrganisationState, Registration,
                                      RegistrationState)
from tests import factories
from tests.participation.activity_fixtures import KEY, activity
from tests.participation.organisation_fixtures import organisation, organiser

PASSWORD = factories.PASSWORD


@pytest.fixture
def org(session, staff):
    """Two organisations with an organiser each, a district, and the staff set."""
    district = factories.place(session, name_zh_hans="云溪区", name_en="Yunxi District")
    first = organisation(session, staff["admin"], place=district, name_zh_hans="云溪市青年志愿者协会",
                         name_en="Yunxi Youth Volunteers Association", contact_phone="13800000080")
    second = organisation(session, staff["admin"], name_zh_hans="东湖区绿色家园环保促进会")
    mine, theirs = organiser(session, first, username="youth"), organiser(session, second, username="green")
    session.commit()
    return {"first": first, "second": second, "mine": mine, "theirs": theirs, "district": district}


def _token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _refusals(session, action: str, actor: User) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                         AuditEntry.actor_id == actor.id)))


def _local(moment) -> str:
    """A datetime-local value in the city's zone (Asia/Shanghai, UTC+8)."""
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


def _activity_form(place_id: int, **values) -> dict:
    now = utcnow()
    starts = now + timedelta(days=5)
    data = {"kind": "river_cleanup", "title_zh_hans": "青年志愿者云溪河净滩", "title_en": "Youth river clean-up",
            "venue_zh_hans": "云溪河滨公园", "place_id": place_id, "starts_at": _local(starts),
            "ends_at": _local(starts + timedelta(hours=3)), "signup_opens_at": _local(now - timedelta(hours=1)),
            "signup_closes_at": _local(starts - timedelta(days=1)), "capacity": "20", "max_group_size": "3",
            "volunteer_hours": "3"}
    data.update(values)
    return data


def _open(session, runner, **values) -> Activity:
    """An activity of a bureau (or, with organisation_id and bureau_id=None, an organisation) whose sign-up is
    open now (the views use the real clock)."""
    now = utcnow()
    defaults = dict(starts_at=now + timedelta(days=4), signup_opens_at=now - timedelta(days=1),
                    signup_closes_at=now + timedelta(days=3))
    defaults.update(values)
    row = activity(session, runner, **defaults)
    session.commit()
    return row


def _org_activity(session, org_, **values) -> Activity:
    return _open(session, org_, organisation_id=org_.id, bureau_id=None, **values)


def test_the_office_registers_an_organisation_and_its_account_which_runs_an_activity_through(
        client, auth, session, staff, org):
    auth.login("admin")
    url = "/admin/participation/organisations/new"
    response = client.post(url, data={
        "csrf_token": _token(client, url), "name_zh_hans": "云溪实验小学", "name_en": "Yunxi Experimental School",
        "kind": "school", "place_id": org["district"].id, "contact_name": "陈老师", "contact_phone": "027-88886666"})
    assert response.status_code == 303
    school = session.scalar(select(Organisation).where(Organisation.name_zh_hans == "云溪实验小学"))
    assert school.state == OrganisationState.APPROVED
    page = client.get(f"/admin/participation/organisations/{school.id}").get_data(as_text=True)
    assert "陈老师" in page and f"/admin/users/new?organisation={school.id}" in page
    url = f"/admin/users/new?organisation={school.id}"
    form = client.get(url).get_data(as_text=True)
    assert re.search(r'<option selected value="organisation_organiser">|<option value="organisation_organiser" '
                     r'selected>', form)
    response = client.post(url, data={
        "csrf_token": _token(client, url), "username": "school-org", "display_name": "实验小学德育处",
        "role": "organisation_organiser", "bureau_id": "0", "organisation_id": school.id,
        "new_password": PASSWORD, "confirm": PASSWORD, "active": "y"})
    assert response.status_code == 303
    account = session.scalar(select(User).where(User.username == "school-org"))
    assert account.organisation_id == school.id and account.bureau_id is None
    auth.logout()

    # The organisation's account: a new activity (no bureau to choose), published.
    auth.login("school-org")
    url = "/admin/participation/activities/new"
    page = client.get(url).get_data(as_text=True)
    assert 'name="bureau_id"' not in page and 'name="organisation_id"' not in page
    assert client.post(url, data={"csrf_token": _token(client, url),
                                  **_activity_form(org["district"].id)}).status_code == 303
    held = session.scalar(select(Activity).where(Activity.organisation_id == school.id))
    assert held.bureau_id is None and held.created_by_id == account.id
    detail = f"/admin/participation/activities/{held.id}"
    assert client.post(f"{detail}/publish", data={"csrf_token": _token(client, detail)}).status_code == 303
    session.expire_all()
    assert session.get(Activity, held.id).state == ActivityState.PUBLISHED

    # Residents sign up; the public page names the organisation and not its contact.
    came = activities.sign_up(session, held, name="王丽华", phone="13800000001", key=KEY, keep_volunteer_record=True)
    activities.sign_up(session, held, name="李建国", phone="13800000002", key=KEY)
    session.commit()
    public = client.get(f"/participation/activities/{held.id}").get_data(as_text=True)
    assert "Yunxi Experimental School" in public and "School" in public and "027-88886666" not in public

    # At the door, then after the activity (the clock moved on): closed, the volunteer's hours confirmed.
    url = f"{detail}/check-in"
    assert "王丽华" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/{came.registration.id}", data={"csrf_token": _token(client, url)}).status_code == 303
    past = utcnow() - timedelta(days=1)
    session.execute(update(Activity).where(Activity.id == held.id).values(
        starts_at=past, ends_at=past + timedelta(hours=3), signup_opens_at=past - timedelta(days=3),
        signup_closes_at=past - timedelta(days=1)))
    session.commit()
    url = f"{detail}/close"
    assert client.post(url, data={"csrf_token": _token(client, url), "attendance": "1",
                                  "summary_zh_hans": "净滩完成。"}).status_code == 303
    url = f"/admin/participation/volunteers/activities/{held.id}"
    assert "王丽华" in client.get(url).get_data(as_text=True)
    prefix = f"r{came.registration.id}-"
    response = client.post(f"/admin/participation/volunteers/registrations/{came.registration.id}/hours",
                           data={"csrf_token": _token(client, url), f"{prefix}hours": "3"})
    assert response.status_code == 303
    session.expire_all()
    assert session.get(Activity, held.id).state == ActivityState.CLOSED
    assert session.get(Registration, came.registration.id).hours == 3
    steps = {entry.action for entry in session.scalars(select(AuditEntry).where(AuditEntry.actor_id == account.id))}
    assert {"activities.create", "activities.publish", "activities.check_in", "activities.close",
            "participation.hours_confirm"} <= steps


@pytest.mark.parametrize("owner", ["bureau", "other organisation"])
def test_an_organisations_account_gets_403_audited_on_anyone_elses_activity(client, auth, session, staff, org, owner):
    if owner == "bureau":
        target = _open(session, staff["bureaus"]["home"])
    else:
        target = _org_activity(session, org["second"])
    person = activities.sign_up(session, target, name="李四", phone="13900000009", key=KEY,
                                keep_volunteer_record=True).registration
    session.commit()
    auth.login("youth")
    base = f"/admin/participation/activities/{target.id}"
    token = _token(client, "/admin/participation/activities/")
    for url in (base, f"{base}/edit", f"{base}/check-in", f"{base}/close",
                f"/admin/participation/volunteers/activities/{target.id}"):
        assert client.get(url).status_code == 403, url
    for url in (f"{base}/publish", f"{base}/cancel", f"{base}/check-in/{person.id}",
                f"/admin/participation/volunteers/registrations/{person.id}/hours"):
        assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 403, url
    assert len(_refusals(session, "activities.refused", org["mine"])) == 7
    assert len(_refusals(session, "participation.volunteers_refused", org["mine"])) == 1
    assert len(_refusals(session, "participation.hours_refused", org["mine"])) == 1
    session.expire_all()
    assert session.get(Registration, person.id).state == RegistrationState.CONFIRMED
    assert target.title_en not in client.get("/admin/participation/activities/").get_data(as_text=True)


def test_a_bureau_editor_gets_403_audited_on_an_organisations_activity(client, auth, session, staff, org):
    target = _org_activity(session, org["first"])
    auth.login("editor")
    assert client.get(f"/admin/participation/activities/{target.id}").status_code == 403
    assert len(_refusals(session, "activities.refused", staff["bureau_editor"])) == 1
    assert target.title_en not in client.get("/admin/participation/activities/").get_data(as_text=True)


def test_an_organisations_account_lists_its_own_activities_and_volunteers_only(client, auth, session, staff, org):
    own = _org_activity(session, org["first"], title_en="Our own clean-up")
    _org_activity(session, org["second"], title_en="Their clean-up")
    _open(session, staff["bureaus"]["home"], title_en="Bureau clean-up")
    activities.sign_up(session, own, name="王丽华", phone="13800000001", key=KEY, keep_volunteer_record=True)
    session.commit()
    auth.login("youth")
    listed = client.get("/admin/participation/activities/").get_data(as_text=True)
    assert "Our own clean-up" in listed and "Their clean-up" not in listed and "Bureau clean-up" not in listed
    assert "Yunxi Youth Volunteers Association" in listed
    assert client.get("/admin/participation/volunteers/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/participation/open-days/", "/admin/participation/consultations/",
                                 "/admin/participation/suggestions/", "/admin/participation/organisations/",
                                 "/admin/users/", "/admin/indicators/", "/admin/notices/", "/admin/audit"])
def test_an_organisations_account_enters_none_of_the_bureaus_back_office(client, auth, session, org, url):
    auth.login("youth")
    assert client.get(url).status_code == 403
    assert client.get("/admin/").status_code == 200


def test_a_suspended_organisation_cannot_publish_and_is_told_why(client, auth, session, staff, org):
    draft = _org_activity(session, org["first"], state=ActivityState.DRAFT)
    auth.login("admin")
    url = f"/admin/participation/organisations/{org['first'].id}"
    refused = client.post(f"{url}/suspend", data={"csrf_token": _token(client, url), "reason": ""})
    assert refused.status_code == 422 and "Say why the organisation is suspended" in refused.get_data(as_text=True)
    assert client.post(f"{url}/suspend", data={"csrf_token": _token(client, url),
                                               "reason": "年检未通过"}).status_code == 303
    auth.logout()

    auth.login("youth")
    listed = client.get("/admin/participation/activities/").get_data(as_text=True)
    assert "is suspended by the ecological civilization office" in listed
    detail = f"/admin/participation/activities/{draft.id}"
    response = client.post(f"{detail}/publish", data={"csrf_token": _token(client, detail)})
    assert response.status_code == 422 and "is suspended" in response.get_data(as_text=True)
    url = "/admin/participation/activities/new"
    response = client.post(url, data={"csrf_token": _token(client, url), **_activity_form(org["district"].id)})
    assert response.status_code == 422 and 'value="青年志愿者云溪河净滩"' in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Activity, draft.id).state == ActivityState.DRAFT
    assert session.scalar(select(Activity).where(Activity.title_zh_hans == "青年志愿者云溪河净滩")) is None
    assert len(_refusals(session, "activities.refused", org["mine"])) == 2
    auth.logout()

    auth.login("admin")
    url = f"/admin/participation/organisations/{org['first'].id}"
    assert client.post(f"{url}/reinstate", data={"csrf_token": _token(client, url)}).status_code == 303
    auth.logout()
    auth.login("youth")
    detail = f"/admin/participation/activities/{draft.id}"
    assert client.post(f"{detail}/publish", data={"csrf_token": _token(client, detail)}).status_code == 303


def test_the_office_lists_organisations_and_bad_input_comes_back_422_kept(client, auth, session, staff, org):
    auth.login("admin")
    listed = client.get("/admin/participation/organisations/").get_data(as_text=True)
    assert "Yunxi Youth Volunteers Association" in listed and "Approved" in listed
    url = "/admin/participation/organisations/new"
    response = client.post(url, data={"csrf_token": _token(client, url), "name_zh_hans": "云溪市青年志愿者协会",
                                      "kind": "volunteer", "place_id": org["district"].id, "contact_name": "周",
                                      "contact_phone": "13800000080", "credit_code": "91350100M000100Y44"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="91350100M000100Y44"' in body
    assert "registered already" in body
    edit = f"/admin/participation/organisations/{org['first'].id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="云溪市青年志愿者协会"' in page and 'value="13800000080"' in page
    assert client.get("/admin/participation/organisations/999999").status_code == 404


def test_the_office_creates_an_activity_for_an_organisation_or_a_bureau_not_both(client, auth, session, staff, org):
    auth.login("admin")
    url = "/admin/participation/activities/new"
    both = client.post(url, data={"csrf_token": _token(client, url), "bureau_id": staff["bureaus"]["home"].id,
                                  "organisation_id": org["first"].id, **_activity_form(org["district"].id)})
    assert both.status_code == 422 and "not both" in both.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": _token(client, url), "bureau_id": "0",
                                      "organisation_id": org["first"].id, **_activity_form(org["district"].id)})
    assert response.status_code == 303
    created = session.scalar(select(Activity).where(Activity.organisation_id == org["first"].id))
    assert created.bureau_id is None and created.organiser_name == ""


def test_an_organisers_account_needs_an_organisation_in_the_form(client, auth, session, staff, org):
    auth.login("admin")
    url = "/admin/users/new"
    response = client.post(url, data={
        "csrf_token": _token(client, url), "username": "nobody-org", "display_name": "x",
        "role": "organisation_organiser", "bureau_id": "0", "organisation_id": "0",
        "new_password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 422 and "acts for a registered organisation" in response.get_data(as_text=True)
    listed = client.get("/admin/users/").get_data(as_text=True)
    assert "Yunxi Youth Volunteers Association" in listed  # the organisers' accounts name their organisation
    assert organisations.organisers_of(session, org["first"]) == [org["mine"]]

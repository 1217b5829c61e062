"""The activity pages: the public list (page and fragment), sign-up with its bad paths (422, input kept), the
code page, the feed and iCalendar file, photos cleared or not, and the organisers' back office (403 audited)."""
import io
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.participation import activities
from app.participation.models import Activity, ActivityPhoto, ActivityState, Registration, RegistrationState
from tests import factories
from tests.participation.activity_fixtures import activity, sign_up

HX = {"HX-Request": "true"}


@pytest.fixture
def people(session):
    users = factories.staff_set(session)
    session.commit()
    return users


def _open(session, people, **values) -> Activity:
    """An activity whose sign-up is open now (the views use the real clock)."""
    now = utcnow()
    values = {"starts_at": now + timedelta(days=4), "signup_opens_at": now - timedelta(days=1), **values}
    values.setdefault("signup_closes_at", values["starts_at"] - timedelta(days=1))
    row = activity(session, people["bureaus"]["home"], **values)
    session.commit()
    return row


def _held(session, people, **values) -> Activity:
    now = utcnow()
    row = activity(session, people["bureaus"]["home"], starts_at=now - timedelta(days=1),
                   signup_opens_at=now - timedelta(days=9), signup_closes_at=now - timedelta(days=2), **values)
    session.commit()
    return row


def _form(client, url):
    html = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    token = re.search(r'name="submission" value="([^"]+)"', html)
    return {"csrf_token": csrf, **({"submission": token.group(1)} if token else {})}


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Registration))


def _code(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r'<code id="tracking-code"[^>]*>([A-Z0-9-]+)<', page).group(1)


@pytest.mark.chinese_pages
def test_the_list_shows_upcoming_then_held_activities_as_page_and_fragment(client, session, people):
    held = _held(session, people, state=ActivityState.CLOSED, attendance=12, summary_zh_hans="种树")
    upcoming = _open(session, people)
    activity(session, people["bureaus"]["home"], state=ActivityState.DRAFT, title_zh_hans="草稿活动")
    session.commit()
    html = client.get("/participation/activities/").get_data(as_text=True)
    assert html.index(upcoming.title_zh_hans) < html.index(held.title_zh_hans)
    assert "草稿活动" not in html and "<html" in html
    fragment = client.get(f"/participation/activities/?kind=talk&district={upcoming.place_id}", headers=HX)
    assert "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="activity-list"' in body and upcoming.title_zh_hans not in body
    by_district = client.get(f"/participation/activities/?district={upcoming.place_id}").get_data(as_text=True)
    assert upcoming.title_zh_hans in by_district and held.title_zh_hans not in by_district


def test_the_list_pages_through_the_upcoming_then_the_held_activities_in_order(client, session, people):
    """25 to come and 30 held, 20 a page: page 2 ends the ones to come and starts the held ones, page 3 goes on
    with the held ones from where page 2 stopped; cancelled ones never show."""
    now, bureau = utcnow(), people["bureaus"]["home"]
    place = factories.place(session)
    soon = [activity(session, bureau, place=place, title_en=f"Soon {n:02d}", starts_at=now + timedelta(days=2 + n),
                     signup_opens_at=now - timedelta(days=1), signup_closes_at=now + timedelta(days=1))
            for n in range(25)]
    past = [activity(session, bureau, place=place, state=ActivityState.CLOSED, title_en=f"Held {n:02d}",
                     attendance=3, starts_at=now - timedelta(days=1 + n)) for n in range(30)]
    activity(session, bureau, place=place, state=ActivityState.CANCELLED, title_en="Called off")
    session.commit()
    expected = [a.title_en for a in soon] + [a.title_en for a in past]
    shown = []
    for number in (1, 2, 3):
        html = client.get(f"/participation/activities/?page={number}&district={place.id}").get_data(as_text=True)
        shown += re.findall(r">((?:Soon|Held) \d\d)<", html)
        assert "Called off" not in html
    assert shown == expected


def test_a_draft_is_not_public(client, session, people):
    draft = activity(session, people["bureaus"]["home"], state=ActivityState.DRAFT)
    session.commit()
    assert client.get(f"/participation/activities/{draft.id}").status_code == 404
    assert client.get(f"/participation/activities/{draft.id}.ics").status_code == 404


def test_a_person_signs_up_gets_a_code_once_and_cancels_with_it(client, session, people):
    target = _open(session, people)
    url = f"/participation/activities/{target.id}"
    response = client.post(url, data={**_form(client, url), "name": "王小明", "phone": "13912345678"})
    code = _code(client, response)
    assert client.get("/participation/activities/signed-up").status_code == 302  # shown once only
    page = client.get(f"/participation/activities/sign-up/{code}?lang=en").get_data(as_text=True)
    assert "Place confirmed" in page and "王小明" not in page and "13912345678" not in page
    found = client.get(f"/participation/activities/sign-up?code={code.lower()}")
    assert found.status_code == 302
    code_url = f"/participation/activities/sign-up/{code}"
    cancelled = client.post(code_url, data=_form(client, code_url))
    assert cancelled.status_code == 303
    session.expire_all()
    assert session.scalar(select(Registration)).state == RegistrationState.CANCELLED
    assert session.get(Activity, target.id).taken == 0
    public = client.get(url).get_data(as_text=True)
    assert "王小明" not in public and "13912345678" not in public


def test_the_confirmation_page_has_a_qr_code_of_the_code_page(client, session, people):
    target = _open(session, people)
    url = f"/participation/activities/{target.id}"
    response = client.post(url, data={**_form(client, url), "name": "王小明", "phone": "13912345678"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<svg" in page and "/participation/activities/sign-up/" in page


def test_a_double_click_signs_up_once(client, session, people):
    target = _open(session, people)
    url = f"/participation/activities/{target.id}"
    data = {**_form(client, url), "name": "王小明", "phone": "13912345678"}
    assert _code(client, client.post(url, data=data)) == _code(client, client.post(url, data=data))
    assert _count(session) == 1


@pytest.mark.parametrize("data, message", [
    ({"name": "", "phone": "13912345678"}, "Enter your name."),
    ({"name": "王小明", "phone": "12345"}, "mainland mobile number"),
    ({"name": "王小明", "phone": "13912345678", "group_size": "9"}, "at most 4 people"),
])
def test_bad_input_comes_back_422_with_the_input_kept(client, session, people, data, message):
    target = _open(session, people)
    url = f"/participation/activities/{target.id}"
    response = client.post(url, data={**_form(client, url), **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'value="{data["phone"]}"' in html
    assert _count(session) == 0 and session.get(Activity, target.id).taken == 0


def test_the_same_phone_twice_is_told_clearly(client, session, people):
    target = _open(session, people)
    url = f"/participation/activities/{target.id}"
    client.post(url, data={**_form(client, url), "name": "王小明", "phone": "13912345678"})
    again = client.post(url, data={**_form(client, url), "name": "王大明", "phone": "139 1234 5678"})
    assert again.status_code == 422 and "already signed up" in again.get_data(as_text=True)
    assert "王大明" in again.get_data(as_text=True)
    session.expire_all()
    assert _count(session) == 1 and session.get(Activity, target.id).taken == 1


def test_after_the_window_the_sign_up_is_refused(client, session, people):
    target = _open(session, people)
    url = f"/participation/activities/{target.id}"
    data = {**_form(client, url), "name": "王小明", "phone": "13912345678"}
    target.signup_closes_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = client.post(url, data=data)
    assert response.status_code == 422 and "has closed" in response.get_data(as_text=True)
    assert _count(session) == 0


def test_a_full_waiting_list_refuses_clearly_and_keeps_nothing(client, session, people):
    target = _open(session, people, capacity=1, taken=1, waiting=1)
    url = f"/participation/activities/{target.id}"
    response = client.post(url, data={**_form(client, url), "name": "王小明", "phone": "13912345678"})
    assert response.status_code == 422 and "waiting list is full" in response.get_data(as_text=True)
    assert _count(session) == 0


def test_an_unknown_code_is_told_clearly(client):
    response = client.get("/participation/activities/sign-up/AAAA-BBBB-CCCC-DDDD")
    assert response.status_code == 404 and "No sign-up has this personal code" in response.get_data(as_text=True)


def test_a_cancelled_activity_tells_its_sign_ups_why(client, session, people):
    target = _open(session, people)
    result = sign_up(session, target, now=utcnow())
    activities.cancel_activity(session, people["admin"], target, "暴雨红色预警")
    session.commit()
    page = client.get(f"/participation/activities/sign-up/{result.code}").get_data(as_text=True)
    assert "暴雨红色预警" in page and "Cancel my sign-up" not in page


@pytest.mark.chinese_pages
def test_the_feed_and_the_calendar_file_parse(client, session, people):
    target = _open(session, people, title_zh_hans="植树, 护河; 宣讲\\活动", description_zh_hans="第一行\n第二行" * 20)
    feed = client.get("/participation/activities/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert target.title_zh_hans in titles
    ics = client.get(f"/participation/activities/{target.id}.ics", headers={"Accept-Language": "zh-CN"})
    assert ics.mimetype == "text/calendar"
    raw = ics.data
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    unfolded = raw.decode().replace("\r\n ", "")
    content = [line.split(":", 1) for line in unfolded.split("\r\n") if line]
    assert content[0] == ["BEGIN", "VCALENDAR"] and content[-1] == ["END", "VCALENDAR"]
    assert ["BEGIN", "VEVENT"] in content and ["END", "VEVENT"] in content
    lines = dict(content)
    assert lines["STATUS"] == "CONFIRMED"
    assert lines["SUMMARY"] == "植树\\, 护河\\; 宣讲\\\\活动"
    assert "\\n" in lines["DESCRIPTION"]
    assert lines["DTSTART"] == target.starts_at.strftime("%Y%m%dT%H%M%SZ")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_only_cleared_photos_of_a_closed_activity_are_public(app, client, auth, session, people):
    held = _held(session, people)
    auth.login("editor")
    url = f"/admin/participation/activities/{held.id}"
    bad = client.post(f"{url}/photos", data={**_form(client, url), "photo": (io.BytesIO(b"not an image"), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "JPEG, PNG or WebP" in bad.get_data(as_text=True)
    response = client.post(f"{url}/photos", data={**_form(client, url), "photo": (io.BytesIO(_png()), "a.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    photo = session.scalar(select(ActivityPhoto))
    activities.close_activity(session, people["admin"], session.get(Activity, held.id), attendance=3,
                              summary_zh_hans="种树")
    session.commit()
    assert client.get(f"/participation/activities/photos/{photo.id}").status_code == 200  # the organiser
    auth.logout()
    assert client.get(f"/participation/activities/photos/{photo.id}").status_code == 404
    assert f"photos/{photo.id}" not in client.get(f"/participation/activities/{held.id}").get_data(as_text=True)
    auth.login("editor")
    cleared = client.post(f"/admin/participation/activities/photos/{photo.id}/clear", data=_form(client, url))
    assert cleared.status_code == 303
    auth.logout()
    assert client.get(f"/participation/activities/photos/{photo.id}").status_code == 200
    assert f"photos/{photo.id}" in client.get(f"/participation/activities/{held.id}").get_data(as_text=True)


def test_an_editor_of_another_bureau_gets_403_and_the_refusal_is_audited(client, auth, session, people):
    target = _open(session, people)
    auth.login("editor2")
    for path in ("", "/edit", "/check-in", "/close"):
        assert client.get(f"/admin/participation/activities/{target.id}{path}").status_code == 403
    token = _form(client, "/admin/participation/activities/")
    assert client.post(f"/admin/participation/activities/{target.id}/publish", data=token).status_code == 403
    refusals = session.scalars(select(AuditEntry).where(AuditEntry.action == "activities.refused")).all()
    assert len(refusals) == 5
    assert target.title_zh_hans not in client.get("/admin/participation/activities/").get_data(as_text=True)


def test_a_public_visitor_and_a_tip_handler_cannot_enter_the_back_office(client, auth, people):
    assert client.get("/admin/participation/activities/").status_code == 302
    auth.login("handler")
    assert client.get("/admin/participation/activities/").status_code == 403


def test_an_editor_creates_publishes_and_cancels_an_activity(client, auth, session, people):
    auth.login("editor")
    place = factories.place(session)
    session.commit()
    url = "/admin/participation/activities/new"
    data = {**_form(client, url), "kind": "river_cleanup", "title_zh_hans": "清理河道", "venue_zh_hans": "府河",
            "place_id": place.id, "bureau_id": people["bureaus"]["home"].id, "starts_at": "2030-06-05T09:00",
            "ends_at": "2030-06-05T12:00", "signup_opens_at": "2030-05-20T09:00",
            "signup_closes_at": "2030-05-20T08:00", "capacity": "30", "max_group_size": "4"}
    refused = client.post(url, data=data)
    assert refused.status_code == 422 and "清理河道" in refused.get_data(as_text=True)
    assert client.post(url, data={**data, "signup_closes_at": "2030-06-04T18:00"}).status_code == 303
    created = session.scalar(select(Activity))
    detail = f"/admin/participation/activities/{created.id}"
    assert client.post(f"{detail}/publish", data=_form(client, detail)).status_code == 303
    empty = client.post(f"{detail}/cancel", data={**_form(client, detail), "reason": ""})
    assert empty.status_code == 422
    assert client.post(f"{detail}/cancel", data={**_form(client, detail), "reason": "汛期"}).status_code == 303
    session.expire_all()
    assert session.get(Activity, created.id).state == ActivityState.CANCELLED


def test_check_in_lists_people_for_the_organiser_with_an_audited_look(client, auth, session, people):
    target = _open(session, people)
    first = sign_up(session, target, name="王小明", number="13912345678", now=utcnow())
    second = sign_up(session, target, name="李小红", now=utcnow())
    session.commit()
    auth.login("editor")
    url = f"/admin/participation/activities/{target.id}/check-in"
    page = client.get(url).get_data(as_text=True)
    assert "王小明" in page and "13912345678" in page
    looks = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "activities.view_people"))
    assert looks == 1
    row = client.post(f"{url}/{first.registration.id}", data=_form(client, url), headers=HX)
    assert row.status_code == 200 and 'id="person-' in row.get_data(as_text=True)
    assert "<html" not in row.get_data(as_text=True)
    plain = client.post(f"{url}/code", data={**_form(client, url), "code": f"http://x/sign-up/{second.code}"})
    assert plain.status_code == 303
    unknown = client.post(f"{url}/code", data={**_form(client, url), "code": "AAAA-BBBB-CCCC-DDDD"})
    assert unknown.status_code == 422 and "No sign-up for this activity" in unknown.get_data(as_text=True)
    session.expire_all()
    assert {r.state for r in session.scalars(select(Registration))} == {RegistrationState.ATTENDED}
    close = client.get(f"/admin/participation/activities/{target.id}/close").get_data(as_text=True)
    assert 'value="2"' in close


def test_an_editor_edits_a_published_activity_with_its_values_shown(client, auth, session, people):
    target = _open(session, people, capacity=10, taken=4)
    auth.login("editor")
    url = f"/admin/participation/activities/{target.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert target.title_zh_hans in page and 'value="10"' in page
    form = {name: value for name, value in re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page)}
    form.update({"kind": target.kind.value, "place_id": target.place_id, "bureau_id": target.bureau_id,
                 "csrf_token": _form(client, url)["csrf_token"]})
    refused = client.post(url, data={**form, "capacity": "3", "max_group_size": "2"})
    assert refused.status_code == 422 and "capacity cannot be smaller" in refused.get_data(as_text=True)
    assert client.post(url, data={**form, "capacity": "12", "title_zh_hans": "改名"}).status_code == 303
    session.expire_all()
    assert (session.get(Activity, target.id).capacity, session.get(Activity, target.id).title_zh_hans) == (12, "改名")

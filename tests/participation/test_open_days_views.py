"""Facility open days, the pages: the public list and facility page (full and fragment), booking with its bad
paths, the code page reached by posting the code, and the back office with its bureau checks and call list."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.participation.models import Booking, BookingState, VisitSlot
from tests.participation.open_day_fixtures import PHONE, booking, facility, slot

BASE = "/participation/open-days"
ADMIN = "/admin/participation/open-days"


def _form_fields(html: str) -> dict:
    fields = {}
    for name in ("csrf_token", "submission"):
        match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', html)
        if match:
            fields[name] = match.group(1)
    return fields


def _book(client, slot_id, **data):
    page = client.get(f"{BASE}/slots/{slot_id}/book").get_data(as_text=True)
    fields = {**_form_fields(page), "contact_name": "王小明", "contact_phone": PHONE, "size": "1", **data}
    return client.post(f"{BASE}/slots/{slot_id}/book", data=fields), fields


@pytest.fixture
def plant(session, staff):
    made = facility(session, staff["bureaus"]["home"])
    session.commit()
    return made


def test_public_list_shows_places_left_and_is_a_fragment_for_htmx(client, session, plant):
    s = slot(session, plant, capacity=20, taken=0)
    booking(session, s, size=3, name="王小明", group="实验小学三年级二班")
    session.commit()
    page = client.get(f"{BASE}/?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html and "17 places left" in html and "East Sewage Plant" in html
    assert "0 of 6: 6 more needed" in html or "1 of 6: 5 more needed" in html
    fragment = client.get(f"{BASE}/?lang=en&district={plant.place_id}", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'id="open-day-list"' in body
    assert "HX-Request" in fragment.headers["Vary"]
    for text in (html, body):
        assert "王小明" not in text and PHONE not in text and "实验小学" not in text


def test_facility_page_shows_slots_visits_and_never_personal_data(client, session, plant):
    upcoming = slot(session, plant, capacity=10)
    booking(session, upcoming, size=2, name="李四", phone="13900001111")
    held = slot(session, plant, starts_in=timedelta(days=-40), day=date.today() - timedelta(days=40), visitors=37)
    held.taken = 0
    session.commit()
    html = client.get(f"{BASE}/{plant.id}?lang=en").get_data(as_text=True)
    assert "8 / 10" in html and ">37<" in html
    assert "李四" not in html and "13900001111" not in html
    assert client.get(f"{BASE}/999999").status_code == 404


def test_a_person_books_sees_the_code_once_and_the_code_is_never_in_an_address(client, session, plant):
    s = slot(session, plant, capacity=5)
    session.commit()
    response, _fields = _book(client, s.id, size="1")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{BASE}/booked")
    shown = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    code = re.search(r'id="tracking-code"[^>]*>([A-Z0-9-]+)<', shown).group(1)
    assert "Keep this booking code" in shown
    assert client.get(f"{BASE}/booked").status_code == 302  # shown once
    session.expire_all()
    assert session.get(VisitSlot, s.id).taken == 1
    stored = session.scalar(select(Booking))
    assert stored.group_name == "" and stored.contact_name == "王小明"
    assert code not in response.headers["Location"]


def test_a_double_click_books_once_and_shows_the_same_code(client, session, plant):
    s = slot(session, plant, capacity=5)
    session.commit()
    first, fields = _book(client, s.id)
    second = client.post(f"{BASE}/slots/{s.id}/book", data=fields)
    assert first.status_code == second.status_code == 303
    assert session.scalar(select(func.count(Booking.id))) == 1
    session.expire_all()
    assert session.get(VisitSlot, s.id).taken == 1


@pytest.mark.parametrize("data, message", [
    ({"contact_phone": "12345"}, "mainland mobile number"),
    ({"size": "0"}, "Number of people"),
    ({"size": "6"}, "Only 5 places are left"),
    ({"size": "11"}, "too big"),
    ({"contact_name": ""}, "Contact name"),
])
def test_bad_bookings_answer_422_with_the_input_kept_and_nothing_saved(client, session, plant, data, message):
    s = slot(session, plant, capacity=10, taken=5)
    session.commit()
    response, _fields = _book(client, s.id, group_name="幸福社区", **{"lang": "en", **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'value="幸福社区"' in html
    assert session.scalar(select(func.count(Booking.id))) == 0
    session.expire_all()
    assert session.get(VisitSlot, s.id).taken == 5


def test_a_full_slot_refuses_and_suggests_other_slots(client, session, plant):
    full = slot(session, plant, capacity=4, taken=4)
    other = slot(session, plant, starts_in=timedelta(days=5), capacity=10)
    session.commit()
    page = client.get(f"{BASE}/slots/{full.id}/book?lang=en").get_data(as_text=True)
    assert "This time slot is full" in page and f"/slots/{other.id}/book" in page
    response, _f = _book(client, full.id, lang="en")
    assert response.status_code == 422 and "full" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["past", "cancelled"])
def test_past_and_cancelled_slots_refuse_bookings(client, session, plant, kind):
    s = (slot(session, plant, starts_in=timedelta(hours=-2)) if kind == "past"
         else slot(session, plant, cancelled=True))
    session.commit()
    page = client.get(f"{BASE}/slots/{s.id}/book?lang=en").get_data(as_text=True)
    assert ("already started" if kind == "past" else "has been cancelled") in page
    csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post(f"{BASE}/slots/{s.id}/book?lang=en", data={
        "csrf_token": csrf, "contact_name": "王小明", "contact_phone": PHONE, "size": "1"})
    assert response.status_code == 422
    assert session.scalar(select(func.count(Booking.id))) == 0


def test_the_code_page_is_reached_by_posting_the_code_and_cancels_once(client, session, csrf, plant):
    s = slot(session, plant, capacity=5)
    _made, code = booking(session, s, size=2)
    session.commit()
    token = csrf.token(client, f"{BASE}/my-booking")
    unknown = client.post(f"{BASE}/my-booking?lang=en", data={"csrf_token": token, "code": "ABCD-EFGH"})
    assert unknown.status_code == 422 and "No booking has this code" in unknown.get_data(as_text=True)
    assert 'value="ABCD-EFGH"' in unknown.get_data(as_text=True)
    found = client.post(f"{BASE}/my-booking?lang=en", data={"csrf_token": token, "code": code.lower()})
    assert found.status_code == 200 and "Cancel my booking" in found.get_data(as_text=True)
    cancelled = client.post(f"{BASE}/my-booking/cancel", data={"csrf_token": token, "code": code})
    assert cancelled.status_code == 303 and code not in cancelled.headers["Location"]
    after = client.get(cancelled.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "Your booking is cancelled" in after and "Cancelled" in after
    again = client.post(f"{BASE}/my-booking/cancel?lang=en", data={"csrf_token": token, "code": code})
    assert again.status_code == 422 and "no longer open" in again.get_data(as_text=True)
    session.expire_all()
    assert session.get(VisitSlot, s.id).taken == 0


def test_the_code_page_tells_when_the_facility_cancelled_the_slot(client, session, csrf, plant):
    s = slot(session, plant)
    _made, code = booking(session, s)
    s.cancelled = True
    session.commit()
    token = csrf.token(client, f"{BASE}/my-booking")
    html = client.post(f"{BASE}/my-booking?lang=en", data={"csrf_token": token, "code": code}).get_data(as_text=True)
    assert "The facility has cancelled this time slot" in html and "Cancel my booking" not in html


def test_admin_list_marks_facilities_below_the_minimum(client, session, auth, staff, plant):
    facility(session, staff["bureaus"]["other"], name_zh_hans="城西垃圾焚烧厂", name_en="West Waste Plant")
    session.commit()
    auth.login("editor")
    html = client.get(f"{ADMIN}/?lang=en").get_data(as_text=True)
    assert 'class="overdue"' in html and "6 more needed" in html
    assert "East Sewage Plant" in html and "West Waste Plant" not in html
    auth.logout()
    auth.login("admin")
    assert "West Waste Plant" in client.get(f"{ADMIN}/?lang=en").get_data(as_text=True)


def test_another_bureaus_facility_is_refused_and_audited(client, session, auth, csrf, staff, plant):
    s = slot(session, plant)
    session.commit()
    auth.login("editor2")
    assert client.get(f"{ADMIN}/{plant.id}").status_code == 403
    assert client.get(f"{ADMIN}/{plant.id}/edit").status_code == 403
    token = csrf.token(client, f"{ADMIN}/")
    assert client.post(f"{ADMIN}/slots/{s.id}/cancel", data={"csrf_token": token}).status_code == 403
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "participation.open_days.denied")).all()
    assert len(denied) == 3 and denied[-1].actor_id == staff["other_editor"].id
    session.expire_all()
    assert not session.get(VisitSlot, s.id).cancelled


def test_organiser_adds_an_open_day_with_several_slots_and_bad_rows_come_back_422(client, session, auth, csrf,
                                                                                 plant):
    auth.login("editor")
    token = csrf.token(client, f"{ADMIN}/{plant.id}/days/new")
    day = (date.today() + timedelta(days=7)).isoformat()
    bad = client.post(f"{ADMIN}/{plant.id}/days/new?lang=en", data={
        "csrf_token": token, "day": day, "slots-0-starts": "09:00", "slots-0-ends": "10:00"})
    assert bad.status_code == 422 and "number of places" in bad.get_data(as_text=True)
    assert 'value="09:00"' in bad.get_data(as_text=True)
    good = client.post(f"{ADMIN}/{plant.id}/days/new", data={
        "csrf_token": token, "day": day, "slots-0-starts": "09:00", "slots-0-ends": "10:30", "slots-0-capacity": "30",
        "slots-2-starts": "14:00", "slots-2-ends": "15:30", "slots-2-capacity": "25"})
    assert good.status_code == 303
    assert session.scalar(select(func.count(VisitSlot.id))) == 2
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "participation.open_day.add")) is not None


def test_organiser_cancels_a_slot_and_records_a_visit(client, session, auth, csrf, plant):
    upcoming = slot(session, plant)
    over = slot(session, plant, starts_in=timedelta(days=-1), day=date.today() - timedelta(days=1))
    came = Booking(slot_id=over.id, contact_name="李", contact_phone=PHONE, size=2, code_digest="a" * 64)
    session.add(came)
    session.commit()
    auth.login("editor")
    token = csrf.token(client, f"{ADMIN}/{plant.id}")
    assert client.post(f"{ADMIN}/slots/{upcoming.id}/cancel", data={"csrf_token": token}).status_code == 303
    page = client.get(f"{ADMIN}/slots/{over.id}/visit?lang=en").get_data(as_text=True)
    assert "李" not in page  # the visit form names bookings by number and size only
    bad = client.post(f"{ADMIN}/slots/{over.id}/visit", data={"csrf_token": token, "visitors": "-3"})
    assert bad.status_code == 422
    done = client.post(f"{ADMIN}/slots/{over.id}/visit", data={
        "csrf_token": token, "visitors": "2", f"booking-{came.id}": "visited"})
    assert done.status_code == 303
    session.expire_all()
    assert session.get(VisitSlot, upcoming.id).cancelled
    assert session.get(VisitSlot, over.id).visitors == 2
    assert session.get(Booking, came.id).state == BookingState.VISITED


def test_call_list_shows_only_own_bureau_contacts_audits_each_look_and_marks_reminded(client, session, auth, csrf,
                                                                                     staff, plant):
    mine = slot(session, plant)
    other = slot(session, facility(session, staff["bureaus"]["other"], name_zh_hans="水厂"))
    first, _c = booking(session, mine, name="王小明")
    booking(session, other, name="赵六", phone="13700002222")
    session.commit()
    auth.login("editor")
    html = client.get(f"{ADMIN}/reminders?day={mine.day.isoformat()}").get_data(as_text=True)
    assert "王小明" in html and PHONE in html and "赵六" not in html and "13700002222" not in html
    looks = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "participation.booking.contact_viewed")).all()
    assert len(looks) == 1 and looks[0].actor_id == staff["bureau_editor"].id and looks[0].after is None
    token = csrf.token(client, f"{ADMIN}/")
    assert client.post(f"{ADMIN}/bookings/{first.id}/reminded", data={"csrf_token": token}).status_code == 303
    session.expire_all()
    assert session.get(Booking, first.id).reminded_at is not None
    auth.logout()
    auth.login("editor2")
    token = csrf.token(client, f"{ADMIN}/")
    assert client.post(f"{ADMIN}/bookings/{first.id}/reminded", data={"csrf_token": token}).status_code == 403
    auth.logout()
    auth.login("reviewer")
    assert client.get(f"{ADMIN}/reminders").status_code == 403


def test_reminder_cli_prints_the_count_and_no_personal_data(runner, session, plant):
    s = slot(session, plant)
    booking(session, s, name="王小明")
    booking(session, s, name="李四", phone="13900001111")
    session.commit()
    result = runner.invoke(args=["participation-reminders", "--day", s.day.isoformat()])
    assert result.exit_code == 0 and result.output.startswith("2 bookings")
    assert "王小明" not in result.output and PHONE not in result.output
    assert runner.invoke(args=["participation-reminders", "--day", "tomorrow"]).exit_code != 0


@pytest.mark.parametrize("url", [f"{BASE}/99999999999999", f"{BASE}/slots/99999999999999/book",
                                 f"{BASE}/slots/999999/book"])
def test_unknown_and_oversized_ids_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_odd_filters_and_days_are_ignored_not_failed(client, auth, staff):
    assert client.get(f"{BASE}/?district=abc&kind=zzz&year=99999").status_code == 200
    assert client.get(f"{BASE}/?district=99999999999999&year=-1").status_code == 200
    auth.login("editor")
    assert client.get(f"{ADMIN}/reminders?day=not-a-day").status_code == 200
    assert client.get(f"{ADMIN}/reminders?day=0001-01-01").status_code == 200


def test_open_day_form_refuses_a_day_in_the_past_beside_the_field(client, session, auth, csrf, plant):
    auth.login("editor")
    token = csrf.token(client, f"{ADMIN}/{plant.id}/days/new")
    response = client.post(f"{ADMIN}/{plant.id}/days/new?lang=en", data={
        "csrf_token": token, "day": (date.today() - timedelta(days=2)).isoformat(),
        "slots-0-starts": "09:00", "slots-0-ends": "10:00", "slots-0-capacity": "10"})
    assert response.status_code == 422 and "cannot be added in the past" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(VisitSlot.id))) == 0

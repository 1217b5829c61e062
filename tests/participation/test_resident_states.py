"""States residents expect: an organiser takes back a check-in (audited, the hours tally adjusted); a waiting person
sees their position in the waiting list (one indexed count); a slot the organiser cancels cancels its bookings,
shown on the booking page by code with other slots to book. Services and views, the bad paths included."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text

from app.audit import AuditEntry
from app.db_types import utcnow
from app.errors import ActionRefused, NotPermitted
from app.extensions import db
from app.participation import activities, open_days, tallies, volunteers
from app.participation.models import Booking, BookingState, Registration, RegistrationState, VisitSlot
from tests.participation.activity_fixtures import activity, sign_up
from tests.participation.open_day_fixtures import KEY, booking, facility, slot

HX = {"HX-Request": "true"}
CHECK_IN = "/admin/participation/activities/{}/check-in"


def _actions(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _held(session, staff):
    """A published activity of the editor's bureau that ended an hour ago, with one volunteer checked in."""
    now = utcnow()
    held = activity(session, staff["bureaus"]["home"], starts_at=now - timedelta(hours=4),
                    signup_opens_at=now - timedelta(days=9), signup_closes_at=now - timedelta(days=1))
    person = sign_up(session, held, name="王小明", number="13912345678", keep_volunteer_record=True,
                     now=now - timedelta(days=2)).registration
    activities.check_in(session, staff["bureau_editor"], person)
    return held, person


# --- (a) taking back a check-in ---------------------------------------------------------------------------------

def test_an_organiser_takes_back_a_check_in_audited_without_personal_data(session, staff):
    _activity, person = _held(session, staff)
    activities.undo_check_in(session, staff["bureau_editor"], person)
    assert person.state == RegistrationState.CONFIRMED and person.checked_in_at is None
    entry, = _actions(session, "activities.check_in_undo")
    assert entry.actor_id == staff["bureau_editor"].id
    assert (entry.before["state"], entry.after["state"]) == ("attended", "confirmed")
    assert "王小明" not in str(entry.before) + str(entry.after) and "13912345678" not in str(entry.after)
    activities.check_in(session, staff["bureau_editor"], person)  # and can be checked in again
    assert person.state == RegistrationState.ATTENDED


def test_taking_back_a_check_in_with_confirmed_hours_needs_a_reason_and_takes_the_hours_off(session, staff):
    held, person = _held(session, staff)
    volunteers.confirm_hours(session, staff["bureau_editor"], person, 2.5)
    year = tallies.local_year(held.starts_at)
    assert tallies.stored(session) == {(year, held.place_id, tallies.HOURS): 250}
    with pytest.raises(activities.ActivityError, match="say why") as refused:
        activities.undo_check_in(session, staff["bureau_editor"], person, reason="  ")
    assert refused.value.field == "reason" and person.hours == 2.5
    activities.undo_check_in(session, staff["bureau_editor"], person, reason="签到时点错了人")
    assert person.state == RegistrationState.CONFIRMED and person.hours is None and person.hours_confirmed_at is None
    assert tallies.stored(session) == {}
    assert tallies.differences(session) == {}
    entry, = _actions(session, "activities.check_in_undo")
    assert entry.before["hours"] == 2.5 and entry.after["hours"] is None and entry.note == "签到时点错了人"


def test_another_bureaus_editor_cannot_take_back_a_check_in(session, staff):
    _activity, person = _held(session, staff)
    with pytest.raises(NotPermitted):
        activities.undo_check_in(session, staff["other_editor"], person)
    assert person.state == RegistrationState.ATTENDED


def test_only_a_check_in_of_a_published_activity_can_be_taken_back(session, staff):
    held, person = _held(session, staff)
    waiting = sign_up(session, held, now=utcnow() - timedelta(days=2)).registration
    with pytest.raises(activities.ActivityError, match="not checked in"):
        activities.undo_check_in(session, staff["bureau_editor"], waiting)
    activities.undo_check_in(session, staff["bureau_editor"], person)
    with pytest.raises(activities.ActivityError, match="not checked in"):
        activities.undo_check_in(session, staff["bureau_editor"], person)  # twice
    activities.check_in(session, staff["bureau_editor"], person)
    activities.close_activity(session, staff["bureau_editor"], held, attendance=1, summary_zh_hans="完成。")
    with pytest.raises(activities.ActivityError, match="only while the activity is published"):
        activities.undo_check_in(session, staff["bureau_editor"], person)
    session.rollback()


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def _undo_token(client, url: str, registration_id: int) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(rf'name="u{registration_id}-csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_the_check_in_list_takes_back_a_check_in_as_a_row_or_a_page(client, auth, session, staff):
    held, person = _held(session, staff)
    session.commit()
    auth.login("editor")
    url = CHECK_IN.format(held.id)
    page = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "Take back the check-in" in page and "Why is the check-in taken back?" not in page  # no hours: no reason
    token = _undo_token(client, url, person.id)
    row = client.post(f"{url}/{person.id}/undo?lang=en", data={f"u{person.id}-csrf_token": token}, headers=HX)
    body = row.get_data(as_text=True)
    assert row.status_code == 200 and "<html" not in body and f'id="person-{person.id}"' in body
    assert "Mark as come" in body
    again = client.post(f"{url}/{person.id}?lang=en", data={"csrf_token": _token(client, url)})
    assert again.status_code == 303  # checked in again, without htmx
    plain = client.post(f"{url}/{person.id}/undo", data={f"u{person.id}-csrf_token": _undo_token(client, url,
                                                                                                  person.id)})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#person-{person.id}")
    session.expire_all()
    assert session.get(Registration, person.id).state == RegistrationState.CONFIRMED
    assert len(_actions(session, "activities.check_in_undo")) == 2


def test_taking_back_a_check_in_with_hours_and_no_reason_comes_back_422(client, auth, session, staff):
    held, person = _held(session, staff)
    volunteers.confirm_hours(session, staff["bureau_editor"], person, 3)
    session.commit()
    auth.login("editor")
    url = CHECK_IN.format(held.id)
    assert "Why is the check-in taken back?" in client.get(f"{url}?lang=en").get_data(as_text=True)
    field = f"u{person.id}-reason"
    for headers in (HX, {}):
        response = client.post(f"{url}/{person.id}/undo?lang=en", headers=headers, data={
            f"u{person.id}-csrf_token": _undo_token(client, url, person.id), field: ""})
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and "say why the check-in is taken back" in body
        assert ("<html" in body) == (headers == {})
    too_long = "因" * 501
    response = client.post(f"{url}/{person.id}/undo?lang=en", data={
        f"u{person.id}-csrf_token": _undo_token(client, url, person.id), field: too_long})
    assert response.status_code == 422 and too_long in response.get_data(as_text=True)  # the input is kept
    session.expire_all()
    assert session.get(Registration, person.id).hours == 3
    done = client.post(f"{url}/{person.id}/undo", data={
        f"u{person.id}-csrf_token": _undo_token(client, url, person.id), field: "签错了"})
    assert done.status_code == 303
    session.expire_all()
    assert session.get(Registration, person.id).hours is None
    assert tallies.stored(session) == {}


def test_taking_back_another_bureaus_check_in_is_403_audited_and_a_bad_token_400(client, auth, session, staff):
    held, person = _held(session, staff)
    session.commit()
    auth.login("editor2")
    url = CHECK_IN.format(held.id)
    refused = client.post(f"{url}/{person.id}/undo", data={f"u{person.id}-csrf_token": _token(client, "/")})
    assert refused.status_code == 403 and _actions(session, "activities.refused")
    auth.logout()
    auth.login("editor")
    assert client.post(f"{url}/{person.id}/undo", data={f"u{person.id}-csrf_token": "forged"}).status_code == 400
    missing = client.post(f"{CHECK_IN.format(held.id + 99)}/{person.id}/undo",
                          data={"csrf_token": _token(client, CHECK_IN.format(held.id))})
    assert missing.status_code == 404
    session.expire_all()
    assert session.get(Registration, person.id).state == RegistrationState.ATTENDED


# --- (b) the position in the waiting list -----------------------------------------------------------------------

def _full(session, staff, waiting: int = 3):
    """An open activity with its places taken by a group of 4 and `waiting` sign-ups on the waiting list (a group
    of 2 first)."""
    now = utcnow()
    target = activity(session, staff["bureaus"]["home"], capacity=4, max_group_size=4,
                      starts_at=now + timedelta(days=4), signup_opens_at=now - timedelta(days=1),
                      signup_closes_at=now + timedelta(days=3))
    placed = sign_up(session, target, group_size=4, now=now)
    queue = [sign_up(session, target, group_size=2 if n == 0 else 1, now=now) for n in range(waiting)]
    return target, placed, queue


def test_a_waiting_sign_up_knows_its_position_and_moves_up(session, staff):
    _target, placed, queue = _full(session, staff)
    assert [activities.waiting_position(session, r.registration) for r in queue] == [1, 2, 3]
    assert activities.waiting_position(session, placed.registration) is None
    activities.cancel_registration(session, queue[1].registration, now=utcnow())
    assert activities.waiting_position(session, queue[1].registration) is None  # cancelled: not waiting
    assert [activities.waiting_position(session, queue[n].registration) for n in (0, 2)] == [1, 2]
    activities.cancel_registration(session, placed.registration, now=utcnow())  # the group of 2 gets a place
    assert queue[0].registration.state == RegistrationState.CONFIRMED
    assert activities.waiting_position(session, queue[0].registration) is None
    assert activities.waiting_position(session, queue[2].registration) is None  # promoted too (2 + 1 fit in 4)


def test_the_position_is_one_count_read_from_the_index(session, staff):
    """However long the list, one statement counting in the (activity, state, id) index, not reading the rows."""
    _target, _placed, queue = _full(session, staff, waiting=3)
    session.commit()
    last = session.get(Registration, queue[2].registration.id)
    assert last.state == RegistrationState.WAITLISTED  # loaded before the count below is watched
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert activities.waiting_position(session, last) == 3
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 1 and "count(" in statements[0].lower()
    position = select(func.count()).select_from(Registration).where(
        Registration.activity_id == last.activity_id, Registration.state == RegistrationState.WAITLISTED,
        Registration.id < last.id)
    compiled = position.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    else:
        # A handful of rows: with statistics and without sequential scans, ask which index it would use.
        session.execute(text("ANALYZE registrations"))
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))
    assert "ix_registrations_activity_state" in plan


def test_the_sign_up_page_shows_the_position_in_the_waiting_list(client, session, staff):
    _target, placed, queue = _full(session, staff, waiting=2)
    session.commit()
    second = client.get(f"/participation/activities/sign-up/{queue[1].code}?lang=en").get_data(as_text=True)
    assert "You are number 2 on the waiting list." in second and "1 sign-up is ahead of you." in second
    first = client.get(f"/participation/activities/sign-up/{queue[0].code}?lang=en").get_data(as_text=True)
    assert "You are number 1 on the waiting list." in first and "You are first in line." in first
    confirmed = client.get(f"/participation/activities/sign-up/{placed.code}?lang=en").get_data(as_text=True)
    assert "waiting-position" not in confirmed


# --- (c) a slot cancelled by the organiser ----------------------------------------------------------------------

def test_cancelling_a_slot_cancels_its_bookings_which_hold_no_places_and_may_rebook(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    cancelled, other = slot(session, plant, capacity=30), slot(session, plant, starts_in=timedelta(days=5))
    school, _code = booking(session, cancelled, size=25, group="实验小学")
    person, _code = booking(session, cancelled, size=2)
    gone, _code = booking(session, cancelled, size=1)
    open_days.cancel_booking(session, gone)
    assert cancelled.taken == 27 and open_days.reminders_due_count(session, cancelled.day) >= 2
    open_days.cancel_slot(session, staff["bureau_editor"], cancelled)
    assert (cancelled.cancelled, cancelled.taken) == (True, 0)
    assert [b.state for b in (school, person, gone)] == [BookingState.SLOT_CANCELLED, BookingState.SLOT_CANCELLED,
                                                           BookingState.CANCELLED]
    assert open_days.bookings_of(session, cancelled) == []
    assert session.scalar(select(func.count()).select_from(Booking).where(
        Booking.state == BookingState.BOOKED)) == 0
    entry, = _actions(session, "participation.slot.cancel")
    assert entry.before == {"taken": 27} and entry.after["bookings_cancelled"] == 2
    with pytest.raises(ActionRefused, match="no longer open"):
        open_days.cancel_booking(session, school)  # nothing left to cancel: its places went with the slot
    with pytest.raises(ActionRefused, match="cancelled: choose another"):
        open_days.book_slot(session, cancelled.id, open_days.BookingInput("陈老师", "13912345678", 25), KEY)
    again, _code = open_days.book_slot(session, other.id, open_days.BookingInput("陈老师", "13912345678", 20), KEY)
    assert again.state == BookingState.BOOKED and other.taken == 20


def test_a_slot_over_or_of_another_bureau_is_not_cancelled(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    over = slot(session, plant, starts_in=timedelta(days=-2))
    made, _code = booking(session, slot(session, plant))
    with pytest.raises(ActionRefused, match="is over"):
        open_days.cancel_slot(session, staff["bureau_editor"], over)
    with pytest.raises(NotPermitted):
        open_days.cancel_slot(session, staff["other_editor"], made.slot)
    assert made.state == BookingState.BOOKED and not made.slot.cancelled


def test_the_booking_page_shows_the_slot_cancelled_by_the_facility_and_slots_to_rebook(client, auth, session, csrf,
                                                                                        staff):
    plant = facility(session, staff["bureaus"]["home"])
    cancelled = slot(session, plant, capacity=30)
    other = slot(session, plant, starts_in=timedelta(days=6), capacity=10)
    _made, code = booking(session, cancelled, size=3)
    session.commit()
    auth.login("editor")
    admin = f"/admin/participation/open-days/{plant.id}"
    done = client.post(f"/admin/participation/open-days/slots/{cancelled.id}/cancel",
                       data={"csrf_token": csrf.token(client, admin)})
    assert done.status_code == 303
    assert "<td class=\"num\">0 / 30</td>" in client.get(f"{admin}?lang=en").get_data(as_text=True)
    auth.logout()
    token = csrf.token(client, "/participation/open-days/my-booking")
    page = client.post("/participation/open-days/my-booking?lang=en", data={"csrf_token": token, "code": code})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Cancelled by the facility" in html
    assert "your booking is cancelled and holds no places" in html and "Cancel my booking" not in html
    assert f'href="/participation/open-days/slots/{other.id}/book"' in html and "10 places left" in html
    cancel = client.post("/participation/open-days/my-booking/cancel?lang=en",
                         data={"csrf_token": token, "code": code})
    assert cancel.status_code == 422 and "no longer open" in cancel.get_data(as_text=True)
    form = client.get(f"/participation/open-days/slots/{other.id}/book").get_data(as_text=True)
    fields = {name: re.search(rf'name="{name}"[^>]*value="([^"]+)"', form).group(1)
              for name in ("csrf_token", "submission")}
    rebooked = client.post(f"/participation/open-days/slots/{other.id}/book", data={
        **fields, "contact_name": "王小明", "contact_phone": "13812345678", "size": "3"})
    assert rebooked.status_code == 303
    session.expire_all()
    assert session.get(VisitSlot, other.id).taken == 3 and session.get(VisitSlot, cancelled.id).taken == 0

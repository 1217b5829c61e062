"""Facility open days, the services: facilities, open days and slots, bookings against capacity, cancelling,
the minimum of open days, reminders and visits."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.errors import ActionRefused, NotPermitted
from app.participation import open_days
from app.participation.models import Booking, BookingState, FacilityKind, VisitSlot
from tests.participation.open_day_fixtures import KEY, PHONE, booking, facility, slot

ZONE = ZoneInfo("Asia/Shanghai")


def _actions(session) -> list[str]:
    return [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _input(bureau_id, place_id, **values):
    return open_days.FacilityInput(kind=FacilityKind.MONITORING, name_zh_hans="市环境监测站",
                                   address_zh_hans="环城路8号", bureau_id=bureau_id, place_id=place_id, **values)


def test_editor_creates_a_facility_of_their_bureau_with_six_open_days_by_default(session, staff):
    home = staff["bureaus"]["home"]
    district = facility(session, home).place
    made = open_days.create_facility(session, staff["bureau_editor"], _input(home.id, district.id))
    assert made.min_open_days == 6 and made.active
    assert "participation.facility.create" in _actions(session)


def test_editor_may_not_create_or_edit_another_bureaus_facility(session, staff):
    other = staff["bureaus"]["other"]
    theirs = facility(session, other)
    with pytest.raises(NotPermitted):
        open_days.create_facility(session, staff["bureau_editor"], _input(other.id, theirs.place_id))
    with pytest.raises(NotPermitted):
        open_days.update_facility(session, staff["bureau_editor"], theirs, _input(other.id, theirs.place_id))
    with pytest.raises(NotPermitted):
        open_days.deactivate_facility(session, staff["bureau_editor"], theirs)
    open_days.deactivate_facility(session, staff["admin"], theirs)
    assert not theirs.active


def test_an_open_day_adds_several_slots_in_city_time(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    day = date.today() + timedelta(days=10)
    made = open_days.add_open_day(session, staff["bureau_editor"], plant, day,
                                  [open_days.SlotInput(time(14), time(16), 30),
                                   open_days.SlotInput(time(9), time(11), 20)], ZONE, today=date.today())
    assert [s.capacity for s in made] == [20, 30]
    assert made[0].starts_at == datetime(day.year, day.month, day.day, 1, tzinfo=timezone.utc)
    assert "participation.open_day.add" in _actions(session)


@pytest.mark.parametrize("slots, message", [
    ([open_days.SlotInput(time(10), time(9), 5)], "end after"),
    ([open_days.SlotInput(time(9), time(11), 5), open_days.SlotInput(time(10), time(12), 5)], "overlap"),
    ([], "at least one"),
])
def test_bad_slots_are_refused(session, staff, slots, message):
    plant = facility(session, staff["bureaus"]["home"])
    with pytest.raises(ActionRefused, match=message):
        open_days.add_open_day(session, staff["bureau_editor"], plant, date.today() + timedelta(days=3), slots,
                               ZONE, today=date.today())


def test_an_open_day_in_the_past_is_refused(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    with pytest.raises(ActionRefused) as refused:
        open_days.add_open_day(session, staff["bureau_editor"], plant, date.today() - timedelta(days=1),
                               [open_days.SlotInput(time(9), time(10), 5)], ZONE, today=date.today())
    assert refused.value.field == "day"


def test_booking_takes_places_and_stores_the_code_only_as_a_hash(session, staff):
    s = slot(session, facility(session, staff["bureaus"]["home"]), capacity=10)
    made, code = booking(session, s, size=4, phone="138-1234-5678")
    assert s.taken == 4 and s.places_left == 6
    assert made.contact_phone == PHONE and code.replace("-", "") not in made.code_digest
    assert open_days.find_booking(session, code.lower(), KEY) is made
    assert open_days.find_booking(session, "WRONG-CODE", KEY) is None


def test_the_last_places_go_to_one_booking_and_the_next_is_refused(session, staff):
    s = slot(session, facility(session, staff["bureaus"]["home"]), capacity=5, taken=3)
    booking(session, s, size=2)
    with pytest.raises(ActionRefused, match="full"):
        booking(session, s, size=1)
    assert s.taken == 5
    assert session.scalar(select(VisitSlot.taken).where(VisitSlot.id == s.id)) == 5


def test_a_group_bigger_than_the_places_left_is_refused_with_the_number_left(session, staff):
    s = slot(session, facility(session, staff["bureaus"]["home"]), capacity=10, taken=7)
    with pytest.raises(ActionRefused, match="Only 3 places") as refused:
        booking(session, s, size=4)
    assert refused.value.field == "size"
    with pytest.raises(ActionRefused, match="too big"):
        booking(session, s, size=11)
    assert s.taken == 7


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "010-12345678", "abc"])
def test_only_mainland_mobile_numbers_are_taken(session, staff, phone):
    s = slot(session, facility(session, staff["bureaus"]["home"]))
    with pytest.raises(ActionRefused) as refused:
        booking(session, s, phone=phone)
    assert refused.value.field == "contact_phone" and s.taken == 0


def test_past_and_cancelled_slots_take_no_booking(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    past = slot(session, plant, starts_in=timedelta(hours=-1))
    cancelled = slot(session, plant, cancelled=True)
    with pytest.raises(ActionRefused, match="already started"):
        booking(session, past)
    with pytest.raises(ActionRefused, match="cancelled"):
        booking(session, cancelled)
    assert session.scalars(select(Booking)).all() == []


def test_cancelling_a_booking_gives_the_places_back_once(session, staff):
    s = slot(session, facility(session, staff["bureaus"]["home"]), capacity=5)
    made, _code = booking(session, s, size=3)
    open_days.cancel_booking(session, made)
    assert made.state == BookingState.CANCELLED and s.taken == 0
    with pytest.raises(ActionRefused, match="no longer open"):
        open_days.cancel_booking(session, made)
    assert s.taken == 0
    assert "participation.booking.cancel" in _actions(session)


def test_a_booking_cannot_be_cancelled_once_the_visit_started(session, staff):
    s = slot(session, facility(session, staff["bureaus"]["home"]))
    made, _code = booking(session, s)
    with pytest.raises(ActionRefused, match="already started"):
        open_days.cancel_booking(session, made, now=s.starts_at + timedelta(minutes=1))


def test_organiser_cancels_a_slot_audited_and_not_another_bureaus(session, staff):
    s = slot(session, facility(session, staff["bureaus"]["home"]))
    made, _code = booking(session, s)
    with pytest.raises(NotPermitted):
        open_days.cancel_slot(session, staff["other_editor"], s)
    open_days.cancel_slot(session, staff["bureau_editor"], s)
    assert s.cancelled and "participation.slot.cancel" in _actions(session)
    with pytest.raises(ActionRefused, match="already cancelled"):
        open_days.cancel_slot(session, staff["bureau_editor"], s)
    # The booking is kept, cancelled by the facility and holding no places; its page says so.
    assert made.state == BookingState.SLOT_CANCELLED and made.cancelled_at is not None and s.taken == 0


def test_open_days_count_held_and_planned_against_the_minimum(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    today = date(2026, 6, 15)
    for month in (1, 2, 3):  # held: two slots on one day count once
        for hour in (1, 5):
            slot(session, plant, day=date(2026, month, 10), starts_in=timedelta(days=-200, hours=hour))
    slot(session, plant, day=date(2026, 9, 1))  # planned
    slot(session, plant, day=date(2026, 10, 1), cancelled=True)  # cancelled: not counted
    slot(session, plant, day=date(2025, 9, 1))  # another year
    count = open_days.open_day_counts(session, [plant], 2026, today)[plant.id]
    assert (count.held, count.planned, count.total, count.missing, count.below) == (3, 1, 4, 2, True)
    for month in (11, 12):
        slot(session, plant, day=date(2026, month, 1))
    count = open_days.open_day_counts(session, [plant], 2026, today)[plant.id]
    assert (count.total, count.missing, count.below) == (6, 0, False)


def test_visits_are_recorded_and_counted_per_year(session, staff):
    plant = facility(session, staff["bureaus"]["home"])
    held = slot(session, plant, starts_in=timedelta(days=-3), day=date.today() - timedelta(days=3))
    upcoming = slot(session, plant)
    s2 = slot(session, plant, starts_in=timedelta(days=-2), day=date.today() - timedelta(days=2))
    b = Booking(slot_id=s2.id, contact_name="李", contact_phone=PHONE, size=2, code_digest="x" * 64)
    session.add(b)
    session.flush()
    open_days.record_visit(session, staff["bureau_editor"], held, 25, {})
    open_days.record_visit(session, staff["bureau_editor"], s2, 1, {b.id: False})
    assert b.state == BookingState.NO_SHOW and held.visitors == 25
    with pytest.raises(ActionRefused, match="once the slot has started"):
        open_days.record_visit(session, staff["bureau_editor"], upcoming, 3, {})
    with pytest.raises(NotPermitted):
        open_days.record_visit(session, staff["other_editor"], held, 3, {})
    years = open_days.visits_by_year(session, plant.id, date.today())
    assert sum(y.visitors for y in years) == 26 and sum(y.open_days for y in years) == 2
    year = (date.today() - timedelta(days=3)).year
    table = open_days.yearly_table(session, year, date.today())
    assert table[0][0] is plant and table[0][1].visitors == sum(y.visitors for y in years if y.year == year)


def test_reminders_count_and_call_list_is_scoped_and_audited(session, staff):
    mine = slot(session, facility(session, staff["bureaus"]["home"]))
    theirs = slot(session, facility(session, staff["bureaus"]["other"], name_zh_hans="水厂"))
    first, _c = booking(session, mine, name="王小明")
    booking(session, theirs, name="赵六")
    day = mine.day
    assert open_days.reminders_due_count(session, day) == 2
    rows = open_days.call_list(session, staff["bureau_editor"], day)
    assert [r["name"] for r in rows] == ["王小明"] and rows[0]["phone"] == PHONE
    assert _actions(session).count("participation.booking.contact_viewed") == 1
    open_days.mark_reminded(session, staff["bureau_editor"], first)
    assert open_days.reminders_due_count(session, day) == 1
    with pytest.raises(NotPermitted):
        open_days.mark_reminded(session, staff["other_editor"], first)
    with pytest.raises(NotPermitted):
        open_days.call_list(session, staff["reviewer"], day)
    entries = session.scalars(select(AuditEntry)).all()
    assert not any("王小明" in repr(e.after) or PHONE in repr(e.after) for e in entries)

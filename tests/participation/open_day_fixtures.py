"""Factories for facility open days: a facility of a bureau, an open day's slot, a booking (plain functions)."""
from datetime import date, datetime, timedelta, timezone

from app.participation import open_days
from app.participation.models import Facility, FacilityKind, VisitSlot
from tests import factories

KEY = "test-secret-key-not-for-production"  # the tests' SECRET_KEY, which keys the booking codes
PHONE = "13812345678"


def facility(session, bureau_, *, district=None, **values) -> Facility:
    district = district or factories.place(session)
    row = Facility(kind=values.pop("kind", FacilityKind.SEWAGE),
                   name_zh_hans=values.pop("name_zh_hans", "城东污水处理厂"),
                   name_en=values.pop("name_en", "East Sewage Plant"),
                   address_zh_hans=values.pop("address_zh_hans", "城东路1号"), bureau_id=bureau_.id,
                   place_id=district.id, **values)
    session.add(row)
    session.flush()
    return row


def slot(session, facility_, *, starts_in: timedelta = timedelta(days=3), hours: int = 2, capacity: int = 20,
         taken: int = 0, **values) -> VisitSlot:
    starts = datetime.now(timezone.utc).replace(microsecond=0) + starts_in
    row = VisitSlot(facility_id=facility_.id, day=values.pop("day", (starts + timedelta(hours=8)).date()),
                    starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity, taken=taken,
                    **values)
    session.add(row)
    session.flush()
    return row


def booking(session, slot_, *, size: int = 1, name: str = "王小明", phone: str = PHONE, group: str = ""):
    """A booking through the service; returns (booking, code)."""
    return open_days.book_slot(session, slot_.id, open_days.BookingInput(
        contact_name=name, contact_phone=phone, size=size, group_name=group), KEY)


def days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)

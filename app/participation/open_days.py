"""Facility open days (环保设施向公众开放): facilities, open days with time slots, bookings with personal codes,
the day-before call list, visits recorded and counted.

Writes take the session and the actor, flush, audit and never commit. A slot's places are counted in the row
(`VisitSlot.taken`): a booking adds its size with one conditional UPDATE (`taken + size <= capacity`), so two
people booking the last places at once can never both get them, on SQLite and PostgreSQL alike.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Integer, func, select, update
from sqlalchemy.orm import selectinload

from app import audit
from app.accounts.permissions import Permission
from app.casework import codes, identity
from app.db_types import utcnow
from app.errors import ActionRefused, NotPermitted
from app.participation import tallies
from app.participation.models import Booking, BookingState, Facility, FacilityKind, VisitSlot

MAX_GROUP = 200  # a bigger party than this is not a booking anyone means: the form refuses it
UPCOMING_DAYS_SHOWN = 3  # open days listed per facility on the public list
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class OpenDayNotPermitted(NotPermitted):
    """Not the actor's bureau's facility (or no organising permission): audited where refused."""

    audit_as = "participation.open_days.denied"


# ---- who may do what ------------------------------------------------------------------------------------------

def sees_every_bureau(user) -> bool:
    """The ecological civilization office (moderators, admins) sees every bureau's facilities."""
    return user is not None and user.can(Permission.PARTICIPATION_MODERATE)


def can_organise(user, thing_or_bureau_id) -> bool:
    """Whether the user organises a facility (a slot, a booking, or a bureau given by its id)."""
    if user is None or not user.can(Permission.PARTICIPATION_ORGANISE):
        return False
    if isinstance(thing_or_bureau_id, Booking):
        thing_or_bureau_id = thing_or_bureau_id.slot.facility
    if isinstance(thing_or_bureau_id, VisitSlot):
        thing_or_bureau_id = thing_or_bureau_id.facility
    bureau_id = getattr(thing_or_bureau_id, "bureau_id", thing_or_bureau_id)
    return sees_every_bureau(user) or (user.bureau_id is not None and user.bureau_id == bureau_id)


def check_organise(user, thing) -> None:
    """Raise OpenDayNotPermitted unless the user organises it."""
    if not can_organise(user, thing):
        raise OpenDayNotPermitted(_("You may organise only the open days of your own bureau's facilities."))


# ---- phone numbers --------------------------------------------------------------------------------------------

def normalise_mobile(typed: str | None) -> str | None:
    """A mainland mobile number (11 digits starting 13–19) without spaces, dashes or +86; None if it is not one."""
    digits = re.sub(r"[\s\-()]", "", typed or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits if _MOBILE.fullmatch(digits) else None


# ---- facilities -----------------------------------------------------------------------------------------------

@dataclass
class FacilityInput:
    kind: FacilityKind
    name_zh_hans: str
    address_zh_hans: str
    bureau_id: int
    place_id: int
    min_open_days: int = 6
    name_zh_hant: str = ""
    name_en: str = ""
    address_zh_hant: str = ""
    address_en: str = ""
    description_zh_hans: str = ""
    description_zh_hant: str = ""
    description_en: str = ""


def _apply(facility: Facility, data: FacilityInput) -> None:
    for name, value in vars(data).items():
        setattr(facility, name, value.strip() if isinstance(value, str) else value)


def create_facility(session, actor, data: FacilityInput) -> Facility:
    """A facility open to the public, for the actor's bureau (admins: any bureau)."""
    check_organise(actor, data.bureau_id)
    facility = Facility()
    _apply(facility, data)
    session.add(facility)
    session.flush()
    audit.record(session, "participation.facility.create", facility, actor=actor, after=facility.audit_state())
    return facility


def update_facility(session, actor, facility: Facility, data: FacilityInput) -> Facility:
    """Edit a facility; moving it to another bureau needs the right to organise for both."""
    check_organise(actor, facility)
    check_organise(actor, data.bureau_id)
    before = facility.audit_state()
    was_in = tallies.lock_facility(session, facility.id)  # visits recorded meanwhile move with it
    _apply(facility, data)
    session.flush()
    tallies.move_facility(session, facility.id, was_in, facility.place_id)
    audit.record(session, "participation.facility.update", facility, actor=actor, before=before,
                 after=facility.audit_state())
    return facility


def deactivate_facility(session, actor, facility: Facility) -> Facility:
    """Take a facility off the public pages (its open days, bookings and figures are kept)."""
    check_organise(actor, facility)
    if not facility.active:
        raise ActionRefused(_("This facility is already inactive."))
    before = facility.audit_state()
    facility.active = False
    session.flush()
    audit.record(session, "participation.facility.deactivate", facility, actor=actor, before=before,
                 after=facility.audit_state())
    return facility


# ---- open days and slots --------------------------------------------------------------------------------------

@dataclass
class SlotInput:
    starts: time
    ends: time
    capacity: int


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(timezone.utc)


def add_open_day(session, actor, facility: Facility, day: date, slots: list[SlotInput], zone: ZoneInfo, *,
                 today: date) -> list[VisitSlot]:
    """An open day with its time slots (city times); slots on one day must not overlap."""
    check_organise(actor, facility)
    if not facility.active:
        raise ActionRefused(_("This facility is inactive: activate it before adding open days."))
    if day < today:
        raise ActionRefused(_("An open day cannot be added in the past."), field="day")
    if not slots:
        raise ActionRefused(_("Give at least one time slot: start, end and number of places."))
    ordered = sorted(slots, key=lambda s: s.starts)
    for slot in ordered:
        if slot.ends <= slot.starts:
            raise ActionRefused(_("A slot must end after it starts."))
        if not 1 <= slot.capacity <= 10000:
            raise ActionRefused(_("A slot needs between 1 and 10,000 places."))
    for earlier, later in zip(ordered, ordered[1:]):
        if later.starts < earlier.ends:
            raise ActionRefused(_("Time slots on one day must not overlap."))
    existing = session.scalars(select(VisitSlot).where(VisitSlot.facility_id == facility.id, VisitSlot.day == day,
                                                       VisitSlot.cancelled.is_(False))).all()
    made = []
    for slot in ordered:
        starts, ends = _at(day, slot.starts, zone), _at(day, slot.ends, zone)
        if any(starts < other.ends_at and other.starts_at < ends for other in existing):
            raise ActionRefused(_("A new slot overlaps a slot this facility already has on that day."))
        row = VisitSlot(facility_id=facility.id, day=day, starts_at=starts, ends_at=ends, capacity=slot.capacity,
                        taken=0, cancelled=False)
        session.add(row)
        made.append(row)
    session.flush()
    audit.record(session, "participation.open_day.add", facility, actor=actor,
                 after={"day": day.isoformat(), "slots": [{"id": s.id, "starts_at": s.starts_at.isoformat(),
                                                          "capacity": s.capacity}
                                              for s in made]})
    return made


def cancel_slot(session, actor, slot: VisitSlot, *, now: datetime | None = None) -> VisitSlot:
    """Cancel a slot: no more bookings, and every booking of it moves to "cancelled by the facility" (holding no
    places: the slot's count goes to 0), which the people who booked see on their booking page with other slots to
    book. A slot whose visit is recorded is not cancelled (its visitors are in the figures)."""
    check_organise(actor, slot)
    now = now or utcnow()
    if slot.cancelled:
        raise ActionRefused(_("This slot is already cancelled."))
    if slot.ends_at <= now:
        raise ActionRefused(_("This slot is over: it can no longer be cancelled."))
    if slot.visitors is not None:
        raise ActionRefused(_("The visit of this slot is recorded: it can no longer be cancelled."))
    taken = slot.taken
    # One conditional UPDATE: a booking or a visit record racing the cancellation either lands before it (and is
    # cancelled with the slot) or finds the slot cancelled.
    changed = session.execute(
        update(VisitSlot).where(VisitSlot.id == slot.id, VisitSlot.cancelled.is_(False),
                                VisitSlot.visitors.is_(None))
        .values(cancelled=True, taken=0).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        session.refresh(slot)
        raise ActionRefused(_("This slot has just been changed by someone else: look at it again."))
    moved = session.execute(
        update(Booking).where(Booking.slot_id == slot.id, Booking.state == BookingState.BOOKED)
        .values(state=BookingState.SLOT_CANCELLED, cancelled_at=now).execution_options(synchronize_session=False))
    for loaded in [row for row in session.identity_map.values() if isinstance(row, Booking)]:
        if loaded.slot_id == slot.id:
            session.expire(loaded)
    session.refresh(slot)
    audit.record(session, "participation.slot.cancel", slot, actor=actor, before={"taken": taken},
                 after={"cancelled": True, "taken": 0, "bookings_cancelled": moved.rowcount})
    return slot


# ---- bookings -------------------------------------------------------------------------------------------------

@dataclass
class BookingInput:
    contact_name: str
    contact_phone: str
    size: int
    group_name: str = ""


def book_slot(session, slot_id: int, data: BookingInput, key: str, *, now: datetime | None = None
              ) -> tuple[Booking, str]:
    """Book places on a slot for a person or a group; returns the booking and its personal code (shown once).

    The places are taken by one conditional UPDATE, the first write of the transaction, so concurrent bookings
    wait for each other's lock and never overfill. There is no waiting list: a full slot refuses."""
    now = now or utcnow()
    slot = session.get(VisitSlot, slot_id)
    if slot is None or not slot.facility.active:
        raise ActionRefused(_("This time slot does not exist."))
    if slot.cancelled:
        raise ActionRefused(_("This time slot has been cancelled: choose another one."))
    if slot.starts_at <= now:
        raise ActionRefused(_("This time slot has already started or is over: choose a later one."))
    phone = normalise_mobile(data.contact_phone)
    if phone is None:
        raise ActionRefused(_("Enter a mainland mobile number of 11 digits, starting with 1."), field="contact_phone")
    if not data.contact_name.strip():
        raise ActionRefused(_("Give the name of the person we can contact."), field="contact_name")
    if not 1 <= data.size <= MAX_GROUP:
        raise ActionRefused(_("A booking is for 1 to %(max)d people.", max=MAX_GROUP), field="size")
    if data.size > slot.capacity:
        raise ActionRefused(_("This slot has %(capacity)d places in all: a group of %(size)d is too big for it. "
                              "Split the group over several slots.", capacity=slot.capacity, size=data.size),
                            field="size")
    taken = session.execute(
        update(VisitSlot)
        .where(VisitSlot.id == slot.id, VisitSlot.cancelled.is_(False),
               VisitSlot.taken + data.size <= VisitSlot.capacity)
        .values(taken=VisitSlot.taken + data.size)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        session.refresh(slot)
        if slot.cancelled:
            raise ActionRefused(_("This time slot has been cancelled: choose another one."))
        if slot.places_left == 0:
            raise ActionRefused(_("This time slot is full. Choose another slot below."), field="size")
        raise ActionRefused(_("Only %(left)d places are left in this slot: book fewer, or choose another slot.",
                              left=slot.places_left), field="size")
    code = codes.new_code()
    booking = Booking(slot_id=slot.id, state=BookingState.BOOKED, group_name=data.group_name.strip(),
                      contact_name=data.contact_name.strip(), contact_phone=phone, size=data.size,
                      code_digest=codes.digest(code, key), created_at=now)
    session.add(booking)
    session.flush()
    session.refresh(slot)
    audit.record(session, "participation.booking.create", booking, after=booking.audit_state())
    return booking, code


def find_booking(session, code: str | None, key: str) -> Booking | None:
    """The booking a personal code belongs to, or None."""
    if not codes.normalise(code):
        return None
    computed = codes.digest(code, key)
    booking = session.scalar(select(Booking).where(Booking.code_digest == computed))
    return booking if booking is not None and codes.same(booking.code_digest, computed) else None


def cancel_booking(session, booking: Booking, *, now: datetime | None = None) -> Booking:
    """The holder of the code cancels a booking before the slot starts; the places go back to the slot."""
    now = now or utcnow()
    if booking.state != BookingState.BOOKED:
        raise ActionRefused(_("This booking is no longer open: it was cancelled or the visit has taken place."))
    if booking.slot.starts_at <= now:
        raise ActionRefused(_("The visit has already started: the booking can no longer be cancelled."))
    # Give the places back only while this booking still holds them (a repeated cancel changes nothing).
    changed = session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.state == BookingState.BOOKED)
        .values(state=BookingState.CANCELLED, cancelled_at=now).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        raise ActionRefused(_("This booking is no longer open: it was cancelled or the visit has taken place."))
    if not booking.slot.cancelled:
        session.execute(update(VisitSlot).where(VisitSlot.id == booking.slot_id)
                        .values(taken=VisitSlot.taken - booking.size).execution_options(synchronize_session=False))
    session.refresh(booking)
    session.refresh(booking.slot)
    audit.record(session, "participation.booking.cancel", booking, after=booking.audit_state())
    return booking


# ---- reminders ------------------------------------------------------------------------------------------------

def _due_on(day: date):
    return (select(Booking).join(VisitSlot, Booking.slot_id == VisitSlot.id)
            .where(VisitSlot.day == day, VisitSlot.cancelled.is_(False), Booking.state == BookingState.BOOKED))


def reminders_due_count(session, day: date) -> int:
    """How many bookings for `day` still wait for their reminder call (no personal data)."""
    query = _due_on(day).where(Booking.reminded_at.is_(None)).with_only_columns(func.count(Booking.id))
    return session.scalar(query) or 0


def call_list(session, actor, day: date) -> list[dict]:
    """The bookings of `day` at the actor's facilities, with contact names and phones: each look audited."""
    if actor is None or not actor.can(Permission.PARTICIPATION_ORGANISE):
        raise OpenDayNotPermitted(_("You may organise only the open days of your own bureau's facilities."))
    query = _due_on(day).join(Facility, VisitSlot.facility_id == Facility.id)
    if not sees_every_bureau(actor):
        query = query.where(Facility.bureau_id == actor.bureau_id)
    rows = []
    for booking in session.scalars(query.order_by(Facility.id, VisitSlot.starts_at, Booking.id)):
        contact = identity.reveal(session, actor, booking, "participation.booking.contact_viewed",
                                  {"name": booking.contact_name, "phone": booking.contact_phone})
        rows.append({"booking": booking, **contact})
    return rows


def mark_reminded(session, actor, booking: Booking, *, now: datetime | None = None) -> Booking:
    """The organiser called (or texted) the contact the day before the visit."""
    check_organise(actor, booking)
    if booking.state != BookingState.BOOKED:
        raise ActionRefused(_("This booking is no longer open: it was cancelled or the visit has taken place."))
    booking.reminded_at = now or utcnow()
    session.flush()
    audit.record(session, "participation.booking.remind", booking, actor=actor, after=booking.audit_state())
    return booking


# ---- visits ---------------------------------------------------------------------------------------------------

def record_visit(session, actor, slot: VisitSlot, visitors: int, outcomes: dict[int, bool], *,
                 now: datetime | None = None) -> VisitSlot:
    """After a slot: the people who came, and each booking visited (True) or not (False). Recording again corrects
    it; the visits tally takes the difference in the same transaction."""
    check_organise(actor, slot)
    if slot.cancelled:
        raise ActionRefused(_("This slot was cancelled: there is no visit to record."))
    if slot.starts_at > (now or utcnow()):
        raise ActionRefused(_("The visit is recorded once the slot has started."))
    if not 0 <= visitors <= 100000:
        raise ActionRefused(_("Enter the number of visitors who came."), field="visitors")
    bookings = {b.id: b for b in session.scalars(select(Booking).where(
        Booking.slot_id == slot.id, Booking.state.in_((BookingState.BOOKED, BookingState.VISITED,
                                                       BookingState.NO_SHOW))))}
    place_id = tallies.lock_facility(session, slot.facility_id)  # an edit moving the facility waits
    before = {"visitors": slot.visitors}
    same = VisitSlot.visitors.is_(None) if slot.visitors is None else VisitSlot.visitors == slot.visitors
    changed = session.execute(
        update(VisitSlot).where(VisitSlot.id == slot.id, VisitSlot.cancelled.is_(False), same)
        .values(visitors=visitors).execution_options(synchronize_session=False))
    if changed.rowcount != 1:
        session.refresh(slot)
        raise ActionRefused(_("This slot has just been changed by someone else: look at it again."))
    tallies.add(session, slot.day.year, place_id, {tallies.VISITS: visitors - (slot.visitors or 0)})
    for booking_id, came in outcomes.items():
        if booking_id in bookings:
            bookings[booking_id].state = BookingState.VISITED if came else BookingState.NO_SHOW
    session.flush()
    session.refresh(slot)
    audit.record(session, "participation.slot.visit", slot, actor=actor, before=before,
                 after={"visitors": visitors, "visited": sum(1 for v in outcomes.values() if v),
                        "no_show": sum(1 for v in outcomes.values() if not v)})
    return slot


# ---- queries --------------------------------------------------------------------------------------------------

@dataclass
class OpenDayCount:
    held: int
    planned: int
    minimum: int

    @property
    def total(self) -> int:
        return self.held + self.planned

    @property
    def missing(self) -> int:
        return max(self.minimum - self.total, 0)

    @property
    def below(self) -> bool:
        return self.missing > 0


def open_day_counts(session, facilities: list[Facility], year: int, today: date) -> dict[int, OpenDayCount]:
    """Per facility, the open days of `year` held (before today) and planned (today on), against its minimum."""
    ids = [f.id for f in facilities]
    counts = {f.id: OpenDayCount(0, 0, f.min_open_days) for f in facilities}
    if not ids:
        return counts
    days = (select(VisitSlot.facility_id, VisitSlot.day)
            .where(VisitSlot.facility_id.in_(ids), VisitSlot.cancelled.is_(False),
                   VisitSlot.day >= date(year, 1, 1), VisitSlot.day <= date(year, 12, 31))
            .distinct().subquery())
    held = func.sum(func.cast(days.c.day < today, Integer))
    for facility_id, total, past in session.execute(
            select(days.c.facility_id, func.count(), held).group_by(days.c.facility_id)):
        counts[facility_id].held = int(past or 0)
        counts[facility_id].planned = int(total) - int(past or 0)
    return counts


def facilities(session, *, district_id: int | None = None, kind: FacilityKind | None = None,
               bureau_id: int | None = None, active_only: bool = True) -> list[Facility]:
    """Facilities by name, filtered by district, kind or bureau."""
    query = select(Facility).options(selectinload(Facility.place))
    if active_only:
        query = query.where(Facility.active.is_(True))
    if district_id:
        query = query.where(Facility.place_id == district_id)
    if kind:
        query = query.where(Facility.kind == kind)
    if bureau_id is not None:
        query = query.where(Facility.bureau_id == bureau_id)
    return list(session.scalars(query.order_by(Facility.active.desc(), Facility.name_zh_hans, Facility.id)))


def upcoming_slots(session, facility_ids: list[int], now: datetime, *, days: int | None = None
                   ) -> dict[int, list[VisitSlot]]:
    """Slots still to come per facility (cancelled ones included, marked), the next `days` open days each."""
    found: dict[int, list[VisitSlot]] = {i: [] for i in facility_ids}
    if not facility_ids:
        return found
    query = (select(VisitSlot).where(VisitSlot.facility_id.in_(facility_ids), VisitSlot.starts_at > now)
             .order_by(VisitSlot.facility_id, VisitSlot.starts_at, VisitSlot.id))
    for slot in session.scalars(query):
        shown_days = {s.day for s in found[slot.facility_id]}
        if days is None or slot.day in shown_days or len(shown_days) < days:
            found[slot.facility_id].append(slot)
    return found


def slots_of(session, facility: Facility, *, since: date | None = None) -> list[VisitSlot]:
    """A facility's slots from `since` on (every one when None), by time."""
    query = select(VisitSlot).where(VisitSlot.facility_id == facility.id)
    if since is not None:
        query = query.where(VisitSlot.day >= since)
    return list(session.scalars(query.order_by(VisitSlot.starts_at, VisitSlot.id)))


@dataclass
class YearFigures:
    year: int
    open_days: int
    visitors: int


def visits_by_year(session, facility_id: int, today: date) -> list[YearFigures]:
    """Per year (newest first), the open days held (before today, not cancelled) and the visitors recorded."""
    year = func.extract("year", VisitSlot.day)
    query = (select(year, func.count(func.distinct(VisitSlot.day)), func.coalesce(func.sum(VisitSlot.visitors), 0))
             .where(VisitSlot.facility_id == facility_id, VisitSlot.cancelled.is_(False), VisitSlot.day < today)
             .group_by(year).order_by(year.desc()))
    return [YearFigures(int(y), int(d), int(v)) for y, d, v in session.execute(query)]


def yearly_table(session, year: int, today: date) -> list[tuple[Facility, YearFigures]]:
    """The public yearly table: every active facility with its open days held and visitors in `year`."""
    rows = facilities(session)
    figures = {f.id: YearFigures(year, 0, 0) for f in rows}
    if rows:
        query = (select(VisitSlot.facility_id, func.count(func.distinct(VisitSlot.day)),
                        func.coalesce(func.sum(VisitSlot.visitors), 0))
                 .where(VisitSlot.facility_id.in_(figures), VisitSlot.cancelled.is_(False), VisitSlot.day < today,
                        VisitSlot.day >= date(year, 1, 1), VisitSlot.day <= date(year, 12, 31))
                 .group_by(VisitSlot.facility_id))
        for facility_id, days, visitors in session.execute(query):
            figures[facility_id] = YearFigures(year, int(days), int(visitors))
    return [(f, figures[f.id]) for f in rows]


def bookings_of(session, slot: VisitSlot) -> list[Booking]:
    """A slot's bookings that hold places or came (for recording the visit; no contact shown from here)."""
    return list(session.scalars(select(Booking).where(
        Booking.slot_id == slot.id, Booking.state.not_in((BookingState.CANCELLED, BookingState.SLOT_CANCELLED)))
        .order_by(Booking.id)))


def next_day(today: date) -> date:
    """The day a call list is made for by default: tomorrow."""
    return today + timedelta(days=1)


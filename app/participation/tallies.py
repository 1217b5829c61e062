"""The running tallies behind the participation figures: per year (city time) and district, each step that changes
a figure adds to it in its own transaction, so the figures page, the landing page and indicator 38's evidence read a
few dozen tally rows whatever the number of sign-ups.

Every addition is one upsert that adds to the stored total (`add_to_counters`), never a read-modify-write, so
concurrent steps on SQLite and PostgreSQL both count. A step's own change is claimed first by a conditional UPDATE
(the activity still published, the hours still as read, the slot's visitors still as read), so a step done twice
at once counts once. The year and district of the row added to are read under a row lock on the activity or
facility (`FOR UPDATE` on PostgreSQL; on SQLite the database's one write lock, taken first), so a step racing an
edit that moves the activity to another district or year adds to the right row.

`from_rows` counts the same figures from the rows; `rebuild` replaces the tallies with it (`flask
participation-tallies --rebuild`), and `differences` compares the two (`flask participation-tallies`).
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, and_, case, cast, delete, extract, func, select, text
from sqlalchemy.orm import Session

from app.db_types import add_to_counters
from app.i18n import site_zone
from app.participation.models import (Activity, ActivityState, Facility, ParticipationTally, Registration,
                                      RegistrationState, Suggestion, SuggestionState, VisitSlot)

HELD = "held"
PARTICIPANTS = "participants"
HOURS = "hours_centi"  # confirmed volunteer hours in hundredths (hours are kept to two decimals): sums stay exact
VISITS = "visits"
SUGGESTIONS = "suggestions"
ANSWERED = "answered"
ON_TIME = "on_time"
NAMES = (HELD, PARTICIPANTS, HOURS, VISITS, SUGGESTIONS, ANSWERED, ON_TIME)
NO_PLACE = 0  # a suggestion sent without a district: counted in the city total only

Key = tuple[int, int, str]  # (year, place_id, name)


def centi(hours: float | None) -> int:
    """Hours as whole hundredths (0 for none)."""
    return 0 if hours is None else round(hours * 100)


def add(session: Session, year: int, place_id: int | None, counts: dict[str, int]) -> None:
    """Add `counts` ({name: amount}, amounts may be negative) to the tallies of a year and district."""
    add_to_counters(session, ParticipationTally, ["year", "place_id", "name"], [
        {"year": year, "place_id": place_id or NO_PLACE, "name": name, "total": amount}
        for name, amount in counts.items() if amount])


def local_day(moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The city's calendar date of a UTC instant."""
    return moment.astimezone(zone or site_zone()).date()


def local_year(moment: datetime, zone: ZoneInfo | None = None) -> int:
    """The city's calendar year of a UTC instant."""
    return local_day(moment, zone).year


@dataclass(frozen=True)
class Where:
    """Where a thing counts (its year and district) as read under its row lock, and the state it was in."""

    year: int
    place_id: int
    state: object = None


def _begin_writing(session: Session) -> None:
    """On SQLite, take the database's write lock now (a write that changes nothing begins the write transaction), so
    that what is read next cannot change before this transaction ends: SQLite's stand-in for FOR UPDATE."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM participation_tallies WHERE 1 = 0"))


def lock_activity(session: Session, activity_id: int) -> Where:
    """Lock the activity's row and read where its figures count (and its state) as committed now."""
    _begin_writing(session)
    starts_at, place_id, state = session.execute(
        select(Activity.starts_at, Activity.place_id, Activity.state).where(Activity.id == activity_id)
        .with_for_update()).one()
    return Where(local_year(starts_at), place_id, state)


def lock_facility(session: Session, facility_id: int) -> int:
    """Lock the facility's row and read its district as committed now."""
    _begin_writing(session)
    return session.execute(select(Facility.place_id).where(Facility.id == facility_id).with_for_update()).scalar_one()


def move_activity(session: Session, activity_id: int, old: Where, new: Where) -> None:
    """An activity moved to another year or district (an edit): its confirmed hours move with it. (A closed activity,
    whose attendance counts, can no longer be edited.)"""
    if (old.year, old.place_id) == (new.year, new.place_id):
        return
    hours = int(session.scalar(select(func.coalesce(func.sum(_centi_sql()), 0)).where(
        Registration.activity_id == activity_id, Registration.hours_confirmed_at.is_not(None),
        Registration.hours.is_not(None))) or 0)
    add(session, old.year, old.place_id, {HOURS: -hours})
    add(session, new.year, new.place_id, {HOURS: hours})


def move_facility(session: Session, facility_id: int, old_place_id: int, new_place_id: int) -> None:
    """A facility moved to another district: its recorded visitors move with it, year by year."""
    if old_place_id == new_place_id:
        return
    year = extract("year", VisitSlot.day)
    for slot_year, visitors in session.execute(
            select(year, func.sum(VisitSlot.visitors))
            .where(VisitSlot.facility_id == facility_id, VisitSlot.cancelled.is_(False),
                   VisitSlot.visitors.is_not(None)).group_by(year)):
        add(session, int(slot_year), old_place_id, {VISITS: -int(visitors)})
        add(session, int(slot_year), new_place_id, {VISITS: int(visitors)})


# --- reading ---------------------------------------------------------------------------------------------------

def of_year(session: Session, year: int) -> dict[int, dict[str, int]]:
    """{place_id: {name: total}} of a year: one read of at most districts × names rows."""
    found: dict[int, dict[str, int]] = {}
    for place_id, name, total in session.execute(
            select(ParticipationTally.place_id, ParticipationTally.name, ParticipationTally.total)
            .where(ParticipationTally.year == year)):
        found.setdefault(place_id, {})[name] = int(total)
    return found


def stored(session: Session) -> Counter[Key]:
    """Every stored tally, zeros left out."""
    return Counter({(year, place_id, name): int(total) for year, place_id, name, total in session.execute(
        select(ParticipationTally.year, ParticipationTally.place_id, ParticipationTally.name,
               ParticipationTally.total)) if total})


# --- counting from the rows ------------------------------------------------------------------------------------

def _centi_sql():
    """A sign-up's confirmed hours in whole hundredths, in SQL (as `centi` rounds them)."""
    return cast(func.round(Registration.hours * 100), Integer)


def local_date_sql(session: Session, column, zone: ZoneInfo):
    """The city's calendar date of a UTC timestamp column, in SQL (PostgreSQL by zone name; SQLite by the
    zone's offset, which for China has not changed since 1991)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(zone.key, column), Date)
    hours = datetime(2000, 1, 1, tzinfo=zone).utcoffset() or timedelta(0)
    return func.date(column, f"{int(hours.total_seconds() // 3600):+d} hours")


def from_rows(session: Session, zone: ZoneInfo | None = None) -> Counter[Key]:
    """The tallies counted afresh from the activities, sign-ups, visit slots and suggestions (zeros left out):
    what the running tallies must equal. Its cost grows with the rows: for checks and rebuilds, not for pages."""
    zone = zone or site_zone()
    counts: Counter[Key] = Counter()

    def year_of(column):
        return extract("year", local_date_sql(session, column, zone))

    attended = (select(func.coalesce(func.sum(Registration.group_size), 0))
                .where(Registration.activity_id == Activity.id, Registration.state == RegistrationState.ATTENDED)
                .scalar_subquery())
    activity_year = year_of(Activity.starts_at)
    for year, place_id, held, participants in session.execute(
            select(activity_year, Activity.place_id, func.count(),
                   func.coalesce(func.sum(func.coalesce(Activity.attendance, attended)), 0))
            .where(Activity.state == ActivityState.CLOSED).group_by(activity_year, Activity.place_id)):
        counts[(int(year), place_id, HELD)] += int(held)
        counts[(int(year), place_id, PARTICIPANTS)] += int(participants)
    for year, place_id, hours in session.execute(
            select(activity_year, Activity.place_id, func.sum(_centi_sql()))
            .join(Registration, Registration.activity_id == Activity.id)
            .where(Registration.hours_confirmed_at.is_not(None), Registration.hours.is_not(None))
            .group_by(activity_year, Activity.place_id)):
        counts[(int(year), place_id, HOURS)] += int(hours or 0)
    slot_year = extract("year", VisitSlot.day)
    for year, place_id, visitors in session.execute(
            select(slot_year, Facility.place_id, func.sum(VisitSlot.visitors))
            .join(Facility, Facility.id == VisitSlot.facility_id)
            .where(VisitSlot.cancelled.is_(False), VisitSlot.visitors.is_not(None))
            .group_by(slot_year, Facility.place_id)):
        counts[(int(year), place_id, VISITS)] += int(visitors or 0)
    answered = Suggestion.state == SuggestionState.ANSWERED
    on_time = and_(answered, local_date_sql(session, Suggestion.answered_at, zone) <= Suggestion.answer_due)
    suggestion_year = year_of(Suggestion.submitted_at)
    for year, place_id, received, answered_count, on_time_count in session.execute(
            select(suggestion_year, Suggestion.place_id, func.count(), func.sum(case((answered, 1), else_=0)),
                   func.sum(case((on_time, 1), else_=0)))
            .group_by(suggestion_year, Suggestion.place_id)):
        place = place_id or NO_PLACE
        counts[(int(year), place, SUGGESTIONS)] += int(received)
        counts[(int(year), place, ANSWERED)] += int(answered_count or 0)
        counts[(int(year), place, ON_TIME)] += int(on_time_count or 0)
    return Counter({key: value for key, value in counts.items() if value})


def differences(session: Session, zone: ZoneInfo | None = None) -> dict[Key, tuple[int, int]]:
    """{key: (stored, counted from the rows)} wherever the two differ."""
    kept, counted = stored(session), from_rows(session, zone)
    return {key: (kept.get(key, 0), counted.get(key, 0)) for key in sorted(set(kept) | set(counted))
            if kept.get(key, 0) != counted.get(key, 0)}


def rebuild(session: Session, zone: ZoneInfo | None = None) -> dict[Key, tuple[int, int]]:
    """Replace the tallies with the counts from the rows (after a bulk load, a restore, or a repair); returns what
    changed, as `differences` does. Flushes, never commits.

    Steps running meanwhile wait, as the tally table's writers are shut out before anything is read: on PostgreSQL
    by a table lock (a step adds to the tallies only inside its own transaction, so what it did is either committed
    before and counted here, or added after this commits); on SQLite by taking the database's one write lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE participation_tallies IN SHARE ROW EXCLUSIVE MODE"))
    _begin_writing(session)
    kept = stored(session)
    session.execute(delete(ParticipationTally).execution_options(synchronize_session=False))
    counted = from_rows(session, zone)
    rows = [{"year": year, "place_id": place_id, "name": name, "total": total}
            for (year, place_id, name), total in sorted(counted.items())]
    for start in range(0, len(rows), 500):
        add_to_counters(session, ParticipationTally, ["year", "place_id", "name"], rows[start:start + 500])
    session.flush()
    return {key: (kept.get(key, 0), counted.get(key, 0)) for key in sorted(set(kept) | set(counted))
            if kept.get(key, 0) != counted.get(key, 0)}

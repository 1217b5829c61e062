"""Participation figures by year and district, and what the landing page lists. The figures come from the running
tallies (`tallies.py`), so their cost stays the same however many sign-ups, bookings or suggestions are stored."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.org.models import Place, PlaceLevel
from app.participation import tallies
from app.participation.models import (Activity, ActivityState, Consultation, ConsultationState, Facility,
                                      Suggestion, SuggestionState, VisitSlot)


@dataclass
class Figures:
    """One row of the figures table: the city total (place is the city) or one district."""

    place: Place | None
    activities_held: int = 0
    participants: int = 0
    volunteer_hours: float = 0.0
    visits: int = 0
    facilities_met: int = 0
    facilities: int = 0
    suggestions: int = 0
    answered: int = 0
    on_time: int = 0
    due: int = 0  # answered, or published and past the due date: the suggestions the on-time share counts

    @property
    def on_time_share(self) -> float | None:
        """Answered on time (the due date itself counts) among the suggestions that were due; None if none."""
        return self.on_time / self.due if self.due else None

    def add(self, other: "Figures") -> None:
        for name in ("activities_held", "participants", "volunteer_hours", "visits", "facilities_met", "facilities",
                     "suggestions", "answered", "on_time", "due"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class YearFigures:
    """The figures of a year: the city total first, then each district in the usual order."""

    year: int
    city: Figures
    districts: list[Figures] = field(default_factory=list)

    @property
    def rows(self) -> list[Figures]:
        return [self.city, *self.districts]


def year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where the city's calendar year begins and ends (the end excluded)."""
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=zone).astimezone(timezone.utc)
    return start, end


def _grouped(session: Session, stmt) -> dict:
    """{place_id: the row's other columns} of a statement grouped by place id."""
    return {row[0]: row[1:] for row in session.execute(stmt)}


def year_figures(session: Session, year: int, *, today: date, zone: ZoneInfo) -> YearFigures:
    """Activities held, participants, volunteer hours, open-day visits, facilities meeting their minimum open
    days and suggestions (received, answered, answered on time, due) in `year`, for the city and each district.

    Activities count in the year they start (city time); suggestions in the year they were sent. Things
    recorded at the city itself, or a suggestion without a district, count in the city total only.

    What is counted once and for all when it happens comes from the running tallies (`tallies.py`): one read of
    at most districts × 7 rows. What changes with the date alone is counted here, from rows that do not grow with
    sign-ups: the suggestions past their due date still awaiting the answer (through the state and due-date
    index), and the facilities' open days held so far (one row per open slot).
    """
    tallied = tallies.of_year(session, year)
    start, end = year_bounds(year, zone)
    overdue = _grouped(session, select(Suggestion.place_id, func.count())
                       .where(Suggestion.state == SuggestionState.PUBLISHED, Suggestion.answer_due < today,
                              Suggestion.submitted_at >= start, Suggestion.submitted_at < end)
                       .group_by(Suggestion.place_id))
    overdue = {place_id or tallies.NO_PLACE: row for place_id, row in overdue.items()}
    first, last = date(year, 1, 1), date(year, 12, 31)
    # Open days held: distinct days with a slot not cancelled, up to today (days still to come are not held).
    days_held = (select(VisitSlot.facility_id, func.count(func.distinct(VisitSlot.day)).label("days"))
                 .where(VisitSlot.day >= first, VisitSlot.day <= last, VisitSlot.cancelled.is_(False),
                        VisitSlot.day <= today).group_by(VisitSlot.facility_id).subquery())
    held = func.coalesce(days_held.c.days, 0)
    facilities = _grouped(session, select(Facility.place_id,
                                          func.sum(case((held >= Facility.min_open_days, 1), else_=0)), func.count())
                          .outerjoin(days_held, days_held.c.facility_id == Facility.id)
                          .where(Facility.active.is_(True)).group_by(Facility.place_id))

    def figures_of(place_id, place) -> Figures:
        counts = tallied.get(place_id, {})
        met, total = facilities.get(place_id, (0, 0))
        answered = counts.get(tallies.ANSWERED, 0)
        return Figures(place, activities_held=counts.get(tallies.HELD, 0),
                       participants=counts.get(tallies.PARTICIPANTS, 0),
                       volunteer_hours=counts.get(tallies.HOURS, 0) / 100, visits=counts.get(tallies.VISITS, 0),
                       facilities_met=int(met or 0), facilities=int(total),
                       suggestions=counts.get(tallies.SUGGESTIONS, 0), answered=answered,
                       on_time=counts.get(tallies.ON_TIME, 0), due=answered + int(overdue.get(place_id, (0,))[0]))

    places = session.scalars(select(Place).where(Place.active.is_(True))
                             .order_by(Place.level == PlaceLevel.DISTRICT, Place.sort_order, Place.id)).all()
    city_place = next((p for p in places if p.level == PlaceLevel.CITY), None)
    district_places = [p for p in places if p.level == PlaceLevel.DISTRICT]
    city = Figures(city_place)
    for place_id in set(tallied) | set(overdue) | set(facilities):
        city.add(figures_of(place_id, None))
    return YearFigures(year, city, [figures_of(p.id, p) for p in district_places])


@dataclass(frozen=True)
class OpenDay:
    """A facility's open day to come, with the places left across its slots."""

    facility: Facility
    day: date
    places_left: int


def next_activities(session: Session, now: datetime, limit: int = 5) -> list[Activity]:
    """Published activities still to start, soonest first."""
    return list(session.scalars(select(Activity).where(Activity.state == ActivityState.PUBLISHED,
                                                       Activity.starts_at >= now)
                                .order_by(Activity.starts_at, Activity.id).limit(limit)))


def next_open_days(session: Session, today: date, limit: int = 5) -> list[OpenDay]:
    """Facilities' open days from today, soonest first (one entry per facility and day)."""
    rows = session.execute(
        select(VisitSlot.facility_id, VisitSlot.day, func.sum(VisitSlot.capacity - VisitSlot.taken))
        .join(Facility, Facility.id == VisitSlot.facility_id)
        .where(VisitSlot.day >= today, VisitSlot.cancelled.is_(False), Facility.active.is_(True))
        .group_by(VisitSlot.facility_id, VisitSlot.day).order_by(VisitSlot.day, VisitSlot.facility_id)
        .limit(limit)).all()
    facilities = {f.id: f for f in session.scalars(select(Facility).where(Facility.id.in_({r[0] for r in rows})))}
    return [OpenDay(facilities[facility_id], day, int(left or 0)) for facility_id, day, left in rows]


def open_consultations(session: Session, today: date, limit: int = 5) -> list[Consultation]:
    """Published consultations taking suggestions today, closing soonest first."""
    return list(session.scalars(select(Consultation).where(Consultation.state == ConsultationState.PUBLISHED,
                                                           Consultation.starts_on <= today,
                                                           Consultation.ends_on >= today)
                                .order_by(Consultation.ends_on, Consultation.id).limit(limit)))


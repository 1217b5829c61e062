"""The retention purge (`flask participation-purge`): names and phone numbers are kept only as long as the
organisers need them (`PARTICIPATION_RETENTION_DAYS`), then emptied; the rows stay, so every count, the places
taken and a volunteer's confirmed hours on the activity remain.

- sign-ups of activities that ended that long ago: name and phone emptied, `purged_at` set;
- bookings of visit slots that ended that long ago: contact name and phone emptied;
- suggestions answered or not published that long ago: name and phone emptied;
- volunteers not active that long: deleted, their sign-ups unlinked (`volunteer_id` NULL) and keeping the hours;
- the addresses of the updates asked for on those sign-ups and suggestions: emptied, the updates stopped.

Running it again changes nothing (rows already purged are skipped); one audit entry holds the counts.
"""
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, delete, func, literal_column, or_, select, update

from app import audit
from app.notifications import services as notifications
from app.notifications.models import Subject
from app.participation.models import (Activity, Booking, Registration, Suggestion, SuggestionState, Volunteer,
                                      VisitSlot)


@dataclass(frozen=True)
class PurgeCounts:
    """What a purge emptied or deleted (or, in a dry run, would)."""

    registrations: int
    bookings: int
    suggestions: int
    volunteers: int

    @property
    def total(self) -> int:
        return self.registrations + self.bookings + self.suggestions + self.volunteers


def _count(session, statement) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def purge(session, now: datetime, days: int, *, dry_run: bool = False, actor=None) -> PurgeCounts:
    """Empty the personal data older than `days` before `now` and delete inactive volunteers; audited once with
    the counts. With `dry_run` only counts (nothing changed, nothing audited)."""
    cutoff = now - timedelta(days=days)
    ended_activities = select(Activity.id).where(Activity.ends_at < cutoff)
    registrations = select(Registration.id).where(Registration.purged_at.is_(None),
                                                  Registration.activity_id.in_(ended_activities))
    ended_slots = select(VisitSlot.id).where(VisitSlot.ends_at < cutoff)
    bookings = select(Booking.id).where(Booking.purged_at.is_(None), Booking.slot_id.in_(ended_slots))
    # Answered: since the answer; not published: since the submission (a rejection keeps no date of its own).
    suggestions = select(Suggestion.id).where(Suggestion.purged_at.is_(None), or_(
        (Suggestion.state == SuggestionState.ANSWERED) & (Suggestion.answered_at < cutoff),
        (Suggestion.state == SuggestionState.REJECTED) & (Suggestion.submitted_at < cutoff)))
    volunteers = select(Volunteer.id).where(Volunteer.last_active_at < cutoff)
    counts = PurgeCounts(registrations=_count(session, registrations), bookings=_count(session, bookings),
                         suggestions=_count(session, suggestions), volunteers=_count(session, volunteers))
    if dry_run:
        return counts
    # Before the rows are marked purged, which takes them out of these selects.
    notifications.forget_follows(session, Subject.REGISTRATION, registrations)
    notifications.forget_follows(session, Subject.SUGGESTION, suggestions)
    session.execute(update(Registration).where(Registration.id.in_(registrations))
                    # The keyed hash goes too, unique per row so the one-sign-up-per-phone index still holds.
                    .values(name="", phone="", purged_at=now,
                            phone_digest=literal_column("'purged-'").concat(cast(Registration.id, String)))
                    .execution_options(synchronize_session=False))
    session.execute(update(Booking).where(Booking.id.in_(bookings))
                    .values(contact_name="", contact_phone="", purged_at=now)
                    .execution_options(synchronize_session=False))
    session.execute(update(Suggestion).where(Suggestion.id.in_(suggestions))
                    .values(name="", phone="", purged_at=now).execution_options(synchronize_session=False))
    gone = list(session.scalars(volunteers))
    if gone:
        session.execute(update(Registration).where(Registration.volunteer_id.in_(gone))
                        .values(volunteer_id=None).execution_options(synchronize_session=False))
        session.execute(delete(Volunteer).where(Volunteer.id.in_(gone)).execution_options(synchronize_session=False))
    session.expire_all()
    audit.record(session, "participation.purge", actor=actor, object_type="participation", object_id="purge",
                 after={**asdict(counts), "days": days}, note=f"cutoff {cutoff.isoformat()}")
    session.flush()
    return counts

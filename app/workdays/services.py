"""Writes to the holiday calendar: one day set or removed by an admin, and importing a schedule (the shipped State
Council notices or an admin's file). Flush, audit, return; never commit."""
from datetime import date

from sqlalchemy import extract, func, select

from app import audit
from app.workdays.models import CalendarDay
from app.workdays.schedule import ScheduleDay


def _state(row: CalendarDay) -> dict:
    return {"is_working_day": row.is_working_day, "note": row.note}


def set_day(session, actor, day: date, *, is_working_day: bool, note: str) -> CalendarDay:
    """Make `day` a holiday or a make-up working day (adding it or changing it); the audit says what it was."""
    row = session.get(CalendarDay, day)
    before = _state(row) if row else None
    row = row or CalendarDay(day=day)
    row.is_working_day, row.note = is_working_day, note
    session.add(row)
    session.flush()
    audit.record(session, "calendar.set_day", None, actor=actor, object_type="calendar_days",
                 object_id=day.isoformat(), before=before, after=_state(row))
    return row


def remove_day(session, actor, row: CalendarDay) -> None:
    """The day is an ordinary one again (a weekday works, a weekend rests)."""
    audit.record(session, "calendar.remove_day", None, actor=actor, object_type="calendar_days",
                 object_id=row.day.isoformat(), before=_state(row))
    session.delete(row)
    session.flush()


def import_schedule(session, actor, days: list[ScheduleDay], *, source: str) -> dict:
    """Add or update each day of a checked schedule; days not in it are left as they are.

    Returns the counts {added, changed, unchanged}; one audit entry lists what changed."""
    existing = {row.day: row for row in session.scalars(
        select(CalendarDay).where(CalendarDay.day.in_([d.day for d in days])))}
    counts, changed = {"added": 0, "changed": 0, "unchanged": 0}, []
    for item in days:
        row = existing.get(item.day)
        if row is None:
            session.add(CalendarDay(day=item.day, is_working_day=item.is_working_day, note=item.name))
            counts["added"] += 1
        elif row.is_working_day == item.is_working_day and row.note == item.name:
            counts["unchanged"] += 1
        else:
            changed.append({"day": item.day.isoformat(), "was_working_day": row.is_working_day, "was": row.note})
            row.is_working_day, row.note = item.is_working_day, item.name
            counts["changed"] += 1
    session.flush()
    years = sorted({d.day.year for d in days})
    audit.record(session, "calendar.import", None, actor=actor, object_type="calendar_days",
                 object_id=f"{years[0]}-{years[-1]}" if years else "",
                 before={"changed": changed[:200]} if changed else None, after=counts, note=source[:500])
    return counts


def years_with_holidays(session) -> set[int]:
    """The years for which the calendar holds at least one holiday."""
    year = extract("year", CalendarDay.day)
    return {int(y) for y in session.scalars(select(year).where(CalendarDay.is_working_day.is_(False))
                                            .group_by(year).having(func.count() > 0))}

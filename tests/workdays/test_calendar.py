"""The calendar of holidays and make-up working days as stored by admins."""
from datetime import date

from app.workdays.days import add_days
from app.workdays.models import CalendarDay, overrides


def test_an_empty_calendar_has_no_overrides(session):
    assert overrides(session) == {}


def test_stored_days_become_overrides_for_counting(session):
    # Example dates shaped like the 2026 National Day week, not the official calendar.
    session.add_all([CalendarDay(day=date(2026, 10, 1), is_working_day=False, note="国庆节"),
                     CalendarDay(day=date(2026, 10, 10), is_working_day=True, note="调休")])
    session.commit()
    found = overrides(session)
    assert found == {date(2026, 10, 1): False, date(2026, 10, 10): True}
    assert add_days(date(2026, 9, 30), 1, working=True, overrides=found) == date(2026, 10, 2)
    assert add_days(date(2026, 10, 9), 1, working=True, overrides=found) == date(2026, 10, 10)

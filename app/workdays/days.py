"""Counting deadlines in calendar or working days. Pure code.

`overrides` maps a date to True (a working day, e.g. a make-up working Saturday, 调休) or False (a holiday);
every other date is a working day from Monday to Friday.
"""
from collections.abc import Mapping
from datetime import date, timedelta


def is_working_day(day: date, overrides: Mapping[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def add_days(start: date, days: int, *, working: bool, overrides: Mapping[date, bool]) -> date:
    """The due date `days` after `start`: calendar days, or working days (the start day itself not counted)."""
    if not working:
        return start + timedelta(days=days)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day, overrides)
    return day


def days_left(today: date, due: date, *, working: bool, overrides: Mapping[date, bool]) -> int:
    """Days from today until due (negative when overdue), counted the same way as the deadline."""
    if not working:
        return (due - today).days
    sign, first, last = (1, today, due) if due >= today else (-1, due, today)
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += is_working_day(day, overrides)
    return sign * count


def supervision_colour(left: int | None, warn_days: int) -> str:
    """三色督办: green on track, yellow due within warn_days, red overdue; grey when no deadline runs."""
    if left is None:
        return "grey"
    if left < 0:
        return "red"
    return "yellow" if left <= warn_days else "green"


def colour_bounds(today: date, warn_days: int, *, working: bool, overrides: Mapping[date, bool]) -> tuple[date, date]:
    """The due dates where the colours change, so a database can count them: red when due < the first,
    yellow when due < the second, green from the second on (the same verdict as supervision_colour)."""
    red_before = today
    if working:  # overdue once a working day has passed since the due date
        while not is_working_day(red_before, overrides):
            red_before -= timedelta(days=1)
    return red_before, add_days(today, warn_days + 1, working=working, overrides=overrides)

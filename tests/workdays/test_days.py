"""Counting deadlines in calendar or working days, and the three supervision colours. Pure code.

The dates are examples shaped like the 2026 National Day week (国庆节): Thursday 1 to Wednesday 7 October off,
Sunday 20 September and Saturday 10 October worked instead (调休). They are not the official calendar.
"""
from datetime import date, timedelta

import pytest

from app.workdays.days import add_days, colour_bounds, days_left, is_working_day, supervision_colour

NATIONAL_DAY = {date(2026, 10, d): False for d in range(1, 8)} | {
    date(2026, 9, 20): True,   # a Sunday worked
    date(2026, 10, 10): True,  # a Saturday worked
}
NO_OVERRIDES: dict = {}


@pytest.mark.parametrize("day, working", [
    (date(2026, 9, 28), True),    # Monday
    (date(2026, 9, 25), True),    # Friday
    (date(2026, 9, 26), False),   # Saturday
    (date(2026, 9, 27), False),   # Sunday
])
def test_monday_to_friday_are_working_days_and_weekends_are_not(day, working):
    assert is_working_day(day, NO_OVERRIDES) is working


@pytest.mark.parametrize("day, working", [
    (date(2026, 10, 1), False),   # a Thursday holiday
    (date(2026, 10, 5), False),   # a Monday holiday
    (date(2026, 10, 10), True),   # a Saturday worked
    (date(2026, 9, 20), True),    # a Sunday worked
    (date(2026, 10, 11), False),  # an ordinary Sunday stays off
    (date(2026, 10, 8), True),    # an ordinary Thursday stays on
])
def test_the_calendar_overrides_the_weekday(day, working):
    assert is_working_day(day, NATIONAL_DAY) is working


def test_calendar_days_ignore_weekends_and_holidays():
    start = date(2026, 9, 28)
    assert add_days(start, 15, working=False, overrides=NATIONAL_DAY) == date(2026, 10, 13)
    assert add_days(start, 15, working=False, overrides=NO_OVERRIDES) == date(2026, 10, 13)


def test_calendar_days_cross_month_and_year_ends():
    assert add_days(date(2026, 12, 20), 15, working=False, overrides=NO_OVERRIDES) == date(2027, 1, 4)


@pytest.mark.parametrize("working", [False, True])
def test_zero_days_is_the_start_day_itself(working):
    assert add_days(date(2026, 9, 26), 0, working=working, overrides=NO_OVERRIDES) == date(2026, 9, 26)


def test_working_days_skip_the_weekend():
    friday = date(2026, 9, 25)
    assert add_days(friday, 1, working=True, overrides=NO_OVERRIDES) == date(2026, 9, 28)   # Monday
    assert add_days(friday, 5, working=True, overrides=NO_OVERRIDES) == date(2026, 10, 2)   # next Friday
    assert add_days(friday, 6, working=True, overrides=NO_OVERRIDES) == date(2026, 10, 5)   # Monday after


def test_the_start_day_is_not_counted_even_on_a_weekend():
    saturday = date(2026, 9, 26)
    assert add_days(saturday, 1, working=True, overrides=NO_OVERRIDES) == date(2026, 9, 28)


def test_a_holiday_on_a_weekday_is_skipped():
    wednesday = date(2026, 9, 30)
    one_holiday = {date(2026, 10, 1): False}
    assert add_days(wednesday, 1, working=True, overrides=one_holiday) == date(2026, 10, 2)
    assert add_days(wednesday, 1, working=True, overrides=NATIONAL_DAY) == date(2026, 10, 8)


def test_a_make_up_working_saturday_is_counted():
    friday = date(2026, 10, 9)
    assert add_days(friday, 1, working=True, overrides=NO_OVERRIDES) == date(2026, 10, 12)
    assert add_days(friday, 1, working=True, overrides=NATIONAL_DAY) == date(2026, 10, 10)


def test_fifteen_working_days_across_the_national_day_week():
    # Sep 29, 30; Oct 8, 9, 10 (worked Saturday), 12–16, 19–23.
    assert add_days(date(2026, 9, 28), 15, working=True, overrides=NATIONAL_DAY) == date(2026, 10, 23)
    assert add_days(date(2026, 9, 28), 15, working=True, overrides=NO_OVERRIDES) == date(2026, 10, 19)


def test_a_working_day_deadline_always_falls_on_a_working_day():
    start = date(2026, 9, 1)
    for offset in range(60):
        for days in range(1, 25):
            due = add_days(start + timedelta(days=offset), days, working=True, overrides=NATIONAL_DAY)
            assert is_working_day(due, NATIONAL_DAY)


@pytest.mark.parametrize("today, due, left", [
    (date(2026, 9, 28), date(2026, 10, 13), 15),
    (date(2026, 10, 13), date(2026, 10, 13), 0),
    (date(2026, 10, 16), date(2026, 10, 13), -3),
])
def test_days_left_in_calendar_days(today, due, left):
    assert days_left(today, due, working=False, overrides=NATIONAL_DAY) == left


@pytest.mark.parametrize("today, due, left", [
    (date(2026, 9, 25), date(2026, 9, 28), 1),     # Friday → Monday: one working day
    (date(2026, 9, 30), date(2026, 10, 8), 1),     # across the holiday week
    (date(2026, 10, 3), date(2026, 10, 8), 1),     # today is a holiday
    (date(2026, 9, 28), date(2026, 10, 23), 15),
    (date(2026, 10, 8), date(2026, 10, 8), 0),
    (date(2026, 10, 12), date(2026, 10, 9), -2),   # the worked Saturday counts against you
    (date(2026, 10, 8), date(2026, 9, 30), -1),    # overdue across the holiday week: one working day late
])
def test_days_left_in_working_days(today, due, left):
    assert days_left(today, due, working=True, overrides=NATIONAL_DAY) == left


def test_days_left_overdue_across_a_plain_weekend_counts_only_working_days():
    friday, monday = date(2026, 9, 25), date(2026, 9, 28)
    assert days_left(monday, friday, working=True, overrides=NO_OVERRIDES) == -1


def test_days_left_counts_back_what_add_days_counted_forward():
    start = date(2026, 9, 1)
    for offset in range(60):
        day = start + timedelta(days=offset)
        for days in range(0, 25):
            for working in (False, True):
                due = add_days(day, days, working=working, overrides=NATIONAL_DAY)
                assert days_left(day, due, working=working, overrides=NATIONAL_DAY) == days


@pytest.mark.parametrize("left, colour", [
    (None, "grey"),
    (-30, "red"),
    (-1, "red"),
    (0, "yellow"),
    (2, "yellow"),
    (3, "yellow"),     # left = warn_days
    (4, "green"),      # left = warn_days + 1
    (60, "green"),
])
def test_supervision_colours_at_the_boundaries(left, colour):
    assert supervision_colour(left, 3) == colour


def test_with_no_warning_period_only_the_last_day_is_yellow():
    assert supervision_colour(0, 0) == "yellow"
    assert supervision_colour(1, 0) == "green"
    assert supervision_colour(-1, 0) == "red"


def colour_from_bounds(due: date, bounds: tuple[date, date]) -> str:
    red_before, green_from = bounds
    return "red" if due < red_before else "yellow" if due < green_from else "green"


@pytest.mark.parametrize("working", [False, True], ids=["calendar days", "working days"])
@pytest.mark.parametrize("warn", [0, 3])
def test_the_colour_bounds_agree_with_the_colour_of_every_due_date(working, warn):
    """Around a holiday week with make-up Saturdays, for every today and due date within six weeks."""
    overrides = {date(2026, 10, d): False for d in range(1, 8)} | {date(2026, 9, 27): True, date(2026, 10, 10): True}
    start = date(2026, 9, 20)
    for offset in range(35):
        today = start + timedelta(days=offset)
        bounds = colour_bounds(today, warn, working=working, overrides=overrides)
        for shift in range(-12, 20):
            due = today + timedelta(days=shift)
            left = days_left(today, due, working=working, overrides=overrides)
            assert colour_from_bounds(due, bounds) == supervision_colour(left, warn), (today, due)

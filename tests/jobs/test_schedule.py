"""The pure scheduling rules: cron slots in the site's time zone, the catch-up window, slot names, back-off."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.jobs import schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_latest_slot_is_read_on_the_citys_clock():
    now = datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)
    assert schedule.latest_slot("30 2 * * *", now) == datetime(2026, 12, 8, 2, 30, tzinfo=SHANGHAI)
    assert schedule.latest_slot("30 2 * * *", datetime(2026, 12, 8, 2, 29, tzinfo=SHANGHAI)) == datetime(
        2026, 12, 7, 2, 30, tzinfo=SHANGHAI)


def test_a_slot_at_this_very_minute_counts():
    now = datetime(2026, 12, 8, 2, 30, tzinfo=SHANGHAI)
    assert schedule.latest_slot("30 2 * * *", now) == now


def test_a_slot_older_than_the_catch_up_window_is_not_run():
    now = datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)
    assert schedule.due_slot("30 2 * * *", now, timedelta(hours=24)) is not None
    assert schedule.due_slot("30 2 * * *", now, timedelta(hours=6)) is None


def test_slot_names_are_in_utc_to_the_minute():
    slot = datetime(2026, 12, 8, 2, 30, tzinfo=SHANGHAI)
    assert schedule.slot_key("surveys.retention", slot) == "cron:surveys.retention@2026-12-07T18:30"
    assert schedule.slot_key("x", slot) == schedule.slot_key("x", slot.astimezone(timezone.utc))


@pytest.mark.parametrize("expression", ["", "61 * * * *", "* * * *", "every day", "0 0 * * * *"])
def test_bad_cron_strings_are_refused(expression):
    with pytest.raises(schedule.CronError):
        schedule.check_cron(expression)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        schedule.latest_slot("0 * * * *", datetime(2026, 12, 8, 10, 0))


def test_backoff_repeats_its_last_delay():
    delays = schedule.parse_backoff("30, 300")
    assert delays == [30, 300]
    assert [schedule.retry_delay(delays, attempt) for attempt in (1, 2, 3, 7)] == [30, 300, 300, 300]
    assert schedule.parse_backoff("") == [0]
    assert schedule.parse_backoff("x,5") == [0, 5]

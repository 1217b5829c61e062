"""When scheduled duties are due and how long a failed job waits before its next run; pure (croniter only).

A duty's run is named by its kind and the cron slot it belongs to (`cron:surveys.retention@2026-12-08T18:30`),
and the jobs table holds that name under a unique constraint: however many schedulers look (one per worker
machine, or a cron line calling `flask jobs-run-due` on each app server), a slot becomes one job.
"""
from datetime import datetime, timedelta, timezone

from croniter import croniter


class CronError(ValueError):
    """A cron string croniter does not read (five fields: minute hour day month weekday)."""


def check_cron(expression: str) -> None:
    """Refuse a cron string that is not five valid fields."""
    if len(expression.split()) != 5 or not croniter.is_valid(expression):
        raise CronError(f"not a five-field cron string: {expression!r}")


def latest_slot(expression: str, now: datetime) -> datetime:
    """The most recent time at or before `now` that the cron string names, in `now`'s time zone (the site's, so
    that "30 2 * * *" is half past two on the city's clock)."""
    check_cron(expression)
    if now.tzinfo is None:
        raise ValueError("a naive datetime: give the site's time zone")
    # croniter's get_prev is strictly before its start: start a second later so a slot at `now` itself counts.
    previous: datetime = croniter(expression, now + timedelta(seconds=1)).get_prev(datetime)
    return previous


def due_slot(expression: str, now: datetime, catch_up: timedelta) -> datetime | None:
    """The slot to run now: the latest one, unless it is older than `catch_up` (a scheduler down for days does
    not run what it missed long ago)."""
    slot = latest_slot(expression, now)
    return slot if now - slot <= catch_up else None


def slot_key(kind: str, slot: datetime) -> str:
    """The unique name of one scheduled run: the kind and the slot in UTC to the minute."""
    return f"cron:{kind}@{slot.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M')}"


def parse_backoff(setting: str) -> list[int]:
    """Seconds before each retry from "30,300" (the last value repeats); empty or bad entries count as 0."""
    delays = []
    for part in setting.split(","):
        part = part.strip()
        delays.append(int(part) if part.isascii() and part.isdigit() else 0)
    return delays or [0]


def retry_delay(delays: list[int], attempt: int) -> int:
    """Seconds to wait after failed run number `attempt` (1-based) before the next one."""
    if not delays:
        return 0
    return delays[min(max(attempt, 1), len(delays)) - 1]

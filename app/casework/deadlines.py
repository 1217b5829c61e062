"""Deadline rules of a tracked case: days counted on the holiday calendar (working or calendar days) from the
city's date, not UTC's (8 hours apart in the early morning)."""
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.workdays.days import add_days, days_left


@dataclass
class DeadlineRules:
    """The calendar a domain's deadlines run on; domains subclass it with their own numbers of days."""

    working_days: bool = False
    overrides: dict[date, bool] = field(default_factory=dict)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))

    def due(self, start: date, days: int) -> date:
        """The last day of a period of `days` starting after `start`."""
        return add_days(start, days, working=self.working_days, overrides=self.overrides)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def passed(self, due: date | None, now: datetime) -> bool:
        """True once the whole due day is over in the city."""
        return due is not None and self.local_date(now) > due

    def days_between(self, start: date, end: date) -> int:
        """Days from start to end on this calendar (negative when end is earlier)."""
        return days_left(start, end, working=self.working_days, overrides=self.overrides)

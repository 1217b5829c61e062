"""The disclosure catalogue (主动公开目录): when each item is due and whether it was published on time. Pure code.

Two kinds of item:
- monthly: due by day N of every month (e.g. the air-quality bulletin by the 15th). Each publication says which
  month's occurrence it is (the notice's period, "2026-10"; by default the month of its date created) and is
  matched to that month only, so a missed month never shifts the months after it: January missing and
  February–April published on the 10th, due the 15th, is 3 on time of 4 due. Of several publications for one
  month the earliest counts; one for a month outside the item's range counts for none.
- event: each notice of the item is an occurrence, due within N working days of its date created (生成日期),
  as the Government Information Disclosure Regulation asks of proactive disclosure (art. 26: 20 working days).
"""
import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from flask_babel import lazy_gettext as _l

from app.enums import TitledEnum
from app.workdays.days import add_days, days_left, supervision_colour


class Schedule(TitledEnum):
    MONTHLY = "monthly", _l("Every month, by a day of the month")
    EVENT = "event", _l("Within working days of the date created")


class Status(TitledEnum):
    ON_TIME = "on_time", _l("Published on time")
    LATE = "late", _l("Published late")
    MISSING = "missing", _l("Overdue, not published")    # due date passed, nothing published
    UPCOMING = "upcoming", _l("Not yet due")             # not yet due, nothing published


@dataclass(frozen=True)
class Occurrence:
    label: str               # "2026-10" for a monthly item, the notice's title for an event item
    due: date
    published_on: date | None
    status: Status
    days_left: int | None    # for unpublished occurrences: days until due (negative when overdue)
    colour: str              # 三色督办: green / yellow / red (grey when nothing is running)

    @property
    def counts_as_due(self) -> bool:
        """In the disclosure rate's denominator: the due date has passed, or it was already published."""
        return self.status != Status.UPCOMING


def month_due(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def months(start: date, end: date) -> list[tuple[int, int]]:
    """Every (year, month) from start's month through end's month."""
    result, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _unpublished(label: str, due: date, today: date, warn_days: int, working: bool,
                 overrides: Mapping[date, bool]) -> Occurrence:
    left = days_left(today, due, working=working, overrides=overrides)
    status = Status.MISSING if today > due else Status.UPCOMING
    return Occurrence(label, due, None, status, left, supervision_colour(left, warn_days))


def _published(label: str, due: date, published_on: date) -> Occurrence:
    on_time = published_on <= due
    return Occurrence(label, due, published_on, Status.ON_TIME if on_time else Status.LATE, None,
                      "green" if on_time else "red")


# A publication of a monthly item: (the period it is for, "YYYY-MM", date published), or just the date, which
# is then taken to be for the month it falls in.
Publication = tuple[str, date] | date


def period_label(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def monthly(start: date, today: date, due_day: int, publications: list[Publication], *, warn_days: int = 3,
            overrides: Mapping[date, bool] | None = None) -> list[Occurrence]:
    """Occurrences from start's month through next month, each matched to the publication for that month."""
    overrides = overrides or {}
    first: dict[str, date] = {}
    for publication in publications:
        label, published_on = (publication if isinstance(publication, tuple)
                               else (period_label(publication.year, publication.month), publication))
        if label not in first or published_on < first[label]:
            first[label] = published_on
    end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    result = []
    for year, month in months(start, end):
        due, label = month_due(year, month, due_day), period_label(year, month)
        if label in first:
            result.append(_published(label, due, first[label]))
        else:
            result.append(_unpublished(label, due, today, warn_days, False, overrides))
    return result


def event(label: str, created_on: date, published_on: date | None, today: date, working_days: int, *,
          warn_days: int = 3, overrides: Mapping[date, bool] | None = None) -> Occurrence:
    """One notice of an event item: due within working_days working days of its date created."""
    overrides = overrides or {}
    due = add_days(created_on, working_days, working=True, overrides=overrides)
    if published_on is not None:
        return _published(label, due, published_on)
    return _unpublished(label, due, today, warn_days, True, overrides)


def disclosure_rate(occurrences: list[Occurrence]) -> tuple[int, int]:
    """(published on time, due): the information-disclosure rate is their quotient."""
    due = [o for o in occurrences if o.counts_as_due]
    return sum(o.status == Status.ON_TIME for o in due), len(due)

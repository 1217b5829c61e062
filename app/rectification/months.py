"""The months the rectification ledger reports by ("2026-11"): reading one, its first and last days, the month of a
day. Pure code."""
import re
from calendar import monthrange
from datetime import date

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
FIRST_YEAR = 2000  # no inspection feedback list is older; an earlier year is a typing mistake


def parse_month(text: str | None) -> str | None:
    """The month written as YYYY-MM (surrounding blanks ignored), or None for anything else."""
    match = _MONTH.fullmatch((text or "").strip())
    if match is None or int(match[1]) < FIRST_YEAR:
        return None
    return match[0]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1)


def last_day(month: str) -> date:
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, monthrange(year, number)[1])


def previous_month(month: str) -> str:
    start = first_day(month)
    return f"{start.year - 1:04d}-12" if start.month == 1 else f"{start.year:04d}-{start.month - 1:02d}"

"""Reading a holiday schedule file (the State Council's yearly notice as `date,kind,name` rows). Pure code.

`kind` is `holiday` (a day off in a block the notice lists) or `workday` (a make-up working day, 调休上班,
always a Saturday or Sunday). Every row is checked; a file with any bad row yields only errors.
"""
import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

from flask_babel import gettext as _

OFFICIAL_FILE = Path(__file__).parent / "data" / "holidays-cn.csv"
KINDS = {"holiday": False, "workday": True, "休": False, "班": True}
MAX_ROWS = 2000
MAX_NAME = 100


@dataclass(frozen=True)
class ScheduleDay:
    day: date
    is_working_day: bool
    name: str


class ScheduleError(Exception):
    """The file cannot be used; `errors` are messages for the user, one per bad row or problem."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def parse(data: bytes) -> list[ScheduleDay]:
    """The days of a UTF-8 CSV file with the columns date, kind, name (a header row; a BOM is allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScheduleError([_("The file is not UTF-8 text: save it as CSV (UTF-8).")]) from error
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ScheduleError([_("The file is empty.")])
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:3] != ["date", "kind", "name"]:
        raise ScheduleError([_("The first row must be the header: date,kind,name.")])
    if len(rows) - 1 > MAX_ROWS:
        raise ScheduleError([_("The file has more than %(n)d rows.", n=MAX_ROWS)])
    days: list[ScheduleDay] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row] + ["", "", ""]
        raw_day, raw_kind, name = cells[:3]
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            errors.append(_("Line %(line)d: “%(value)s” is not a date written as YYYY-MM-DD.", line=line,
                            value=raw_day[:20]))
            continue
        if raw_kind.lower() not in KINDS and raw_kind not in KINDS:
            errors.append(_("Line %(line)d: the kind must be “holiday” or “workday”, not “%(value)s”.", line=line,
                            value=raw_kind[:20]))
            continue
        working = cast(bool, KINDS.get(raw_kind.lower(), KINDS.get(raw_kind)))  # one of KINDS, checked above
        if not name:
            errors.append(_("Line %(line)d: give the holiday's name, e.g. 国庆节.", line=line))
            continue
        if len(name) > MAX_NAME:
            errors.append(_("Line %(line)d: the name is longer than %(n)d characters.", line=line, n=MAX_NAME))
            continue
        if working and day.weekday() < 5:
            # A make-up working day replaces a weekend day; a weekday is a working day anyway.
            errors.append(_("Line %(line)d: %(day)s is a weekday; a make-up working day is a Saturday or Sunday.",
                            line=line, day=day.isoformat()))
            continue
        if day in seen:
            errors.append(_("Line %(line)d: %(day)s is already on line %(first)d.", line=line, day=day.isoformat(),
                            first=seen[day]))
            continue
        seen[day] = line
        days.append(ScheduleDay(day, working, name))
    if errors:
        raise ScheduleError(errors)
    if not days:
        raise ScheduleError([_("The file has no days.")])
    return days


def official() -> list[ScheduleDay]:
    """The schedule shipped with the platform (the State Council notices for 2021–2026, see holidays-cn.md)."""
    return parse(OFFICIAL_FILE.read_bytes())

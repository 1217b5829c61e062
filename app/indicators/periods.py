"""Reporting periods: a year ("2025"), a quarter ("2025-Q3") or a month ("2025-07"). Pure logic."""
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


class PeriodError(ValueError):
    """Text that is not a period, or a period that has not started yet."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int | None = None
    month: int | None = None

    def __str__(self) -> str:
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        if self.month:
            return f"{self.year}-{self.month:02d}"
        return str(self.year)

    @property
    def start(self) -> date:
        month = self.month or ((self.quarter - 1) * 3 + 1 if self.quarter else 1)
        return date(self.year, month, 1)

    def year_before(self) -> "Period":
        """The same period one year earlier (同比): what trend targets are judged against. A quarter or a month
        is compared with the same quarter or month of the previous year, never with the one just before, so
        that seasonal swings (winter air quality, summer water levels) do not read as trends."""
        return Period(self.year - 1, self.quarter, self.month)

    def previous(self) -> "Period":
        """The period just before, of the same kind (for "what changed since" lists, not for trends)."""
        if self.quarter:
            return Period(self.year - 1, 4) if self.quarter == 1 else Period(self.year, self.quarter - 1)
        if self.month:
            return Period(self.year - 1, month=12) if self.month == 1 else Period(self.year, month=self.month - 1)
        return Period(self.year - 1)


def parse_period(text: str, *, today: date | None = None) -> Period:
    """Read a period; refuses malformed text and periods that start after today."""
    match = _PATTERN.match((text or "").strip())
    if not match:
        raise PeriodError(f"not a period: {text!r}")
    period = Period(int(match["year"]), int(match["quarter"]) if match["quarter"] else None,
                    int(match["month"]) if match["month"] else None)
    if period.year < 2000:
        raise PeriodError(f"period too early: {text!r}")
    if today is not None and period.start > today:
        raise PeriodError(f"period in the future: {text!r}")
    return period


@dataclass(frozen=True)
class Coverage:
    """How much of a period is reported: indicators with an approved value at the city, of those that apply."""

    period: str
    reported: int
    applicable: int

    @property
    def substantial(self) -> bool:
        """At least half of the indicators that apply to the city have an approved value (one marked not
        applicable with a reason counts as reported); a catalogue with nothing applicable never is."""
        return self.applicable > 0 and 2 * self.reported >= self.applicable


def default_period(coverage: list[Coverage]) -> Coverage | None:
    """The period the public pages and the API open on when none is asked for.

    coverage: every period with an approved value, newest first. The newest *substantially reported*
    period wins (see Coverage.substantial), so that one early value of the current year (a computed rate
    recorded in January) does not open the pages on a year where nearly everything awaits assessment.
    When no period is substantially reported, the newest period with any approved value; None without any.
    """
    return next((c for c in coverage if c.substantial), coverage[0] if coverage else None)

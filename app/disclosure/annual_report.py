"""The yearly government information disclosure work report (政府信息公开工作年度报告), from the data: notices
published, corrected and withdrawn by category, the disclosure catalogue's deadlines, and the requests."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.disclosure.queries import AnnualFigures, annual_figures
from app.notices import queries as notice_queries
from app.notices.catalogue import Status
from app.notices.models import Notice, NoticeCategory, NoticeRevision
from app.notices.workflow import NoticeState


@dataclass
class CategoryRow:
    category: NoticeCategory
    published: int = 0
    corrected: int = 0
    withdrawn: int = 0


@dataclass
class CatalogueFigures:
    """Occurrences of the disclosure catalogue's items that fell due in the year."""

    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass
class AnnualReport:
    year: int
    categories: list[CategoryRow]
    catalogue: CatalogueFigures
    requests: AnnualFigures
    complete: bool  # False while the year is still running
    totals: CategoryRow = field(init=False)

    def __post_init__(self):
        self.totals = CategoryRow(None, sum(r.published for r in self.categories),
                                  sum(r.corrected for r in self.categories), sum(r.withdrawn for r in self.categories))


def _year_in_utc(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The city's calendar year as UTC instants: notices published on 1 January at 00:30 Beijing time belong
    to that year although it is still 31 December in UTC."""
    return tuple(datetime(y, 1, 1, tzinfo=zone).astimezone(timezone.utc) for y in (year, year + 1))


def _count_by_category(session, column, start, end, now, *extra) -> dict[int, int]:
    statement = select(Notice.category_id, func.count(Notice.id)).where(column >= start, column < end, column <= now,
                                                                        *extra)
    return dict(session.execute(statement.group_by(Notice.category_id)).all())


def annual_report(session, year: int, *, now: datetime, today: date, zone: ZoneInfo, overrides) -> AnnualReport:
    start, end = _year_in_utc(year, zone)
    published = _count_by_category(session, Notice.published_at, start, end, now,
                                   Notice.state.in_([NoticeState.PUBLISHED.value, NoticeState.WITHDRAWN.value]))
    withdrawn = _count_by_category(session, Notice.withdrawn_at, start, end, now)
    corrected = dict(session.execute(
        select(Notice.category_id, func.count(NoticeRevision.id)).join(Notice, NoticeRevision.notice_id == Notice.id)
        .where(NoticeRevision.at >= start, NoticeRevision.at < end).group_by(Notice.category_id)).all())
    used = set(published) | set(withdrawn) | set(corrected)
    rows = [CategoryRow(c, published.get(c.id, 0), corrected.get(c.id, 0), withdrawn.get(c.id, 0))
            for c in notice_queries.categories(session, active_only=False) if c.active or c.id in used]

    catalogue = CatalogueFigures()
    items = notice_queries.disclosure_items(session, active_only=False)
    for status in notice_queries.catalogue_status(session, items, now, today, overrides=overrides):
        for occurrence in status.occurrences:
            if occurrence.due.year != year or occurrence.status == Status.UPCOMING:
                continue
            catalogue.on_time += occurrence.status == Status.ON_TIME
            catalogue.late += occurrence.status == Status.LATE
            catalogue.missing += occurrence.status == Status.MISSING
    return AnnualReport(year, rows, catalogue, annual_figures(session, year, overrides=overrides),
                        complete=today.year > year)

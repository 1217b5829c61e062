"""The yearly government information disclosure work report (政府信息公开工作年度报告), from the data: notices
published, corrected and withdrawn by category, the disclosure catalogue's deadlines, the requests in the
template's table 三 and the reviews and lawsuits in its table 四 (国办公开办函〔2021〕30号)."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.disclosure import report_template as template
from app.disclosure.models import DisclosureAppeal, DisclosureRequest
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
class ApplicationTable:
    """Table 三: {row key: {column: count}} for the template's 25 rows and 7 columns, and table 四:
    {AppealKind: {AppealResult or "total": count}}."""

    cells: dict
    appeals: dict
    unclassified: int = 0  # answers given before outcomes were recorded, counted under （六）3 其他

    def row(self, key) -> list[int]:
        return [self.cells[key][column] for column in template.COLUMNS]

    def appeal_row(self) -> list[int]:
        return [self.appeals[kind][result] for kind in template.AppealKind
                for result in [*template.AppealResult, template.TOTAL_COLUMN]]

    @property
    def problems(self) -> list[str]:
        return template.balance_problems(self.cells, self.appeals)


@dataclass
class AnnualReport:
    year: int
    categories: list[CategoryRow]
    catalogue: CatalogueFigures
    requests: AnnualFigures
    complete: bool  # False while the year is still running
    table: ApplicationTable | None = None
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
                        complete=today.year > year, table=application_table(session, year))


def _open_on(request: DisclosureRequest, day: date) -> bool:
    """Received before day and not yet finished at its start: carried over into day's year."""
    return request.received_on < day and (request.finished_on is None or request.finished_on >= day)


def application_table(session, year: int) -> ApplicationTable:
    """Table 三 and table 四 of the year, in the city's calendar. A request counts as new in the year it was
    received, as carried over into a year it was still open at the start of, and in one result row in the
    year it ended (answered, redirected, abandoned, withdrawn); so 一 + 二 = （七）总计 + 四 holds by
    construction. A review or lawsuit counts in the year it was filed, with its result if decided by the end
    of that year, else as 尚未审结."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    keys = [key for *_labels, key in template.table3_rows()]
    cells = {key: dict.fromkeys(template.COLUMNS, 0) for key in keys}
    unclassified = 0

    def add(key, column):
        cells[key][column] += 1
        cells[key][template.TOTAL_COLUMN] += 1

    for request in session.scalars(select(DisclosureRequest).where(DisclosureRequest.received_on < end)):
        column = (template.CITIZEN_COLUMN if not request.is_organisation
                  else request.organisation_kind or template.OrganisationKind.OTHER)
        if request.received_on >= start:
            add(template.ROW_NEW, column)
        if _open_on(request, start):
            add(template.ROW_CARRIED_IN, column)
        if _open_on(request, end):
            add(template.ROW_CARRIED_OUT, column)
        if request.finished_on is not None and start <= request.finished_on < end:
            outcome = template.finished_outcome(request.state, request.reply_type, request.partial,
                                                request.outcome, request.answered_on is not None)
            if outcome is None:
                outcome, unclassified = template.Outcome.OTHER, unclassified + 1
            add(outcome, column)
            add(template.ROW_TOTAL, column)

    appeals = {kind: dict.fromkeys([*template.AppealResult, template.TOTAL_COLUMN], 0)
               for kind in template.AppealKind}
    filed = select(DisclosureAppeal).where(DisclosureAppeal.filed_on >= start, DisclosureAppeal.filed_on < end)
    for appeal in session.scalars(filed):
        concluded = appeal.decided_on is not None and appeal.decided_on < end
        result = appeal.result if concluded else template.AppealResult.PENDING
        appeals[appeal.kind][result] += 1
        appeals[appeal.kind][template.TOTAL_COLUMN] += 1
    return ApplicationTable(cells, appeals, unclassified)

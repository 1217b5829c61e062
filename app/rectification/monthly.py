"""The office's monthly report on the ledger (整改进展月报): for each lead unit and each district, the tasks, how
many are done (and closed), on schedule, behind and long-term, and the progress reports due in the month, received
for it and overdue; as a page and as an editable Word document.

Counted by the database: one GROUP BY per table over the task columns the status conditions read, joined to the
month's live reports (at most one per task, by the partial unique index), so the cost does not grow with Python
loops over the ledger. The statuses are those of the ledger as it stands (state, last accepted report), judged
against the deadlines on the month's last day (today, for the running month)."""
import io
from dataclasses import dataclass
from datetime import date, timedelta

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, not_, select

from app.org.models import Bureau, Place
from app.rectification.models import InspectionRound, ProgressReport, ReportState
from app.rectification.models import RectificationTask as Task
from app.rectification.months import first_day, last_day
from app.rectification.queries import status_condition
from app.rectification.workflow import RECTIFYING, Status, TaskState
from app.web.text import xml_safe

COUNTS = ("tasks", "done", "closed", "on_schedule", "behind", "long_term", "reports_due", "reports_received",
          "reports_overdue")


@dataclass(frozen=True)
class Line:
    """One unit's or district's figures (or the total's)."""

    name: str
    tasks: int = 0
    done: int = 0
    closed: int = 0
    on_schedule: int = 0
    behind: int = 0
    long_term: int = 0
    reports_due: int = 0
    reports_received: int = 0
    reports_overdue: int = 0

    def counts(self) -> list[int]:
        return [getattr(self, name) for name in COUNTS]


def total(name: str, lines: list[Line]) -> Line:
    """The lines added up."""
    return Line(name, *(sum(getattr(line, count) for line in lines) for count in COUNTS))


def lines(rows, names: dict[int, str], order: list[int]) -> list[Line]:
    """Grouped rows (key, *COUNTS) as lines, named and in the given order of keys (unknown keys last)."""
    rank = {key: index for index, key in enumerate(order)}
    by_key = {row[0]: row[1:] for row in rows}
    keys = sorted(by_key, key=lambda key: (rank.get(key, len(rank)), key))
    return [Line(names.get(key, str(key)), *(int(value or 0) for value in by_key[key])) for key in keys]


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    as_of: date            # the day deadlines are judged on: the month's last day, or today in the running month
    overdue_before: date   # a report due before this day and not received counts as overdue
    round: InspectionRound | None
    by_unit: list[Line]
    by_district: list[Line]
    total: Line

    @property
    def running(self) -> bool:
        return self.as_of < last_day(self.month)


def _figures(month: str, as_of: date, overdue_before: date):
    """The SUM(CASE …) columns of COUNTS over tasks outer-joined to the month's live reports (`live`)."""
    live = (select(ProgressReport.task_id.label("task_id")).where(ProgressReport.period == month,
                                                                  ProgressReport.state != ReportState.RETURNED)
            .subquery("live"))
    received = live.c.task_id.is_not(None)
    rectifying = Task.state.in_(sorted(RECTIFYING))
    due_in_month = and_(rectifying, Task.next_report_due.is_not(None), Task.next_report_due >= first_day(month),
                        Task.next_report_due <= last_day(month))
    conditions = [
        status_condition(Status.DONE, as_of), Task.state == TaskState.CLOSED,
        status_condition(Status.ON_SCHEDULE, as_of), status_condition(Status.BEHIND, as_of),
        status_condition(Status.LONG_TERM, as_of),
        # Due in the month: the report the ledger expects by the month's end, or already sent for the month
        # (an accepted report moves the task's next due date on to a later month).
        received | due_in_month,
        received,
        # Overdue: the due date passed without a report for the month, nor one awaiting the office's review.
        and_(not_(received), rectifying, Task.next_report_due.is_not(None), Task.next_report_due < overdue_before,
             not_(exists().where(ProgressReport.task_id == Task.id, ProgressReport.state == ReportState.SUBMITTED))),
    ]
    columns = [func.count(Task.id)] + [func.coalesce(func.sum(case((condition, 1), else_=0)), 0)
                                       for condition in conditions]
    return columns, live


def _grouped(session, key, month: str, as_of: date, overdue_before: date, round_id: int | None):
    columns, live = _figures(month, as_of, overdue_before)
    statement = select(key, *columns).select_from(Task).outerjoin(live, live.c.task_id == Task.id)
    if round_id:
        statement = statement.where(Task.round_id == round_id)
    return session.execute(statement.group_by(key)).all()


def build(session, month: str, today: date, round_id: int | None = None) -> MonthlyReport:
    """The month's figures by lead unit and by district (every task line, sub-tasks included), optionally of one
    inspection round."""
    as_of = min(today, last_day(month))
    overdue_before = min(today, last_day(month) + timedelta(days=1))
    units = _grouped(session, Task.lead_bureau_id, month, as_of, overdue_before, round_id)
    districts = _grouped(session, Task.place_id, month, as_of, overdue_before, round_id)
    bureaus = list(session.scalars(select(Bureau).where(Bureau.id.in_([row[0] for row in units]))
                                   .order_by(Bureau.code)))
    places = list(session.scalars(select(Place).where(Place.id.in_([row[0] for row in districts]))
                                  .order_by(Place.sort_order, Place.code)))
    by_unit = lines(units, {b.id: b.name for b in bureaus}, [b.id for b in bureaus])
    by_district = lines(districts, {p.id: p.name for p in places}, [p.id for p in places])
    return MonthlyReport(month=month, as_of=as_of, overdue_before=overdue_before,
                         round=session.get(InspectionRound, round_id) if round_id else None,
                         by_unit=by_unit, by_district=by_district, total=total(_("Total"), by_unit))


def headers() -> list[str]:
    """The column titles, in the order of COUNTS after the name."""
    return [_("Tasks"), _("Done"), _("of which closed"), _("On schedule"), _("Behind schedule"),
            _("Long-term"), _("Reports due in the month"), _("Reports received for the month"),
            _("Reports overdue")]


def summary(report: MonthlyReport) -> str:
    """The report's opening sentence: the totals as bulletins give them."""
    whole = report.total
    return _("%(tasks)d tasks: %(done)d done (%(closed)d closed), %(on_schedule)d on schedule, %(behind)d behind "
             "schedule, %(long_term)d long-term. Progress reports: %(due)d due in the month, %(received)d "
             "received, %(overdue)d overdue.", tasks=whole.tasks, done=whole.done, closed=whole.closed,
             on_schedule=whole.on_schedule, behind=whole.behind, long_term=whole.long_term, due=whole.reports_due,
             received=whole.reports_received, overdue=whole.reports_overdue)


def basis(report: MonthlyReport) -> str:
    """How the figures are counted, said under them."""
    return _("Statuses as the ledger stands (each task's state and last accepted report), deadlines judged on "
             "%(day)s; a report is overdue when its due date passed before %(before)s with no report for the month "
             "received and none awaiting review.", day=format_date(report.as_of),
             before=format_date(report.overdue_before))


def title(report: MonthlyReport) -> str:
    if report.round is not None:
        return _("Rectification progress in %(month)s: %(round)s", month=report.month, round=report.round.title)
    return _("Rectification progress in %(month)s", month=report.month)


def _t(value) -> str:
    return xml_safe(str(value))


def _table(document, first: str, rows: list[Line], whole: Line) -> None:
    table = document.add_table(rows=1, cols=1 + len(COUNTS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, [first, *headers()]):
        cell.text = _t(text)
    for line in [*rows, whole]:
        for cell, text in zip(table.add_row().cells, [line.name, *map(str, line.counts())]):
            cell.text = _t(text)


def docx(report: MonthlyReport) -> bytes:
    """The monthly report as an editable Word document (A4 landscape for its ten columns)."""
    document = Document()
    page = document.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE  # ten columns
    page.page_width, page.page_height = Mm(297), Mm(210)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Mm(28), Mm(26), Mm(37), Mm(35)
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(_t(title(report)), level=0)
    if report.running:
        document.add_paragraph(_t(_("The month has not ended: figures as of %(day)s.",
                                    day=format_date(report.as_of))))
    document.add_paragraph(_t(summary(report)))
    document.add_heading(_t(_("By lead unit")), level=1)
    _table(document, _("Lead unit"), report.by_unit, report.total)
    document.add_heading(_t(_("By district")), level=1)
    _table(document, _("District"), report.by_district, total(_("Total"), report.by_district))
    document.add_paragraph(_t(basis(report)))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


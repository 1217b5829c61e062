"""What a task counts as in the public ledger (done / on schedule / behind / long-term) and its supervision colour
(三色督办), from its state, the last accepted progress report and its deadline. Pure code: the same verdicts as SQL
conditions are in queries.py (`status_condition`, `colour_condition`), tested to agree."""
from datetime import date, timedelta

from app.rectification.workflow import RECTIFYING, Progress, Status, TaskState

# Progress grades that mean the rectification itself is complete (整改完成), before or without closure.
COMPLETED = frozenset({Progress.DONE, Progress.BASICALLY_DONE})


def task_status(state: TaskState, progress: Progress | None, due_on: date | None, long_term: bool,
                today: date) -> Status:
    """Done: closed, in the closure procedure, or reported complete. Long-term: 长期坚持 and reported as kept up,
    or long-term without a date. Behind: the deadline has passed or the last report says so. Else on schedule."""
    if state not in RECTIFYING or progress in COMPLETED:
        return Status.DONE
    if progress is Progress.LONG_TERM or (long_term and due_on is None):
        return Status.LONG_TERM
    if progress is Progress.BEHIND or (due_on is not None and due_on < today):
        return Status.BEHIND
    return Status.ON_SCHEDULE


def supervision_colour(state: TaskState, progress: Progress | None, due_on: date | None,
                       next_report_due: date | None, today: date, warn_days: int) -> str:
    """Red: a rectifying task past its deadline (unless reported complete or long-term) or whose progress report
    is overdue. Yellow: the deadline or the next report is due within `warn_days`, or the last report says
    behind. Green: on track. Grey: not rectifying (closure procedure, closed)."""
    if state not in RECTIFYING:
        return "grey"
    finished = progress in COMPLETED or progress is Progress.LONG_TERM
    warn_from = today + timedelta(days=warn_days)
    if (not finished and due_on is not None and due_on < today) or (
            next_report_due is not None and next_report_due < today):
        return "red"
    if (progress is Progress.BEHIND or (not finished and due_on is not None and due_on <= warn_from)
            or (next_report_due is not None and next_report_due <= warn_from)):
        return "yellow"
    return "green"


def next_report_due(period_end: date, interval_months: int) -> date:
    """The day the next report is due: the last day of the period `interval_months` after the one reported."""
    year, month = period_end.year, period_end.month + interval_months
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)

"""Reads of the rectification ledger. The status and colour conditions give the same verdicts as status.py, as SQL
that reads the task's indexed columns, so that counts never load the tasks."""
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, false, not_, or_

from app.rectification.models import RectificationTask as Task
from app.rectification.status import COMPLETED
from app.rectification.workflow import RECTIFYING, Progress, Status

_FINISHED = tuple(COMPLETED | {Progress.LONG_TERM})


# Every condition below is NULL-safe (a NULL comparison is guarded to false), so that NOT of it is its complement.
def _rectifying() -> ColumnElement[bool]:
    return Task.state.in_(sorted(RECTIFYING))


def _progress_in(*grades: Progress) -> ColumnElement[bool]:
    return and_(Task.progress.is_not(None), Task.progress.in_(sorted(grades)))


def _before(column, day: date) -> ColumnElement[bool]:
    return and_(column.is_not(None), column < day)


def _reported_complete() -> ColumnElement[bool]:
    return _progress_in(*COMPLETED)


def status_condition(status: Status, today: date) -> ColumnElement[bool]:
    """Tasks of one status on `today` (status.task_status as SQL)."""
    done = or_(not_(_rectifying()), _reported_complete())
    long_term = and_(not_(done), or_(_progress_in(Progress.LONG_TERM),
                                     and_(Task.long_term.is_(True), Task.due_on.is_(None))))
    behind = and_(not_(done), not_(long_term), or_(_progress_in(Progress.BEHIND), _before(Task.due_on, today)))
    if status is Status.DONE:
        return done
    if status is Status.LONG_TERM:
        return long_term
    if status is Status.BEHIND:
        return behind
    return and_(not_(done), not_(long_term), not_(behind))


def colour_condition(colour: str, today: date, warn_days: int) -> ColumnElement[bool]:
    """Tasks of one supervision colour on `today` (status.supervision_colour as SQL)."""
    unfinished = not_(_progress_in(*_FINISHED))
    warn_after = today + timedelta(days=warn_days + 1)
    red = and_(_rectifying(), or_(and_(unfinished, _before(Task.due_on, today)),
                                  _before(Task.next_report_due, today)))
    yellow = and_(_rectifying(), not_(red), or_(_progress_in(Progress.BEHIND),
                                                and_(unfinished, _before(Task.due_on, warn_after)),
                                                _before(Task.next_report_due, warn_after)))
    if colour == "red":
        return red
    if colour == "yellow":
        return yellow
    if colour == "green":
        return and_(_rectifying(), not_(red), not_(yellow))
    if colour == "grey":
        return not_(_rectifying())
    return false()

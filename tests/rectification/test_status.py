"""A task's public status and supervision colour: the pure verdicts, and the SQL conditions that count them agree
with them on every combination of state, progress, deadline and report due date."""
import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.rectification.models import RectificationTask
from app.rectification.queries import colour_condition, status_condition
from app.rectification.status import next_report_due, supervision_colour, task_status
from app.rectification.workflow import Progress, Status, TaskState

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(("state", "progress", "due_on", "long_term", "expected"), [
    (TaskState.CLOSED, None, date(2026, 1, 1), False, Status.DONE),
    (TaskState.IN_NOTICE, Progress.ON_SCHEDULE, date(2026, 1, 1), False, Status.DONE),
    (TaskState.IN_PROGRESS, Progress.DONE, date(2026, 1, 1), False, Status.DONE),
    (TaskState.REOPENED, Progress.BASICALLY_DONE, None, False, Status.DONE),
    (TaskState.IN_PROGRESS, None, None, True, Status.LONG_TERM),
    (TaskState.IN_PROGRESS, Progress.LONG_TERM, date(2026, 1, 1), False, Status.LONG_TERM),
    (TaskState.IN_PROGRESS, None, date(2026, 12, 6), False, Status.BEHIND),
    (TaskState.IN_PROGRESS, Progress.BEHIND, date(2027, 12, 31), False, Status.BEHIND),
    (TaskState.IN_PROGRESS, None, date(2026, 12, 7), False, Status.ON_SCHEDULE),  # the due day itself counts
    (TaskState.REOPENED, Progress.ON_SCHEDULE, None, False, Status.ON_SCHEDULE),
])
def test_task_status(state, progress, due_on, long_term, expected):
    assert task_status(state, progress, due_on, long_term, TODAY) is expected


@pytest.mark.parametrize(("state", "progress", "due_on", "report_due", "expected"), [
    (TaskState.CLOSED, None, date(2026, 1, 1), None, "grey"),
    (TaskState.CLOSURE_REQUESTED, None, date(2026, 1, 1), date(2026, 1, 1), "grey"),
    (TaskState.IN_PROGRESS, None, date(2026, 12, 6), None, "red"),
    (TaskState.IN_PROGRESS, Progress.DONE, date(2026, 12, 6), None, "green"),
    (TaskState.IN_PROGRESS, Progress.DONE, date(2026, 12, 6), date(2026, 12, 6), "red"),  # report overdue
    (TaskState.IN_PROGRESS, None, date(2026, 12, 10), None, "yellow"),
    (TaskState.IN_PROGRESS, None, date(2027, 6, 30), date(2026, 12, 9), "yellow"),
    (TaskState.IN_PROGRESS, Progress.BEHIND, date(2027, 6, 30), date(2026, 12, 31), "yellow"),
    (TaskState.REOPENED, Progress.ON_SCHEDULE, date(2027, 6, 30), date(2026, 12, 31), "green"),
])
def test_supervision_colour(state, progress, due_on, report_due, expected):
    assert supervision_colour(state, progress, due_on, report_due, TODAY, 3) == expected


def test_next_report_due_is_the_last_day_of_the_following_period():
    assert next_report_due(date(2026, 11, 30), 1) == date(2026, 12, 31)
    assert next_report_due(date(2026, 12, 31), 1) == date(2027, 1, 31)
    assert next_report_due(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert next_report_due(date(2026, 10, 31), 3) == date(2027, 1, 31)


def test_sql_conditions_agree_with_the_pure_verdicts(session, ledger):
    days = [None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=2), TODAY + timedelta(days=30)]
    expected_status, expected_colour = {}, {}
    combos = itertools.product(TaskState, [None, *Progress], days, [False, True], days)
    for state, progress, due_on, long_term, report_due in combos:
        extra = {"closed_at": datetime(2026, 12, 7, tzinfo=timezone.utc)} if state is TaskState.CLOSED else {}
        if state is TaskState.IN_NOTICE:
            extra |= {"notice_starts_on": TODAY, "notice_ends_on": TODAY}
        task = ledger["task"](state=state, progress=progress, due_on=due_on, long_term=long_term,
                              next_report_due=report_due, due_precision="day" if due_on else None, **extra)
        expected_status[task.id] = task_status(state, progress, due_on, long_term, TODAY)
        expected_colour[task.id] = supervision_colour(state, progress, due_on, report_due, TODAY, 3)
    for status in Status:
        ids = set(session.scalars(select(RectificationTask.id).where(status_condition(status, TODAY))))
        assert ids == {i for i, s in expected_status.items() if s is status}, status
    for colour in ("red", "yellow", "green", "grey"):
        ids = set(session.scalars(select(RectificationTask.id).where(colour_condition(colour, TODAY, 3))))
        assert ids == {i for i, c in expected_colour.items() if c == colour}, colour

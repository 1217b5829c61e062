"""Reads of the ledger's back-office lists: the office's task list with its filters (round, district, unit, state,
supervision colour), a bureau's own tasks, the colour counts over a whole filtered list (by the database, never
loading the tasks), the rounds with their task counts, and each row's status and colour for the page."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import selectinload

from app.rectification.models import InspectionRound, RectificationTask, TaskUnit, UnitRole
from app.rectification.queries import colour_condition
from app.rectification.status import supervision_colour, task_status
from app.rectification.workflow import Status, TaskState

COLOURS = ("red", "yellow", "green", "grey")
COLOUR_TITLES = {
    "red": _l("Red: past its deadline or report"),
    "yellow": _l("Yellow: due soon or behind"),
    "green": _l("Green: on track"),
    "grey": _l("Grey: closure procedure or closed"),
}
ROLE_FILTERS = ("lead", "other")


@dataclass(frozen=True)
class TaskFilters:
    """What a task list is narrowed to; None or "" for no filter."""

    round_id: int | None = None
    place_id: int | None = None
    bureau_id: int | None = None
    state: str = ""
    colour: str = ""
    role: str = ""  # a bureau's list: "lead" (its own lead tasks) or "other" (co-operating or supervising)


@dataclass
class TaskRow:
    """A task of a list with what it counts as today."""

    task: RectificationTask
    status: Status
    colour: str


def _conditions(filters: TaskFilters, today: date, warn_days: int, *, colour: bool = True
                ) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.round_id:
        found.append(RectificationTask.round_id == filters.round_id)
    if filters.place_id:
        found.append(RectificationTask.place_id == filters.place_id)
    if filters.bureau_id:
        units = select(TaskUnit.task_id).where(TaskUnit.bureau_id == filters.bureau_id)
        if filters.role == "lead":
            units = units.where(TaskUnit.role == UnitRole.LEAD)
        elif filters.role == "other":
            units = units.where(TaskUnit.role != UnitRole.LEAD)
        found.append(RectificationTask.id.in_(units))
    if filters.state in TaskState.values():
        found.append(RectificationTask.state == filters.state)
    if colour and filters.colour in COLOURS:
        found.append(colour_condition(filters.colour, today, warn_days))
    return found


def task_list(filters: TaskFilters, today: date, warn_days: int) -> Select:
    """The tasks a list shows, by round (newest first) and number, with what the rows show loaded at once."""
    return (select(RectificationTask).where(*_conditions(filters, today, warn_days))
            .options(selectinload(RectificationTask.place), selectinload(RectificationTask.lead_bureau),
                     selectinload(RectificationTask.round))
            .order_by(RectificationTask.round_id.desc(), RectificationTask.code))


def colour_counts(session, filters: TaskFilters, today: date, warn_days: int) -> dict[str, int]:
    """How many tasks of the list (whatever colour it is narrowed to) have each colour."""
    base = _conditions(filters, today, warn_days, colour=False) or [true()]
    return {colour: session.scalar(select(func.count(RectificationTask.id)).where(
        *base, colour_condition(colour, today, warn_days))) or 0 for colour in COLOURS}


def judged(tasks, today: date, warn_days: int) -> list[TaskRow]:
    """The rows of a page with their status and colour (status.py, as the counts reckon them)."""
    return [TaskRow(task, task_status(task.state, task.progress, task.due_on, task.long_term, today),
                    supervision_colour(task.state, task.progress, task.due_on, task.next_report_due, today,
                                       warn_days)) for task in tasks]


def rounds_with_counts(session) -> list[tuple[InspectionRound, int]]:
    """Every round, newest first, with its number of tasks (sub-tasks included)."""
    counts = dict(session.execute(select(RectificationTask.round_id, func.count(RectificationTask.id))
                                  .group_by(RectificationTask.round_id)).all())
    rounds = session.scalars(select(InspectionRound).order_by(InspectionRound.id.desc()))
    return [(row, counts.get(row.id, 0)) for row in rounds]

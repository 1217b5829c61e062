"""Supervision of the tasks being rectified (三色督办): the office's board in three colours, read through the
round, district and lead unit, and 督办 — the office's urging note to the lead unit of a task overdue or due soon,
on the task's internal timeline, audited, and shown to the unit beside its reports. Counts come from the
database (queries.colour_condition); a page's rows are judged by status.supervision_colour."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from app import audit
from app.rectification import policy
from app.rectification.models import RectificationTask as Task
from app.rectification.models import TaskEvent
from app.rectification.queries import colour_condition
from app.rectification.reports import ReportError, add_event
from app.rectification.status import supervision_colour
from app.rectification.workflow import RECTIFYING

COLOURS = ("red", "yellow", "green")
URGED = "urged"
EVENT_TITLES = {URGED: _l("Urged by the office")}
COLOUR_TITLES = {"red": _l("Overdue"), "yellow": _l("Due soon or behind"), "green": _l("On track"),
                 "grey": _l("Not being rectified")}


@dataclass(frozen=True)
class BoardFilter:
    """What the board is narrowed to: a round, a district, a lead unit, a colour (each optional)."""

    round_id: int | None = None
    place_id: int | None = None
    bureau_id: int | None = None
    colour: str = ""

    def scoped(self, statement):
        statement = statement.where(Task.state.in_(sorted(RECTIFYING)))
        if self.round_id:
            statement = statement.where(Task.round_id == self.round_id)
        if self.place_id:
            statement = statement.where(Task.place_id == self.place_id)
        if self.bureau_id:
            statement = statement.where(Task.lead_bureau_id == self.bureau_id)
        return statement


@dataclass
class Urging:
    """How often a task was urged, and the latest urging (its date and note)."""

    count: int = 0
    latest: TaskEvent | None = None


@dataclass
class BoardRow:
    task: Task
    colour: str
    urging: Urging = field(default_factory=Urging)


def colour_of(task: Task, today: date, warn_days: int) -> str:
    return supervision_colour(task.state, task.progress, task.due_on, task.next_report_due, today, warn_days)


def colour_counts(session, where: BoardFilter, today: date, warn_days: int) -> dict[str, int]:
    """How many of the filtered tasks being rectified are red, yellow and green: one pass of the database."""
    statement = where.scoped(select(*(func.coalesce(func.sum(case((colour_condition(colour, today, warn_days), 1),
                                                                  else_=0)), 0) for colour in COLOURS)))
    row = session.execute(statement.select_from(Task)).one()
    return {colour: int(count) for colour, count in zip(COLOURS, row)}


def board(session, where: BoardFilter, today: date, warn_days: int, *, limit: int, offset: int = 0) -> list[BoardRow]:
    """The filtered tasks being rectified (of one colour, if chosen), the nearest deadline first, each with its
    colour and urgings."""
    statement = where.scoped(select(Task).options(selectinload(Task.lead_bureau), selectinload(Task.place),
                                                  selectinload(Task.round)))
    if where.colour in COLOURS:
        statement = statement.where(colour_condition(where.colour, today, warn_days))
    tasks = list(session.scalars(statement.order_by(Task.due_on.asc().nulls_last(), Task.id)
                                 .limit(limit).offset(offset)))
    urged = urgings(session, [task.id for task in tasks])
    return [BoardRow(task, colour_of(task, today, warn_days), urged.get(task.id, Urging())) for task in tasks]


def urgings(session, task_ids: list[int]) -> dict[int, Urging]:
    """Each task's urgings: how many, and the latest (two reads of the timeline index, however long the list)."""
    if not task_ids:
        return {}
    found: dict[int, Urging] = defaultdict(Urging)
    counted = session.execute(select(TaskEvent.task_id, func.count(TaskEvent.id), func.max(TaskEvent.id))
                              .where(TaskEvent.task_id.in_(task_ids), TaskEvent.step == URGED)
                              .group_by(TaskEvent.task_id)).all()
    latest = {row.id: row for row in session.scalars(select(TaskEvent).where(
        TaskEvent.id.in_([last for _task, _count, last in counted])))}
    for task_id, count, last in counted:
        found[task_id] = Urging(int(count), latest.get(last))
    return dict(found)


def task_urgings(session, task: Task) -> list[TaskEvent]:
    """The urgings of one task, the latest first: what the unit is pressed to do."""
    return list(session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id, TaskEvent.step == URGED)
                                .order_by(TaskEvent.id.desc())))


def unit_tasks(session, user, today: date, warn_days: int, *, limit: int, offset: int = 0) -> list[BoardRow]:
    """The tasks a bureau leads that are being rectified (every one for the office), the report due soonest
    first: what the unit must report on, with the office's urgings."""
    statement = select(Task).options(selectinload(Task.lead_bureau), selectinload(Task.place)).where(
        Task.state.in_(sorted(RECTIFYING)))
    if not policy.is_office(user):
        statement = statement.where(Task.lead_bureau_id == user.bureau_id)
    tasks = list(session.scalars(statement.order_by(Task.next_report_due.asc().nulls_last(), Task.id)
                                 .limit(limit).offset(offset)))
    urged = urgings(session, [task.id for task in tasks])
    return [BoardRow(task, colour_of(task, today, warn_days), urged.get(task.id, Urging())) for task in tasks]


def urge(session, actor, task: Task, today: date, warn_days: int, note: str = "") -> TaskEvent:
    """督办: the office presses the lead unit of a task that is overdue or due soon; the unit sees the note on its
    task list and beside the task's reports. Internal: the public timeline does not show it."""
    policy.require_office(actor)
    if colour_of(task, today, warn_days) not in ("red", "yellow"):
        raise ReportError(_("Only a task being rectified that is overdue, due soon or behind can be urged."))
    note = (note or "").strip()
    if len(note) > 1000:
        raise ReportError(_("Write at most %(n)d characters.", n=1000), field="note")
    event = add_event(session, task, URGED, actor=actor, note=note, public=False, bureau_id=task.lead_bureau_id)
    session.flush()
    count = session.scalar(select(func.count(TaskEvent.id)).where(and_(TaskEvent.task_id == task.id,
                                                                       TaskEvent.step == URGED)))
    audit.record(session, "rectification.urge", task, actor=actor, after={"urgings": count,
                                                                          "colour": colour_of(task, today, warn_days)},
                 note=note[:500])
    return event

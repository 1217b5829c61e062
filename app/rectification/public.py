"""Reads of the public ledger: the tasks of published rounds (a draft round is never public), filtered by round,
district, lead unit and status, with the counts bulletins publish; a task's public record; the feed's events.

The ledger lists and counts the tasks of the feedback lists themselves (top-level tasks): a sub-task is shown on
its task's page, as bulletins count "24 项整改任务" and not their parts."""
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.indicators.models import Indicator
from app.org.models import Bureau, Place
from app.rectification.models import (Acceptance, InspectionRound, ProgressReport, RectificationTask, ReportState,
                                      RoundState, TaskEvent, TaskEvidence, TaskIndicator, TaskTip, TaskUnit, UnitRole)
from app.rectification.queries import status_condition
from app.rectification.workflow import Status, Step, TaskState
from app.tips.models import Tip

Task = RectificationTask
# The timeline steps the feed reports: a task put in public notice, closed (销号), reopened (反弹).
FEED_STEPS = (Step.START_NOTICE.value, Step.CLOSE.value, Step.REOPEN.value)


@dataclass(frozen=True)
class Filters:
    """What the ledger is narrowed to; None is "all"."""

    round: InspectionRound | None = None
    district: Place | None = None
    unit: Bureau | None = None
    status: Status | None = None

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for links and downloads)."""
        return {name: value for name, value in (
            ("round", self.round.code if self.round else ""), ("district", self.district.code if self.district else ""),
            ("unit", self.unit.code if self.unit else ""), ("status", self.status.value if self.status else ""))
            if value}

    def without_status(self) -> "Filters":
        return Filters(self.round, self.district, self.unit, None)

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))


def published_rounds(session) -> list[InspectionRound]:
    return list(session.scalars(select(InspectionRound).where(InspectionRound.state == RoundState.PUBLISHED)
                                .order_by(InspectionRound.feedback_on.desc(), InspectionRound.id.desc())))


def round_by_code(session, code: str) -> InspectionRound | None:
    """A published round by its code; None for a draft round or an unknown code."""
    if not code:
        return None
    return session.scalar(select(InspectionRound).where(InspectionRound.code == code,
                                                        InspectionRound.state == RoundState.PUBLISHED))


def _in_published_round():
    return Task.round_id.in_(select(InspectionRound.id).where(InspectionRound.state == RoundState.PUBLISHED))


def _published() -> Select:
    return select(Task).where(_in_published_round())


def _top_level():
    # `parent_id + 0`: not the parent_id index (nearly every task is top-level), so that the list is read in code
    # order from its unique index and stops after a page instead of sorting every task (SQLite's planner).
    return (Task.parent_id + 0).is_(None)


def ledger_places(session) -> list[Place]:
    """The places (the city, districts) that tasks of published rounds are in (one index probe per place)."""
    has_task = select(Task.id).where(Task.place_id == Place.id, _in_published_round(), _top_level()).exists()
    return list(session.scalars(select(Place).where(has_task).order_by(Place.level, Place.sort_order, Place.code)))


def lead_units(session) -> list[Bureau]:
    """The units that lead a task of a published round (one index probe per bureau)."""
    has_task = select(Task.id).where(Task.lead_bureau_id == Bureau.id, _in_published_round(), _top_level()).exists()
    return list(session.scalars(select(Bureau).where(has_task).order_by(Bureau.code)))


def _narrowed(statement: Select, filters: Filters, today: date) -> Select:
    statement = statement.where(_top_level())
    if filters.round is not None:
        statement = statement.where(Task.round_id == filters.round.id)
    if filters.district is not None:
        statement = statement.where(Task.place_id == filters.district.id)
    if filters.unit is not None:
        statement = statement.where(Task.lead_bureau_id == filters.unit.id)
    if filters.status is not None:
        statement = statement.where(status_condition(filters.status, today))
    return statement


def ledger_tasks(filters: Filters, today: date) -> Select:
    """The tasks of published rounds that the filters keep, in ledger order, with what a row shows loaded."""
    return (_narrowed(_published(), filters, today)
            .options(joinedload(Task.place), joinedload(Task.lead_bureau), joinedload(Task.round))
            .order_by(Task.code))


@dataclass(frozen=True)
class Counts:
    """The figures bulletins publish: every task, and how many are done (of which closed, 销号), on schedule,
    behind schedule and long-term; also how many are in public notice now."""

    total: int
    done: int
    on_schedule: int
    behind: int
    long_term: int
    closed: int
    in_notice: int

    def of(self, status: Status) -> int:
        return int(getattr(self, status.value))


def counts(session, filters: Filters, today: date) -> Counts:
    """The counts of the tasks the filters keep, whatever their status (one pass over them)."""
    def tally(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    statement = _narrowed(_published(), filters.without_status(), today).with_only_columns(
        func.count(), *(tally(status_condition(status, today)) for status in
                        (Status.DONE, Status.ON_SCHEDULE, Status.BEHIND, Status.LONG_TERM)),
        tally(Task.state == TaskState.CLOSED), tally(Task.state == TaskState.IN_NOTICE))
    row = session.execute(statement).one()
    return Counts(*(int(value) for value in row))


def public_task_id(session, code: str) -> int | None:
    """The id of the task of a published round with this ledger code."""
    return session.scalar(select(Task.id).where(Task.code == code, _in_published_round())) if code else None


def public_task(session, code: str) -> RectificationTask | None:
    """A task of a published round by its ledger code."""
    if not code:
        return None
    return session.scalar(_published().where(Task.code == code)
                          .options(joinedload(Task.place), joinedload(Task.lead_bureau), joinedload(Task.round),
                                   joinedload(Task.parent), selectinload(Task.subtasks),
                                   selectinload(Task.units).joinedload(TaskUnit.bureau)))


@dataclass
class TaskRecord:
    """Everything a task's public page shows besides the task's own columns."""

    units: dict[UnitRole, list[Bureau]]
    indicators: list[Indicator]
    tips: list[Tip]
    reports: list[ProgressReport]
    evidence: list[TaskEvidence]
    acceptances: list[Acceptance]
    events: list[TaskEvent]


def task_record(session, task: RectificationTask) -> TaskRecord:
    """The public record of a task: units by role, linked indicators and tips, accepted reports, evidence cleared
    for publication, acceptance records and the public timeline entries. Never objections nor who wrote what."""
    units: dict[UnitRole, list[Bureau]] = {role: [] for role in UnitRole}
    for unit in sorted(task.units, key=lambda u: u.bureau.code):
        units[unit.role].append(unit.bureau)
    indicators = list(session.scalars(
        select(Indicator).join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
        .where(TaskIndicator.task_id == task.id).order_by(Indicator.code)))
    tips = list(session.scalars(
        select(Tip).join(TaskTip, TaskTip.tip_id == Tip.id).where(TaskTip.task_id == task.id)
        .options(selectinload(Tip.categories), joinedload(Tip.district)).order_by(Tip.id)))
    reports = list(session.scalars(
        select(ProgressReport).where(ProgressReport.task_id == task.id, ProgressReport.state == ReportState.ACCEPTED)
        .options(joinedload(ProgressReport.bureau)).order_by(ProgressReport.period.desc(), ProgressReport.id.desc())))
    evidence = list(session.scalars(
        select(TaskEvidence).where(TaskEvidence.task_id == task.id, TaskEvidence.public.is_(True))
        .order_by(TaskEvidence.id)))
    acceptances = list(session.scalars(
        select(Acceptance).where(Acceptance.task_id == task.id).order_by(Acceptance.accepted_on, Acceptance.id)))
    events = list(session.scalars(
        select(TaskEvent).where(TaskEvent.task_id == task.id, TaskEvent.public.is_(True)).order_by(TaskEvent.id)))
    return TaskRecord(units, indicators, tips, reports, evidence, acceptances, events)


def public_evidence(session, evidence_id: int) -> TaskEvidence | None:
    """An evidence file cleared for publication, of a task of a published round."""
    return session.scalar(
        select(TaskEvidence).join(Task, Task.id == TaskEvidence.task_id)
        .join(InspectionRound, InspectionRound.id == Task.round_id)
        .where(TaskEvidence.id == evidence_id, TaskEvidence.public.is_(True),
               InspectionRound.state == RoundState.PUBLISHED))


def feed_events(session, limit: int) -> list[TaskEvent]:
    """The newest public timeline entries that put a task of a published round in notice, closed or reopened it."""
    return list(session.scalars(
        select(TaskEvent).join(Task, Task.id == TaskEvent.task_id)
        .join(InspectionRound, InspectionRound.id == Task.round_id)
        .where(InspectionRound.state == RoundState.PUBLISHED, TaskEvent.public.is_(True),
               TaskEvent.step.in_(FEED_STEPS))
        .options(joinedload(TaskEvent.task)).order_by(TaskEvent.at.desc(), TaskEvent.id.desc()).limit(limit)))


def tasks_of_tip(session, tip_id: int) -> list[RectificationTask]:
    """The tasks of published rounds a tip was handed over to (转办)."""
    return list(session.scalars(_published().join(TaskTip, TaskTip.task_id == Task.id)
                                .where(TaskTip.tip_id == tip_id).order_by(Task.code)))


def export_rows(session, filters: Filters, today: date, batch: int = 500) -> Iterator[RectificationTask]:
    """The filtered ledger's tasks, read in batches (the whole ledger may be downloaded)."""
    statement = ledger_tasks(filters, today).execution_options(yield_per=batch)
    yield from session.scalars(statement)

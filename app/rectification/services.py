"""Writing the ledger's record: inspection rounds (drafted, then published: a draft round and its tasks are not
public), and tasks with their problem, target and measures in three languages, district, responsible units (one
lead, co-operating and supervising units, and the responsibility as the list wrote it), deadline (free text read
by deadlines.py), indicator links and sub-tasks. The office (rectification.manage) does all of it.

Each write checks the input (ActionRefused naming the form field), flushes, records an audit entry and, where
the public should see it, a timeline entry; it never commits. Tasks get the ledger's own number: the round's
code and a three-digit sequence ("2026-CI-007"), a sub-task its parent's number and its own ("2026-CI-007.2")."""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.casework.timeline import add_entry
from app.db_types import utcnow
from app.errors import ActionRefused, StepNotAllowed
from app.indicators.models import Indicator
from app.org.models import Bureau, Place
from app.rectification import policy
from app.rectification.deadlines import (EMPTY, INVALID_DATE, MAX_LENGTH, NO_YEAR, TOO_LONG, Deadline, DeadlineError,
                                         parse_deadline)
from app.rectification.models import (InspectionRound, RectificationTask, RoundKind, RoundState, TaskEvent,
                                      TaskIndicator, TaskUnit, UnitRole)
from app.rectification.status import next_report_due
from app.rectification.workflow import RECTIFYING, TaskState

ROUND_CODE_MAX = 20          # a task's number adds "-007.12" and must fit the 32 characters of its column
MAX_NOTICE_DAYS = 60
MAX_INTERVAL_MONTHS = 12
SOURCE_REF_MAX, RESPONSIBLE_MAX = 100, 300
_CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")

# The timeline entries this part writes (the workflow's steps are titled by workflow.Step).
REGISTERED, DEADLINE_CHANGED, UNITS_CHANGED, EDITED = "registered", "deadline_changed", "units_changed", "edited"
EVENT_TITLES = {
    REGISTERED: _l("Registered in the ledger"),
    DEADLINE_CHANGED: _l("Deadline changed"),
    UNITS_CHANGED: _l("Responsible units changed"),
    EDITED: _l("Record corrected"),
}
# Deadline examples are data (as feedback lists write them), given to the messages as parameters.
DEADLINE_EXAMPLES = "2024年12月底前, 2023年9月30日前, 2024-12-31, 长期坚持, 立行立改"


# --- rounds -------------------------------------------------------------------------------------------------

@dataclass
class RoundInput:
    """What the office types for an inspection round."""

    code: str
    kind: str
    title_zh_hans: str
    title_zh_hant: str = ""
    title_en: str = ""
    batch: str = ""
    feedback_on: date | None = None
    rule_zh_hans: str = ""
    rule_zh_hant: str = ""
    rule_en: str = ""
    notice_days: int = 7
    notice_working_days: bool = False
    report_interval_months: int = 1


_ROUND_TEXTS = ("title_zh_hans", "title_zh_hant", "title_en", "batch", "rule_zh_hans", "rule_zh_hant", "rule_en")


def _check_round(session, data: RoundInput, row: InspectionRound | None) -> None:
    code = (data.code or "").strip()
    if not code:
        raise ActionRefused(_("Give the round's code."), field="code")
    if len(code) > ROUND_CODE_MAX or not set(code) <= _CODE_CHARACTERS or code.startswith("-"):
        raise ActionRefused(_("The code is at most %(n)d letters, digits and hyphens, such as %(example)s.",
                              n=ROUND_CODE_MAX, example="2026-CI"), field="code")
    clash = session.scalar(select(InspectionRound.id).where(InspectionRound.code == code))
    if clash is not None and (row is None or clash != row.id):
        raise ActionRefused(_("Another round has this code."), field="code")
    if row is not None and code != row.code and _has_tasks(session, row):
        raise ActionRefused(_("The round's tasks are numbered with its code: it cannot change any more."),
                            field="code")
    if data.kind not in RoundKind.values():
        raise ActionRefused(_("Choose where the list comes from."), field="kind")
    if not (data.title_zh_hans or "").strip():
        raise ActionRefused(_("Give the round's title in Simplified Chinese."), field="title_zh_hans")
    if not 1 <= (data.notice_days or 0) <= MAX_NOTICE_DAYS:
        raise ActionRefused(_("The notice period is 1 to %(n)d days.", n=MAX_NOTICE_DAYS), field="notice_days")
    if not 1 <= (data.report_interval_months or 0) <= MAX_INTERVAL_MONTHS:
        raise ActionRefused(_("Progress is reported every 1 to %(n)d months.", n=MAX_INTERVAL_MONTHS),
                            field="report_interval_months")


def _has_tasks(session, row: InspectionRound) -> bool:
    return session.scalar(select(RectificationTask.id).where(RectificationTask.round_id == row.id).limit(1)) is not None


def _fill_round(row: InspectionRound, data: RoundInput) -> None:
    row.code, row.kind = data.code.strip(), RoundKind(data.kind)
    for name in _ROUND_TEXTS:
        setattr(row, name, (getattr(data, name) or "").strip())
    row.feedback_on, row.notice_days = data.feedback_on, data.notice_days
    row.notice_working_days = bool(data.notice_working_days)
    row.report_interval_months = data.report_interval_months


def create_round(session, actor, data: RoundInput) -> InspectionRound:
    """A draft round: not public until it is published."""
    policy.require_office(actor)
    _check_round(session, data, None)
    row = InspectionRound(state=RoundState.DRAFT, created_by_id=getattr(actor, "id", None), code="",
                          kind=RoundKind.CENTRAL, title_zh_hans="")
    _fill_round(row, data)
    session.add(row)
    session.flush()
    audit.record(session, "rectification.round_create", row, actor=actor, after=row.audit_state())
    return row


def update_round(session, actor, row: InspectionRound, data: RoundInput) -> InspectionRound:
    """Correct a round (draft or published); its code is fixed once it has tasks."""
    policy.require_office(actor)
    _check_round(session, data, row)
    before = row.audit_state()
    _fill_round(row, data)
    session.flush()
    audit.record(session, "rectification.round_update", row, actor=actor, before=before, after=row.audit_state())
    return row


def publish_round(session, actor, row: InspectionRound, *, now: datetime | None = None) -> InspectionRound:
    """Publish a draft round: it and its tasks appear in the public ledger. A round is never unpublished."""
    policy.require_office(actor)
    if row.state is not RoundState.DRAFT:
        raise StepNotAllowed(_("This round is published already."))
    before = row.audit_state()
    row.state, row.published_at = RoundState.PUBLISHED, now or utcnow()
    session.flush()
    audit.record(session, "rectification.round_publish", row, actor=actor, before=before, after=row.audit_state())
    return row


# --- tasks --------------------------------------------------------------------------------------------------

@dataclass
class TaskInput:
    """What the office types (or a feedback list gives) for a task."""

    problem_zh_hans: str
    place_id: int | None
    lead_bureau_id: int | None
    deadline_text: str
    problem_zh_hant: str = ""
    problem_en: str = ""
    target_zh_hans: str = ""
    target_zh_hant: str = ""
    target_en: str = ""
    measures_zh_hans: str = ""
    measures_zh_hant: str = ""
    measures_en: str = ""
    source_ref: str = ""
    responsible_text: str = ""
    cooperating_ids: list[int] = field(default_factory=list)
    supervising_ids: list[int] = field(default_factory=list)
    indicator_ids: list[int] = field(default_factory=list)
    parent_id: int | None = None


_TEXTS = tuple(f"{name}_{locale}" for name in ("problem", "target", "measures") for locale in ("zh_hans", "zh_hant",
                                                                                              "en"))
# What a closed task keeps as it was closed: translations may still be added.
_CLOSED_TEXTS = ("problem_zh_hans", "target_zh_hans", "measures_zh_hans", "deadline_text", "source_ref",
                 "responsible_text")
_CLOSED_IDS = ("place_id", "lead_bureau_id")


def deadline_refusal(error: DeadlineError) -> str:
    """What to tell the person about a deadline text that cannot be read (the text is quoted back)."""
    if error.reason == EMPTY:
        return _("Give the deadline, such as: %(examples)s.", examples=DEADLINE_EXAMPLES)
    if error.reason == TOO_LONG:
        return _("The deadline is at most %(n)d characters.", n=MAX_LENGTH)
    if error.reason == NO_YEAR:
        return _("The deadline “%(text)s” gives no year: write the year with each month or day.", text=error.text)
    if error.reason == INVALID_DATE:
        return _("The deadline “%(text)s” names a day that does not exist.", text=error.text)
    return _("The deadline “%(text)s” cannot be read. Write a date, or long-term or immediate as the lists do, "
             "such as: %(examples)s.", text=error.text, examples=DEADLINE_EXAMPLES)


def read_deadline(text: str) -> Deadline:
    """The deadline the text gives, or ActionRefused on the deadline field with what is wrong."""
    try:
        return parse_deadline(text)
    except DeadlineError as error:
        raise ActionRefused(deadline_refusal(error), field="deadline_text") from None


def _unique(ids) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids or ()))


def check_task(session, round_: InspectionRound, data: TaskInput, task: RectificationTask | None = None
               ) -> Deadline:
    """Every rule of a task's record (ActionRefused naming the field), the task itself when it is corrected; the
    read deadline."""
    if not (data.problem_zh_hans or "").strip():
        raise ActionRefused(_("Describe the problem in Simplified Chinese."), field="problem_zh_hans")
    if len((data.source_ref or "").strip()) > SOURCE_REF_MAX:
        raise ActionRefused(_("The source reference is at most %(n)d characters.", n=SOURCE_REF_MAX),
                            field="source_ref")
    if len((data.responsible_text or "").strip()) > RESPONSIBLE_MAX:
        raise ActionRefused(_("The responsibility as written is at most %(n)d characters.", n=RESPONSIBLE_MAX),
                            field="responsible_text")
    place = session.get(Place, data.place_id) if data.place_id else None
    if place is None or not place.active:
        raise ActionRefused(_("Choose the district concerned (or the city)."), field="place_id")
    lead = session.get(Bureau, data.lead_bureau_id) if data.lead_bureau_id else None
    if lead is None or not lead.active:
        raise ActionRefused(_("Choose the lead unit."), field="lead_bureau_id")
    cooperating, supervising = _unique(data.cooperating_ids), _unique(data.supervising_ids)
    for name, ids in (("cooperating_ids", cooperating), ("supervising_ids", supervising)):
        if lead.id in ids:
            raise ActionRefused(_("The lead unit is listed once, as the lead."), field=name)
        units = [session.get(Bureau, i) for i in ids]  # from the identity map when the caller has them loaded
        if any(unit is None or not unit.active for unit in units):
            raise ActionRefused(_("Choose units from the list of bureaus."), field=name)
    if set(cooperating) & set(supervising):
        raise ActionRefused(_("A unit is either co-operating or supervising, not both."), field="supervising_ids")
    indicators = _unique(data.indicator_ids)
    if indicators and len(set(session.scalars(select(Indicator.id).where(Indicator.id.in_(indicators))))) != len(
            indicators):
        raise ActionRefused(_("Choose indicators from the list."), field="indicator_ids")
    _check_parent(session, round_, data.parent_id, task)
    source_ref = (data.source_ref or "").strip()
    if source_ref:
        clash = session.scalar(select(RectificationTask.code).where(RectificationTask.round_id == round_.id,
                                                                    RectificationTask.source_ref == source_ref,
                                                                    RectificationTask.id != (task.id if task else -1)))
        if clash is not None:
            raise ActionRefused(_("Task %(code)s of this round has the source reference %(ref)s already.",
                                  code=clash, ref=source_ref), field="source_ref")
    return read_deadline(data.deadline_text)


def _check_parent(session, round_: InspectionRound, parent_id: int | None, task: RectificationTask | None) -> None:
    """A sub-task's parent is a task of the same round that is no sub-task itself (one level)."""
    if parent_id is None or (task is not None and parent_id == task.parent_id):
        return
    parent = session.get(RectificationTask, parent_id)
    if parent is None or parent.round_id != round_.id:
        raise ActionRefused(_("The parent task must be a task of the same round."), field="parent_id")
    if parent.parent_id is not None:
        raise ActionRefused(_("Task %(code)s is a sub-task itself: sub-tasks have no sub-tasks.", code=parent.code),
                            field="parent_id")


class TaskNumbers:
    """Hands out the ledger's task numbers: "<round code>-<three-digit sequence>", a sub-task's "<parent>.<n>".
    One instance numbers many tasks of an import (parents not yet flushed among them) without reading the
    numbers again for each."""

    def __init__(self, session):
        self.session = session
        self.last: dict[str, int] = {}

    def _highest(self, prefix: str, condition) -> int:
        codes = self.session.scalars(select(RectificationTask.code).where(condition))
        numbers = [int(code[len(prefix):]) for code in codes
                   if code.startswith(prefix) and code[len(prefix):].isdigit()]
        return max(numbers, default=0)

    def next(self, round_: InspectionRound, parent: RectificationTask | None) -> str:
        prefix = f"{parent.code}." if parent is not None else f"{round_.code}-"
        if prefix not in self.last:
            if parent is None:
                condition = (RectificationTask.round_id == round_.id) & RectificationTask.parent_id.is_(None)
                self.last[prefix] = self._highest(prefix, condition)
            else:  # a parent registered in this same go has no sub-tasks yet
                self.last[prefix] = self._highest(prefix, RectificationTask.parent_id == parent.id) \
                    if parent.id is not None else 0
        self.last[prefix] += 1
        number = self.last[prefix]
        return f"{prefix}{number}" if parent is not None else f"{prefix}{number:03d}"


def numbering(session, round_: InspectionRound) -> TaskNumbers:
    """The numbers of the round's next tasks, handed out to this transaction alone."""
    _lock_round(session, round_)
    return TaskNumbers(session)


def _lock_round(session, round_: InspectionRound) -> None:
    """Two offices numbering tasks of one round at once would hand out one number twice: take the round's row
    first (PostgreSQL; SQLite has one writer at a time anyway)."""
    session.execute(select(InspectionRound.id).where(InspectionRound.id == round_.id).with_for_update())


def _units(data: TaskInput, lead_id: int) -> list[tuple[int, UnitRole]]:
    return ([(lead_id, UnitRole.LEAD)] + [(i, UnitRole.COOPERATING) for i in _unique(data.cooperating_ids)]
            + [(i, UnitRole.SUPERVISING) for i in _unique(data.supervising_ids)])


def _set_record(task: RectificationTask, data: TaskInput, deadline: Deadline) -> None:
    """The task's texts, place, lead, deadline and units as the input gives them."""
    for name in _TEXTS:
        setattr(task, name, (getattr(data, name) or "").strip())
    task.source_ref, task.responsible_text = (data.source_ref or "").strip(), (data.responsible_text or "").strip()
    task.place_id, task.lead_bureau_id = data.place_id, data.lead_bureau_id
    task.deadline_text, task.due_on, task.due_precision = deadline.text, deadline.due_on, deadline.precision
    task.long_term, task.immediate = deadline.long_term, deadline.immediate
    wanted = dict(_units(data, task.lead_bureau_id))
    for unit in list(task.units):
        if unit.bureau_id not in wanted:
            task.units.remove(unit)
        else:
            unit.role = wanted.pop(unit.bureau_id)
    task.units.extend(TaskUnit(bureau_id=bureau_id, role=role) for bureau_id, role in wanted.items())


def _set_indicators(session, task: RectificationTask, data: TaskInput) -> None:
    """Replace the task's indicator links with the input's."""
    indicators = set(_unique(data.indicator_ids))
    current = {link.indicator_id: link for link in session.scalars(
        select(TaskIndicator).where(TaskIndicator.task_id == task.id))}
    for indicator_id, link in current.items():
        if indicator_id not in indicators:
            session.delete(link)
    session.add_all(TaskIndicator(task_id=task.id, indicator_id=i) for i in sorted(indicators - set(current)))


def task_state(session, task: RectificationTask, indicators: list[int] | None = None) -> dict:
    """The task's audit snapshot: the workflow's fields, its record, its units and indicator links (read unless
    given)."""
    if indicators is None:
        indicators = sorted(session.scalars(select(TaskIndicator.indicator_id).where(
            TaskIndicator.task_id == task.id))) if task.id else []
    return {**task.snapshot(), "code": task.code, "round_id": task.round_id, "parent_id": task.parent_id,
            "source_ref": task.source_ref, "place_id": task.place_id, "deadline_text": task.deadline_text,
            "due_precision": task.due_precision, "immediate": task.immediate,
            "responsible_text": task.responsible_text, "problem_zh_hans": task.problem_zh_hans,
            "units": sorted([unit.bureau_id, unit.role.value] for unit in task.units), "indicators": indicators}


def _new_task(session, actor, round_: InspectionRound, data: TaskInput, deadline: Deadline, numbers: TaskNumbers,
              parent: RectificationTask | None, today: date) -> RectificationTask:
    task = RectificationTask(round_id=round_.id, code=numbers.next(round_, parent), state=TaskState.IN_PROGRESS,
                             problem_zh_hans="", created_by_id=getattr(actor, "id", None),
                             parent_id=parent.id if parent is not None else None,
                             next_report_due=next_report_due(today, round_.report_interval_months))
    _set_record(task, data, deadline)
    session.add(task)
    return task


def _registered(session, actor, task: RectificationTask, data: TaskInput) -> None:
    """What follows a new task's first flush: its indicator links, its timeline's first entry, the audit."""
    indicators = _unique(data.indicator_ids)
    session.add_all(TaskIndicator(task_id=task.id, indicator_id=i) for i in sorted(indicators))
    add_entry(session, TaskEvent, REGISTERED, actor=actor, task_id=task.id)
    audit.record(session, "rectification.task_create", task, actor=actor,
                 after=task_state(session, task, sorted(indicators)))


def create_task(session, actor, round_: InspectionRound, data: TaskInput, *, today: date) -> RectificationTask:
    """Register a task of the round (in progress, its first report due after the round's interval), with a
    public "registered" entry on its timeline."""
    policy.require_office(actor)
    deadline = check_task(session, round_, data, None)
    parent = session.get(RectificationTask, data.parent_id) if data.parent_id else None
    task = _new_task(session, actor, round_, data, deadline, numbering(session, round_), parent, today)
    session.flush()
    _registered(session, actor, task, data)
    return task


@dataclass
class Checked:
    """A task's input that check_task accepted in this transaction (its read deadline), for create_tasks; a
    sub-task of another entry of the same batch names it by its index."""

    data: TaskInput
    deadline: Deadline
    parent_index: int | None = None


def create_tasks(session, actor, round_: InspectionRound, entries: list[Checked], *, today: date
                 ) -> list[RectificationTask]:
    """Register many checked tasks at once (an import): as create_task each, with a few flushes in all, so that a
    list of thousands of tasks is registered in seconds."""
    policy.require_office(actor)
    numbers, made = numbering(session, round_), []
    for entry in entries:
        parent = (made[entry.parent_index] if entry.parent_index is not None
                  else session.get(RectificationTask, entry.data.parent_id) if entry.data.parent_id else None)
        if parent is not None and parent.id is None:
            session.flush()  # the parent first, for its id (by id, not by relationship, the rows keep their order)
        made.append(_new_task(session, actor, round_, entry.data, entry.deadline, numbers, parent, today))
    session.flush()
    for task, entry in zip(made, entries, strict=True):
        _registered(session, actor, task, entry.data)
    session.flush()
    return made


def _unit_names(session, units: list[tuple[int, str]]) -> str:
    names = {b.id: b.name_zh_hans for b in session.scalars(select(Bureau).where(Bureau.id.in_([i for i, _r in units])))}
    order = {UnitRole.LEAD.value: 0, UnitRole.COOPERATING.value: 1, UnitRole.SUPERVISING.value: 2}
    return "、".join(names.get(i, str(i)) for i, _r in sorted(units, key=lambda unit: (order[unit[1]], unit[0])))


def _record(data: TaskInput) -> dict:
    """The input's values of the fields a closed task keeps, as they would be stored."""
    return {**{name: (getattr(data, name) or "").strip() for name in _CLOSED_TEXTS},
            **{name: getattr(data, name) for name in _CLOSED_IDS}}


def update_task(session, actor, task: RectificationTask, data: TaskInput, *, today: date) -> RectificationTask:
    """Correct a task's record. A new deadline or new units are public timeline entries (with the old and new
    value); other corrections an internal one. The lead unit stays while a closure is being handled; a closed
    task's record stays as it was closed (translations may still be added)."""
    policy.require_office(actor)
    if data.parent_id != task.parent_id:
        raise ActionRefused(_("A task's parent is set when it is registered: its number shows it."),
                            field="parent_id")
    deadline = check_task(session, task.round, data, task)
    if task.state is TaskState.CLOSED:
        for name, value in _record(data).items():
            if value != getattr(task, name):
                raise ActionRefused(_("A closed task's record stays as it was closed: reopen the task to change it."),
                                    field=name)
        if sorted((i, r.value) for i, r in _units(data, task.lead_bureau_id)) != sorted(
                (unit.bureau_id, unit.role.value) for unit in task.units):
            raise ActionRefused(_("A closed task's record stays as it was closed: reopen the task to change it."),
                                field="cooperating_ids")
    if data.lead_bureau_id != task.lead_bureau_id and task.state not in RECTIFYING:
        raise ActionRefused(_("The lead unit cannot change while the task's closure is being handled."),
                            field="lead_bureau_id")
    before, texts = task_state(session, task), {name: getattr(task, name) for name in _TEXTS}
    _set_record(task, data, deadline)
    _set_indicators(session, task, data)
    session.flush()
    after = task_state(session, task)
    changed_texts = [name for name in _TEXTS if getattr(task, name) != texts[name]]
    if after == before and not changed_texts:
        return task
    if after["deadline_text"] != before["deadline_text"]:
        add_entry(session, TaskEvent, DEADLINE_CHANGED, actor=actor, task_id=task.id,
                  note=f"{before['deadline_text']} → {after['deadline_text']}")
    if after["units"] != before["units"]:
        add_entry(session, TaskEvent, UNITS_CHANGED, actor=actor, task_id=task.id,
                  note=f"{_unit_names(session, before['units'])} → {_unit_names(session, after['units'])}")
    public_changes = ("deadline_text", "due_on", "due_precision", "long_term", "immediate", "units", "lead_bureau_id")
    if changed_texts or any(after[key] != before[key] for key in after if key not in public_changes):
        add_entry(session, TaskEvent, EDITED, actor=actor, task_id=task.id, public=False)
    audit.record(session, "rectification.task_update", task, actor=actor,
                 before={**before, **{name: texts[name] for name in changed_texts}},
                 after={**after, **{name: getattr(task, name) for name in changed_texts}})
    return task

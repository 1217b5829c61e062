"""Shared set-up of the closure tests: tasks put in each state with what that state implies (an application
event, notice dates, the time of closure), the step input that each step accepts, objections through the service
(with their codes), and fixed moments in the city's time."""
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from app.audit import AuditEntry
from app.i18n import local_today
from app.rectification import closure, objections
from app.rectification.closure import ClosureRules, Upload
from app.rectification.models import Acceptance, AcceptanceLevel, RectificationTask, TaskEvent
from app.rectification.workflow import Step, TaskState

SECRET = "test-secret-key-not-for-production"
PDF = b"%PDF-1.4\n% closure evidence\n"
# Days shaped like the 2026 National Day week: 1–7 October off, Saturday 10 October a make-up working day.
NATIONAL_DAY = {date(2026, 10, d): False for d in range(1, 8)} | {date(2026, 10, 10): True}
PHONE, EMAIL = "13812345678", "resident@example.cn"
NAME = "王小明"


def beijing(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A moment on `day` in the city (UTC+8), as the aware UTC datetime the services take."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone(timedelta(hours=8))) \
        .astimezone(timezone.utc)


def rules(**values) -> ClosureRules:
    defaults = dict(working_days=False, overrides={}, notice_days=7, report_interval_months=1)
    defaults.update(values)
    return ClosureRules(**defaults)


def upload_dir(app) -> str:
    return str(Path(app.config["UPLOAD_DIR"]) / "rectification")


def stored_files(app) -> list[Path]:
    folder = Path(upload_dir(app))
    return sorted(folder.iterdir()) if folder.exists() else []


def actor_for(ledger, step: Step):
    """The lead unit's editor applies; the office (admin) takes every other step."""
    return ledger["staff"]["bureau_editor"] if step == Step.APPLY_CLOSURE else ledger["staff"]["admin"]


def step_data(app, step: Step, task: RectificationTask, session) -> dict:
    """Input that each step accepts."""
    if step == Step.APPLY_CLOSURE:
        return dict(completion_zh_hans="已完成污水管网建设，园区污水全部接入污水处理厂。",
                    files=[Upload("验收材料.pdf", PDF)], upload_dir=upload_dir(app), max_bytes=1 << 20)
    if step in (Step.RETURN_APPLICATION, Step.REOPEN):
        return dict(reason="材料不全" if step == Step.RETURN_APPLICATION else "整改后反弹")
    if step == Step.FAIL_ACCEPTANCE:
        return dict(level="city", accepted_on=local_today(), body="市级复核组", opinion="尚未完成整改,不同意销号")
    if step == Step.SUSTAIN_OBJECTION:
        return dict(objection=open_objection(session, task), answer="经核查,异议属实。")
    return {}


def apply_event(session, task: RectificationTask) -> None:
    closure.record(session, task, Step.APPLY_CLOSURE.value)
    session.flush()


def passed_acceptance(session, task: RectificationTask, level: AcceptanceLevel = AcceptanceLevel.DISTRICT):
    row = Acceptance(task_id=task.id, level=level, accepted_on=local_today(), body="区验收组",
                     opinion="已完成整改,同意销号", passed=True)
    session.add(row)
    session.flush()
    return row


def task_in(ledger, session, state: TaskState, *, for_step: Step | None = None, **values) -> RectificationTask:
    """A task in `state` with what the state implies: an application with a passed acceptance when closure is
    applied for, notice dates (over, so that it may close) in notice, the time of closure once closed. For the
    SUSTAIN_OBJECTION step a task in notice also gets an open objection (sent while its notice ran)."""
    today = local_today()
    extra = dict(values)
    if state == TaskState.IN_NOTICE:
        extra.setdefault("notice_starts_on", today - timedelta(days=10))
        extra.setdefault("notice_ends_on", today - timedelta(days=4))
    if state == TaskState.CLOSED:
        extra.setdefault("closed_at", datetime.now(timezone.utc) - timedelta(days=3))
    task = ledger["task"](state=state, **extra)
    if state == TaskState.CLOSURE_REQUESTED:
        apply_event(session, task)
        passed_acceptance(session, task)
    if for_step == Step.SUSTAIN_OBJECTION and state == TaskState.IN_NOTICE:
        add_objection(session, task)
    return task


def add_objection(session, task: RectificationTask, **values):
    """An open objection of `task`, as if sent during its notice (whatever today is)."""
    from app.casework import codes
    from app.rectification.models import Objection, ObjectionState

    code = codes.new_code()
    row = Objection(task_id=task.id, code_digest=codes.digest(code, SECRET), state=ObjectionState.OPEN,
                    text=values.get("text", "园区东侧仍有污水直排。"), name=values.get("name", NAME),
                    contact=values.get("contact", PHONE))
    session.add(row)
    session.flush()
    return row


def open_objection(session, task: RectificationTask):
    from app.rectification.models import Objection, ObjectionState

    return session.scalar(select(Objection).where(Objection.task_id == task.id,
                                                  Objection.state == ObjectionState.OPEN))


def in_notice_now(ledger, session, *, days_left: int = 3) -> RectificationTask:
    """A task whose public notice runs today (objections taken)."""
    today = local_today()
    return ledger["task"](state=TaskState.IN_NOTICE, notice_starts_on=today - timedelta(days=2),
                          notice_ends_on=today + timedelta(days=days_left))


def submit(session, task: RectificationTask, *, now: datetime | None = None, **values):
    """An objection through the service, with its code."""
    data = objections.ObjectionInput(text=values.pop("text", "园区东侧仍有污水直排，请核实。"),
                                     contact=values.pop("contact", PHONE), name=values.pop("name", NAME),
                                     file=values.pop("file", None))
    return objections.submit_objection(session, task, data, SECRET, rules=rules(), upload_dir=values.pop("dir", ""),
                                       max_bytes=1 << 20, now=now)


def events(session, task: RectificationTask) -> list[TaskEvent]:
    return list(session.scalars(select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id)))


def audit_count(session, action: str) -> int:
    return int(session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action)) or 0)


def audits(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))

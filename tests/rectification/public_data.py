"""A hand-built public ledger for the public pages' tests: tasks in every status, a sub-task, a second district
and lead unit, a second published round and a draft round, with today's date (the city's) as the reference."""
from datetime import datetime, timedelta, timezone

from app.i18n import local_today
from app.rectification.models import RoundState, TaskEvent, TaskEvidence
from app.rectification.workflow import Progress, TaskState
from app.web import uploads
from app.rectification.storage import evidence_dir
from tests import factories
from tests.rectification.conftest import make_round, make_task


def build(session, ledger) -> dict:
    """Tasks by name. Counted (top-level, published): 8 — done 3 (closed 1, in notice 1, reported done 1), behind 2,
    long-term 1, on schedule 2; `sub` (a sub-task of `on_time`) and `draft` (a draft round's) are not counted."""
    today = local_today()
    task = ledger["task"]
    other_place = factories.place(session, code="hills", name_zh_hans="白河县", name_en="Baihe County")
    second = make_round(session, code="PROV", title_zh_hans="省级生态环境保护督察", title_en="Provincial inspection")
    draft = make_round(session, code="DRAFT", state=RoundState.DRAFT, title_zh_hans="草稿轮次", title_en="Draft round")
    tasks = {
        "on_time": task(due_on=today + timedelta(days=200)),
        "late": task(due_on=today - timedelta(days=1)),
        "reported_behind": task(due_on=today + timedelta(days=200), progress=Progress.BEHIND),
        "long_term": task(due_on=None),
        "closed": task(state=TaskState.CLOSED, closed_at=datetime.now(timezone.utc) - timedelta(days=3)),
        "in_notice": task(state=TaskState.IN_NOTICE, notice_starts_on=today - timedelta(days=2),
                          notice_ends_on=today + timedelta(days=5), completion_zh_hans="污水管网已建成并投入运行"),
        "reported_done": task(due_on=today - timedelta(days=30), progress=Progress.DONE),
        "elsewhere": make_task(session, second, other_place, ledger["other"], due_on=today + timedelta(days=100)),
        "draft": make_task(session, draft, ledger["district"], ledger["lead"], problem_zh_hans="草稿问题不应公开"),
    }
    tasks["sub"] = task(parent_id=tasks["on_time"].id, due_on=today - timedelta(days=5))
    session.flush()
    return tasks


def evidence(session, app, task, *, public: bool, purpose="progress", name="现场照片.pdf", **values) -> TaskEvidence:
    """A stored PDF evidence file of `task`."""
    stored = uploads.store(b"%PDF-1.4\n%evidence\n", name, "pdf", evidence_dir(app.config["UPLOAD_DIR"]))
    row = TaskEvidence(task_id=task.id, purpose=purpose, public=public, stored_name=stored.stored_name,
                       original_name=stored.original_name, kind=stored.kind, size=stored.size,
                       sha256=stored.sha256, **values)
    session.add(row)
    session.flush()
    return row


def event(session, task, step: str, *, public: bool = True, note: str = "", at=None) -> TaskEvent:
    row = TaskEvent(task_id=task.id, step=step, public=public, note=note, at=at or datetime.now(timezone.utc))
    session.add(row)
    session.flush()
    return row

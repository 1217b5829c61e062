"""Bench rectification ledger: one published inspection round topped up to a number of tasks, bulk-inserted into the
demo database, and the public pages' render time without the cache.

Run as `python -m tests.bench.ledger_data <command> …` with DATABASE_URL set; each command prints one JSON line:
  load <tasks>   top the bench round up to <tasks> tasks             → {"tasks", "added", "rows", "seconds", …,
                                                                        "district", "task"}
  cold <repeat> <district> <task>
                 request the index, a filtered index and a task page in-process, each <repeat> times with the
                 cache emptied before every request (the cost of the first request after a change), then five
                 times as often with the cache kept      → {"index_ms", "index_warm_ms", "filtered_ms", …}

The tasks spread over the demo's city and districts and its bureaus as lead units (a third with a co-operating
unit), deadlines from two years ago to two years ahead (one in ten 长期坚持), in every state in a real ledger's
proportions (a quarter closed, some in the closure procedure and in public notice, a few reopened), with graded
progress; one in fifty has two sub-tasks; each has two accepted monthly reports and its timeline entries. Rows are
written directly in batches (executemany on SQLite, COPY on PostgreSQL) in one transaction, then the ledger
generation is bumped (no ORM flush saw the rows) and the statistics refreshed.
"""
import json
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select, text

from app import create_app
from app.db_types import analyze
from app.extensions import db
from app.i18n import local_today
from app.org.models import Bureau, Place, PlaceLevel
from app.rectification import cache
from app.rectification.models import (InspectionRound, ProgressReport, RectificationTask, RoundKind, RoundState,
                                      TaskEvent, TaskUnit)
from tests.bench.survey_data import insert_rows

ROUND_CODE = "BENCH-CI"
BATCH = 20_000
# (state, share in a thousand) as real ledgers stand some years after the feedback.
STATES = [("in_progress", 550), ("reopened", 30), ("closure_requested", 50), ("accepted", 40), ("in_notice", 30),
          ("closed", 300)]
PROGRESS = ["on_schedule", "on_schedule", "behind", "done", "basically_done", "long_term", None]
PROBLEMS = ["工业园区污水收集管网不完善，部分企业废水直排河道", "城区建筑工地扬尘管控不到位，渣土车未密闭运输",
            "垃圾填埋场渗滤液处理能力不足，存在外溢风险", "饮用水水源保护区内仍有违法建筑未拆除",
            "部分乡镇污水处理厂长期超标排放，运行管理不规范", "矿山生态修复进度滞后，部分区域植被恢复差"]
TASK_COLUMNS = ["id", "round_id", "parent_id", "code", "source_ref", "state", "problem_zh_hans", "problem_zh_hant",
                "problem_en", "target_zh_hans", "target_zh_hant", "target_en", "measures_zh_hans", "measures_zh_hant",
                "measures_en", "place_id", "lead_bureau_id", "responsible_text", "deadline_text", "due_on",
                "due_precision", "long_term", "immediate", "progress", "last_report_on", "next_report_due",
                "completion_zh_hans", "completion_zh_hant", "completion_en", "notice_starts_on", "notice_ends_on",
                "closed_at", "reopened_at", "reopen_reason", "created_at", "updated_at"]
UNIT_COLUMNS = ["task_id", "bureau_id", "role"]
REPORT_COLUMNS = ["task_id", "bureau_id", "period", "progress", "text", "state", "submitted_at", "reviewed_at",
                  "review_note"]
EVENT_COLUMNS = ["task_id", "at", "step", "public", "note"]
# The timeline steps a task in each state has been through (after its creation).
STEPS = {"in_progress": [], "reopened": ["apply_closure", "accept", "start_notice", "close", "reopen"],
         "closure_requested": ["apply_closure"], "accepted": ["apply_closure", "accept"],
         "in_notice": ["apply_closure", "accept", "start_notice"],
         "closed": ["apply_closure", "accept", "start_notice", "close"]}


def _state(n: int) -> str:
    if n % 100 == 1:  # one in notice in every hundred, whatever the size (the task page measured)
        return "in_notice"
    slot = (n * 37) % 1000  # spread the states evenly over the codes
    for state, share in STATES:
        if slot < share:
            return state
        slot -= share
    return "in_progress"


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _round(session) -> InspectionRound:
    found = session.scalar(select(InspectionRound).where(InspectionRound.code == ROUND_CODE))
    if found is None:
        found = InspectionRound(code=ROUND_CODE, kind=RoundKind.CENTRAL, state=RoundState.PUBLISHED,
                                title_zh_hans="第二轮中央生态环境保护督察反馈问题(压测)",
                                title_en="Second central inspection (bench)", batch="第二轮",
                                rule_zh_hans="某省生态环境保护督察整改工作实施办法", feedback_on=date(2024, 1, 15),
                                published_at=datetime.now(timezone.utc))
        session.add(found)
        session.flush()
    return found


def load(session, total: int) -> dict:
    started = time.perf_counter()
    postgres = session.get_bind().dialect.name == "postgresql"
    today = local_today()
    now = datetime.now(timezone.utc)
    round_ = _round(session)
    have = session.scalar(select(func.count()).select_from(RectificationTask)
                          .where(RectificationTask.round_id == round_.id, RectificationTask.parent_id.is_(None)))
    wanted = max(total - have, 0)
    places = list(session.scalars(select(Place).where(Place.active.is_(True)).order_by(Place.level, Place.id)))
    districts = [p for p in places if p.level == PlaceLevel.DISTRICT]
    bureaus = list(session.scalars(select(Bureau).where(Bureau.active.is_(True)).order_by(Bureau.id)))
    next_id = (session.scalar(select(func.max(RectificationTask.id))) or 0) + 1
    tasks, units, reports, events = [], [], [], []

    def add(n: int, task_id: int, parent_id: int | None, code: str, place, lead) -> None:
        state = _state(n)
        long_term = n % 10 == 3
        due = None if long_term else _month_end(today + timedelta(days=(n * 97) % 1460 - 730))
        progress = PROGRESS[n % len(PROGRESS)] if state in ("in_progress", "reopened") else "done"
        reported = _month_end(today.replace(day=1) - timedelta(days=1))
        notice = state == "in_notice"
        problem = PROBLEMS[n % len(PROBLEMS)] + f"({n + 1})"
        tasks.append((task_id, round_.id, parent_id, code, f"第{n + 1}项", state, problem, "", "",
                      "按期完成整改并通过验收", "", "", "制定整改方案，落实责任，加强巡查", "", "", place.id, lead.id,
                      lead.name_zh_hans, f"{due.year}年{due.month}月底前" if due else "长期坚持", due,
                      "month" if due else None, long_term, False, progress, reported,
                      _month_end(reported + timedelta(days=1)) if state in ("in_progress", "reopened") else None,
                      "已完成整改" if state not in ("in_progress", "reopened") else "", "", "",
                      today - timedelta(days=2) if notice else None, today + timedelta(days=5) if notice else None,
                      now - timedelta(days=n % 300 + 1) if state == "closed" else None,
                      now - timedelta(days=20) if state == "reopened" else None,
                      "整改不彻底，问题反弹" if state == "reopened" else "", now - timedelta(days=700), now))
        units.append((task_id, lead.id, "lead"))
        if n % 3 == 0:
            other = bureaus[(bureaus.index(lead) + 1) % len(bureaus)]
            units.append((task_id, other.id, "cooperating"))
        for back in (2, 1):
            period_end = _month_end(today.replace(day=1) - timedelta(days=28 * back))
            reports.append((task_id, lead.id, f"{period_end:%Y-%m}", progress or "on_schedule",
                            "按序时进度推进，已完成阶段性目标", "accepted", now - timedelta(days=30 * back),
                            now - timedelta(days=30 * back - 2), ""))
        for k, step in enumerate(STEPS[state]):
            events.append((task_id, now - timedelta(days=60 - 10 * k), step, True, ""))

    n = have
    for _ in range(wanted):
        parent_id = next_id
        add(n, parent_id, None, f"BENCH-{n + 1:06d}", places[n % len(places)], bureaus[n % len(bureaus)])
        next_id += 1
        if n % 50 == 7:
            for s in range(2):
                add(n + s + 1, next_id, parent_id, f"BENCH-{n + 1:06d}-{s + 1}", districts[(n + s) % len(districts)],
                    bureaus[(n + s + 1) % len(bureaus)])
                next_id += 1
        n += 1
        if len(tasks) >= BATCH:
            _write(session, tasks, units, reports, events)
    _write(session, tasks, units, reports, events)
    rows_seconds = time.perf_counter() - started
    if postgres:  # ids were given explicitly: move the sequence past them for later inserts
        session.execute(text("SELECT setval(pg_get_serial_sequence('rectification_tasks', 'id'), "
                             "(SELECT max(id) FROM rectification_tasks))"))
    cache.bump(session.connection())  # the rows went around the ORM: no flush saw them
    session.commit()
    analyze(session)
    session.commit()
    stored = session.scalar(select(func.count()).select_from(RectificationTask)
                            .where(RectificationTask.round_id == round_.id))
    rich = session.scalar(select(RectificationTask.code).where(RectificationTask.round_id == round_.id,
                                                               RectificationTask.state == "in_notice",
                                                               RectificationTask.parent_id.is_(None))
                          .order_by(RectificationTask.id).limit(1))
    return {"tasks": total, "added": wanted, "rows": stored, "seconds": time.perf_counter() - started,
            "rows_seconds": rows_seconds, "district": districts[0].code, "task": rich}


def _write(session, tasks: list, units: list, reports: list, events: list) -> None:
    for table, columns, rows in ((RectificationTask.__table__, TASK_COLUMNS, tasks),
                                 (TaskUnit.__table__, UNIT_COLUMNS, units),
                                 (ProgressReport.__table__, REPORT_COLUMNS, reports),
                                 (TaskEvent.__table__, EVENT_COLUMNS, events)):
        if rows:
            insert_rows(session, table, columns, rows)
        rows.clear()


def cold(app, repeat: int, district: str, task: str) -> dict:
    """Median in-process request times (ms) with the cache emptied before each request (`<page>_ms`), and with
    the cache kept (`<page>_warm_ms`, steadier than wrk's figures on a shared machine)."""
    client = app.test_client()
    paths = {"index": "/rectification/", "filtered": f"/rectification/?district={district}&status=behind",
             "task": f"/rectification/tasks/{task}"}
    result = {}
    for name, path in paths.items():
        assert client.get(path).status_code == 200  # templates compiled, connections open
        for warm in (False, True):
            times = []
            for _ in range(repeat * (5 if warm else 1)):
                if not warm:
                    cache.clear(app)
                begun = time.perf_counter()
                assert client.get(path).status_code == 200
                times.append((time.perf_counter() - begun) * 1000)
            result[f"{name}_warm_ms" if warm else f"{name}_ms"] = statistics.median(times)
    return result


def main() -> None:
    if len(sys.argv) < 3 or sys.argv[1] not in ("load", "cold"):
        sys.exit("usage: python -m tests.bench.ledger_data load <tasks> | cold <repeat> <district> <task code>")
    app = create_app()
    with app.app_context():
        if sys.argv[1] == "load":
            print(json.dumps(load(db.session, int(sys.argv[2]))))
        else:
            print(json.dumps(cold(app, int(sys.argv[2]), sys.argv[3], sys.argv[4])))


if __name__ == "__main__":
    main()

"""Rectification ledger tests read refusals and page texts in English, the source language (a test may still ask
for another language with ?lang=, or mark itself `chinese_pages` to read the default Simplified Chinese pages).

`ledger` builds a published round with tasks as factories (no services), for tests of any part of the module."""
import itertools
from datetime import date

import pytest

from app.rectification.models import (InspectionRound, RectificationTask, RoundKind, RoundState, TaskUnit,
                                      UnitRole)
from app.rectification.workflow import TaskState
from tests import factories

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def english(request):
    if "app" not in request.fixturenames:
        yield
        return
    if "client" in request.fixturenames and not request.node.get_closest_marker("chinese_pages"):
        request.getfixturevalue("client").set_cookie("lang", "en")
    with request.getfixturevalue("app").test_request_context("/?lang=en"):
        yield


def make_round(session, **values) -> InspectionRound:
    n = next(_seq)
    defaults = dict(code=f"R{n}", kind=RoundKind.CENTRAL, state=RoundState.PUBLISHED,
                    title_zh_hans=f"第二轮中央生态环境保护督察反馈问题{n}", title_en=f"Second central inspection {n}",
                    batch="", notice_days=7, notice_working_days=False, report_interval_months=1)
    defaults.update(values)
    row = InspectionRound(**defaults)
    session.add(row)
    session.flush()
    return row


def make_task(session, round_, place, lead, *, state=TaskState.IN_PROGRESS, due_on=date(2027, 6, 30),
              **values) -> RectificationTask:
    """A task of `round_` in `place`, led by the bureau `lead` (also listed as its lead unit)."""
    n = next(_seq)
    defaults = dict(code=f"T-{n:04d}", source_ref=f"第{n}项", problem_zh_hans=f"某工业园区污水直排问题{n}",
                    problem_en=f"Untreated waste water from an industrial park {n}", target_zh_hans="完成整改",
                    measures_zh_hans="建设污水管网", deadline_text="2027年6月底前" if due_on else "长期坚持",
                    due_precision="month" if due_on else None, long_term=due_on is None)
    defaults.update(values)
    row = RectificationTask(round_id=round_.id, place_id=place.id, lead_bureau_id=lead.id, state=state,
                            due_on=due_on, **defaults)
    row.units.append(TaskUnit(bureau_id=lead.id, role=UnitRole.LEAD))
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def ledger(session):
    """A published round in one district, its staff (admin, the lead unit's editor, another bureau's editor),
    and a maker of tasks: `ledger["task"](**values)`."""
    staff = factories.staff_set(session)
    district = factories.place(session)
    round_ = make_round(session)
    home = staff["bureaus"]["home"]
    return {"round": round_, "district": district, "staff": staff, "lead": home,
            "other": staff["bureaus"]["other"],
            "task": lambda **values: make_task(session, round_, district, values.pop("lead", home), **values)}

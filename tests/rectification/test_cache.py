"""The ledger's rendered fragments are kept per worker under the ledger generation: a committed change in any
ledger table moves it and the page shows the change at once (in any worker); a rolled-back change does not; a
change of the city's date re-judges the statuses without any write."""
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import text, update

from app import create_app
from app.extensions import db
from app.i18n import local_today
from app.indicators import queries as indicator_queries
from app.rectification import cache
from app.rectification.models import (Acceptance, AcceptanceLevel, Objection, ProgressReport, RectificationTask,
                                      ReportState, TaskIndicator, TaskTip, TaskUnit, UnitRole)
from app.rectification.workflow import Progress
from app.tips.models import TipEvent
from tests import factories
from tests.conftest import IsolatedClient, base_config
from tests.rectification import public_data


@pytest.fixture
def task(session, ledger):
    row = ledger["task"](due_on=local_today() + timedelta(days=30))
    session.commit()
    return row


def page(client, task) -> str:
    return client.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)


def change_round(session, ledger, task):
    ledger["round"].title_en = "Renamed inspection round"
    return "Renamed inspection round"


def change_task(session, ledger, task):
    task.problem_en = "A problem written anew"
    return "A problem written anew"


def change_unit(session, ledger, task):
    session.add(TaskUnit(task_id=task.id, bureau_id=ledger["other"].id, role=UnitRole.SUPERVISING))
    return "Supervising unit"


def change_indicator(session, ledger, task):
    catalogue = factories.catalogue(session)
    indicator = indicator_queries.catalogue_indicators(session, catalogue)[0]
    session.add(TaskIndicator(task_id=task.id, indicator_id=indicator.id))
    return f'href="/indicators/{indicator.code}"'


def change_tip(session, ledger, task):
    tip = factories.tip(session)
    session.add(TaskTip(task_id=task.id, tip_id=tip.id))
    return tip.public_number


def change_report(session, ledger, task):
    session.add(ProgressReport(task_id=task.id, bureau_id=ledger["lead"].id, period="2026-10",
                               progress=Progress.ON_SCHEDULE, text="十月进展已核实", state=ReportState.ACCEPTED))
    return "十月进展已核实"


def change_evidence(session, ledger, task):
    public_data.evidence(session, current_app, task, public=True, description="新公开的证据")
    return "新公开的证据"


def change_acceptance(session, ledger, task):
    session.add(Acceptance(task_id=task.id, level=AcceptanceLevel.CITY, accepted_on=date(2026, 11, 1),
                           body="市级复核组", opinion="同意", passed=True))
    return "市级复核组"


def change_event(session, ledger, task):
    public_data.event(session, task, "apply_closure", note="新的时间线条目")
    return "新的时间线条目"


def change_bureau(session, ledger, task):
    ledger["lead"].name_en = "The renamed lead bureau"
    return "The renamed lead bureau"


@pytest.mark.parametrize("change", [change_round, change_task, change_unit, change_indicator, change_tip,
                                    change_report, change_evidence, change_acceptance, change_event, change_bureau],
                         ids=lambda change: change.__name__)
def test_a_committed_change_moves_the_generation_and_shows_on_the_next_page(client, session, ledger, task, change):
    before = page(client, task)  # now kept by this worker
    start = cache.generation(session)
    shown = change(session, ledger, task)
    assert shown not in before
    session.commit()
    assert cache.generation(session) > start
    assert shown in page(client, task)


def test_an_objection_moves_the_generation_though_the_page_never_shows_it(client, session, ledger, task):
    start = cache.generation(session)
    session.add(Objection(task_id=task.id, code_digest="y" * 64, text="异议", contact="13900000000"))
    session.commit()
    assert cache.generation(session) == start + 1
    assert "13900000000" not in page(client, task)


def test_a_rolled_back_change_does_not_move_the_generation(client, session, ledger, task):
    page(client, task)
    start = cache.generation(session)
    task.problem_en = "Never saved"
    session.flush()
    session.rollback()
    assert cache.generation(session) == start
    assert "Never saved" not in page(client, task)


def test_writes_outside_the_ledger_leave_the_generation_alone(session, ledger, task):
    start = cache.generation(session)
    factories.user(session, role="reviewer")
    session.commit()
    assert cache.generation(session) == start


def test_one_transaction_moves_the_generation_once(session, ledger, task):
    start = cache.generation(session)
    task.problem_en = "First"
    session.flush()
    task.target_en = "Second"
    session.add(TaskUnit(task_id=task.id, bureau_id=ledger["other"].id, role=UnitRole.COOPERATING))
    session.commit()
    assert cache.generation(session) == start + 1


def test_a_bulk_update_moves_the_generation(client, session, task):
    page(client, task)
    start = cache.generation(session)
    session.execute(update(RectificationTask).where(RectificationTask.id == task.id)
                    .values(problem_en="Rewritten in bulk"))
    session.commit()
    assert cache.generation(session) == start + 1
    assert "Rewritten in bulk" in page(client, task)


def test_pages_are_kept_until_the_generation_moves(client, session, task):
    """A write that goes around the ORM (here: raw SQL) does not move the generation, so the kept page is served:
    the proof that pages are kept; the next counted write shows both changes."""
    assert "Untreated waste water" in page(client, task)
    assert "Untreated waste water" in client.get("/rectification/").get_data(as_text=True)
    session.execute(text("UPDATE rectification_tasks SET problem_en = 'Changed behind the back' WHERE id = :id"),
                    {"id": task.id})
    session.commit()
    assert "Changed behind the back" not in page(client, task)
    assert "Changed behind the back" not in client.get("/rectification/").get_data(as_text=True)
    task.target_en = "A counted change"
    session.commit()
    assert "Changed behind the back" in page(client, task)
    assert "Changed behind the back" in client.get("/rectification/").get_data(as_text=True)


def test_the_city_date_is_part_of_the_key(client, session, task, monkeypatch):
    """A deadline passing at midnight turns a task behind schedule without any write."""
    from app.rectification import views
    html = page(client, task)
    assert "On schedule" in html
    monkeypatch.setattr(views, "local_today", lambda: task.due_on + timedelta(days=1))
    assert "Behind schedule" in page(client, task)
    assert "Behind schedule" in client.get("/rectification/?status=behind").get_data(as_text=True)


def test_another_worker_process_never_serves_a_stale_page(client, session, ledger, task, database_url, tmp_path):
    other = create_app({**base_config(database_url), "UPLOAD_DIR": str(tmp_path / "other")})
    other.test_client_class = IsolatedClient
    try:
        second_worker = other.test_client()
        second_worker.set_cookie("lang", "en")
        assert "On schedule" in second_worker.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)
        task.state = "closed"
        task.closed_at = datetime.now(timezone.utc)
        session.commit()  # through the first worker's session
        html = second_worker.get(f"/rectification/tasks/{task.code}").get_data(as_text=True)
        assert "On schedule" not in html and "Closed on" in html
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_fragments_of_each_language_and_filter_are_kept_apart(client, session, task):
    english = client.get("/rectification/").get_data(as_text=True)
    chinese = client.get("/rectification/?lang=zh_Hans").get_data(as_text=True)
    assert "Untreated waste water" in english and "某工业园区污水直排问题" not in english
    assert "某工业园区污水直排问题" in chinese and "Untreated waste water" not in chinese
    behind = client.get("/rectification/?status=behind&lang=en").get_data(as_text=True)
    assert task.code not in behind


def test_a_linked_tip_reclassified_moves_the_generation_an_unlinked_one_does_not(client, session, ledger, task):
    linked, unlinked = factories.tip(session), factories.tip(session)
    session.add(TaskTip(task_id=task.id, tip_id=linked.id))
    session.commit()
    other_kind = unlinked.categories[0]
    assert other_kind.name_zh_hans not in page(client, task)
    start = cache.generation(session)
    unlinked.address = "另一个地址"
    session.commit()
    assert cache.generation(session) == start
    linked.categories = [other_kind]
    session.commit()
    assert cache.generation(session) == start + 1
    assert other_kind.name_zh_hans in page(client, task)


def test_a_linked_tip_moves_the_generation_only_for_what_the_ledger_prints(client, session, ledger, task):
    linked, other = factories.tip(session), factories.place(session)
    session.add(TaskTip(task_id=task.id, tip_id=linked.id))
    session.commit()
    start = cache.generation(session)
    linked.address = "另一个地址"  # not printed on the ledger
    linked.reply = "已受理"
    session.add(TipEvent(tip=linked, step="note", note="内部备注", public=False))
    session.commit()
    assert cache.generation(session) == start
    linked.district_id = other.id
    session.commit()
    assert cache.generation(session) == start + 1
    assert other.name_en in page(client, task)

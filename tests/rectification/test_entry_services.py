"""Entering the ledger: rounds drafted, corrected and published; tasks registered with their units, deadline,
indicator links and sub-tasks, numbered in the round, corrected with public entries where the public sees a
change; every refusal names its field and saves nothing; only the office writes."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit import AuditEntry
from app.db_types import utcnow
from app.errors import ActionRefused, StepNotAllowed
from app.indicators.models import Indicator
from app.rectification import services
from app.rectification.models import (InspectionRound, RectificationTask, RoundState, TaskEvent, TaskIndicator,
                                      UnitRole)
from app.rectification.policy import LedgerNotPermitted
from app.rectification.workflow import TaskState
from tests import factories
from tests.rectification.conftest import make_round

TODAY = date(2026, 3, 10)


def _round_input(**values) -> services.RoundInput:
    data = dict(code="2026-CI", kind="central", title_zh_hans="第三轮中央生态环境保护督察反馈问题",
                title_en="Third central inspection", batch="第三轮", notice_days=7, report_interval_months=1)
    data.update(values)
    return services.RoundInput(**data)


def _task_input(ledger, **values) -> services.TaskInput:
    data = dict(problem_zh_hans="某工业园区污水处理厂超标排放", place_id=ledger["district"].id,
                lead_bureau_id=ledger["lead"].id, deadline_text="2026年12月底前", source_ref="第7项",
                measures_zh_hans="提标改造", target_zh_hans="稳定达标排放")
    data.update(values)
    return services.TaskInput(**data)


def _audits(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _events(session, task) -> list[tuple[str, bool, str]]:
    return [(e.step, e.public, e.note) for e in session.scalars(
        select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.id))]


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- rounds -------------------------------------------------------------------------------------------------

def test_a_new_round_is_a_draft_and_audited(session, staff):
    row = services.create_round(session, staff["admin"], _round_input())
    assert row.state is RoundState.DRAFT and row.published_at is None
    assert row.code == "2026-CI" and row.report_interval_months == 1
    [entry] = _audits(session, "rectification.round_create")
    assert entry.object_id == str(row.id) and entry.after["code"] == "2026-CI"


def test_publishing_a_round_makes_it_public_once(session, staff):
    row = services.create_round(session, staff["admin"], _round_input())
    services.publish_round(session, staff["admin"], row)
    assert row.state is RoundState.PUBLISHED and row.published_at is not None
    [entry] = _audits(session, "rectification.round_publish")
    assert entry.before["state"] == "draft" and entry.after["state"] == "published"
    with pytest.raises(StepNotAllowed):
        services.publish_round(session, staff["admin"], row)


@pytest.mark.parametrize(("values", "field"), [
    ({"code": ""}, "code"),
    ({"code": "2026 CI"}, "code"),
    ({"code": "-CI"}, "code"),
    ({"code": "督察2026"}, "code"),
    ({"code": "X" * 21}, "code"),
    ({"kind": "rumour"}, "kind"),
    ({"title_zh_hans": "  "}, "title_zh_hans"),
    ({"notice_days": 0}, "notice_days"),
    ({"notice_days": 61}, "notice_days"),
    ({"report_interval_months": 0}, "report_interval_months"),
    ({"report_interval_months": 13}, "report_interval_months"),
])
def test_a_round_with_bad_input_is_refused_on_its_field(session, staff, values, field):
    with pytest.raises(ActionRefused) as refused:
        services.create_round(session, staff["admin"], _round_input(**values))
    assert refused.value.field == field
    assert _count(session, InspectionRound) == 0


def test_round_codes_are_unique(session, staff):
    services.create_round(session, staff["admin"], _round_input())
    with pytest.raises(ActionRefused, match="Another round has this code") as refused:
        services.create_round(session, staff["admin"], _round_input(title_zh_hans="另一轮"))
    assert refused.value.field == "code"


def test_a_rounds_code_is_fixed_once_it_has_tasks(session, ledger):
    admin, round_ = ledger["staff"]["admin"], ledger["round"]
    services.update_round(session, admin, round_, _round_input(code="NEW-1", title_zh_hans="改名"))
    assert round_.code == "NEW-1" and round_.title_zh_hans == "改名"
    [entry] = _audits(session, "rectification.round_update")
    assert entry.after["code"] == "NEW-1" and entry.before["code"] != "NEW-1"
    ledger["task"]()
    with pytest.raises(ActionRefused, match="cannot change") as refused:
        services.update_round(session, admin, round_, _round_input(code="NEW-2"))
    assert refused.value.field == "code"
    services.update_round(session, admin, round_, _round_input(code="NEW-1", notice_days=10, notice_working_days=True))
    assert round_.notice_days == 10 and round_.notice_working_days


@pytest.mark.parametrize("who", ["bureau_editor", "other_editor", "reviewer"])
def test_only_the_office_writes_rounds(session, ledger, who):
    user = ledger["staff"][who]
    with pytest.raises(LedgerNotPermitted):
        services.create_round(session, user, _round_input())
    with pytest.raises(LedgerNotPermitted):
        services.update_round(session, user, ledger["round"], _round_input())
    draft = make_round(session, state=RoundState.DRAFT)
    with pytest.raises(LedgerNotPermitted):
        services.publish_round(session, user, draft)
    assert draft.state is RoundState.DRAFT


# --- tasks --------------------------------------------------------------------------------------------------

def test_a_registered_task_has_its_number_units_deadline_and_first_report_due(session, ledger):
    admin, other, round_ = ledger["staff"]["admin"], ledger["other"], ledger["round"]
    supervisor = factories.bureau(session, name_zh_hans="市生态环境保护督察办公室")
    task = services.create_task(session, admin, round_, _task_input(
        ledger, cooperating_ids=[other.id], supervising_ids=[supervisor.id],
        responsible_text="市生态环境局牵头，市水利和湖泊局配合", problem_en="Effluent over the limits",
        deadline_text="2026年12月底前完成，长期坚持"), today=TODAY)
    assert task.code == f"{round_.code}-001" and task.state is TaskState.IN_PROGRESS
    assert task.problem_en == "Effluent over the limits" and task.source_ref == "第7项"
    assert task.responsible_text == "市生态环境局牵头，市水利和湖泊局配合"
    assert {(u.bureau_id, u.role) for u in task.units} == {
        (ledger["lead"].id, UnitRole.LEAD), (other.id, UnitRole.COOPERATING), (supervisor.id, UnitRole.SUPERVISING)}
    assert (task.deadline_text, task.due_on, task.due_precision, task.long_term, task.immediate) == (
        "2026年12月底前完成，长期坚持", date(2026, 12, 31), "month", True, False)
    assert task.next_report_due == date(2026, 4, 30)  # monthly: the first report covers this month and the next
    assert _events(session, task) == [("registered", True, "")]
    [entry] = _audits(session, "rectification.task_create")
    assert entry.after["code"] == task.code and [other.id, "cooperating"] in entry.after["units"]


def test_tasks_are_numbered_in_their_round_and_sub_tasks_under_their_parent(session, ledger):
    admin, round_ = ledger["staff"]["admin"], ledger["round"]
    first = services.create_task(session, admin, round_, _task_input(ledger, source_ref="1"), today=TODAY)
    second = services.create_task(session, admin, round_, _task_input(ledger, source_ref="2"), today=TODAY)
    sub1 = services.create_task(session, admin, round_, _task_input(ledger, source_ref="2-1", parent_id=second.id),
                                today=TODAY)
    sub2 = services.create_task(session, admin, round_, _task_input(ledger, source_ref="2-2", parent_id=second.id),
                                today=TODAY)
    third = services.create_task(session, admin, round_, _task_input(ledger, source_ref="3"), today=TODAY)
    assert [t.code for t in (first, second, sub1, sub2, third)] == [
        f"{round_.code}-001", f"{round_.code}-002", f"{round_.code}-002.1", f"{round_.code}-002.2",
        f"{round_.code}-003"]
    session.expire(second)
    assert [t.code for t in second.subtasks] == [sub1.code, sub2.code] and sub1.parent is second


def test_a_round_with_a_longer_interval_sets_the_first_report_later(session, ledger):
    round_ = make_round(session, report_interval_months=3)
    task = services.create_task(session, ledger["staff"]["admin"], round_, _task_input(ledger), today=TODAY)
    assert task.next_report_due == date(2026, 6, 30)


def test_a_task_links_indicators(session, ledger):
    factories.catalogue(session)
    ids = list(session.scalars(select(Indicator.id).order_by(Indicator.id).limit(2)))
    task = services.create_task(session, ledger["staff"]["admin"], ledger["round"],
                                _task_input(ledger, indicator_ids=ids + ids[:1]), today=TODAY)
    assert sorted(session.scalars(select(TaskIndicator.indicator_id).where(TaskIndicator.task_id == task.id))) == ids


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"problem_zh_hans": " "}, "problem_zh_hans", "Describe the problem"),
    ({"place_id": None}, "place_id", "Choose the district"),
    ({"place_id": 999999}, "place_id", "Choose the district"),
    ({"lead_bureau_id": None}, "lead_bureau_id", "Choose the lead unit"),
    ({"lead_bureau_id": 999999}, "lead_bureau_id", "Choose the lead unit"),
    ({"cooperating_ids": [999999]}, "cooperating_ids", "Choose units from the list"),
    ({"supervising_ids": [999999]}, "supervising_ids", "Choose units from the list"),
    ({"deadline_text": "尽快"}, "deadline_text", "The deadline “尽快” cannot be read"),
    ({"deadline_text": "6月底前"}, "deadline_text", "gives no year"),
    ({"deadline_text": "2026年2月30日"}, "deadline_text", "does not exist"),
    ({"deadline_text": ""}, "deadline_text", "Give the deadline"),
    ({"deadline_text": "2026年" + "底" * 100}, "deadline_text", "at most 100 characters"),
    ({"indicator_ids": [999999]}, "indicator_ids", "Choose indicators"),
    ({"source_ref": "x" * 101}, "source_ref", "at most 100"),
    ({"responsible_text": "x" * 301}, "responsible_text", "at most 300"),
    ({"parent_id": 999999}, "parent_id", "same round"),
])
def test_a_task_with_bad_input_is_refused_on_its_field_and_nothing_is_saved(session, ledger, values, field, message):
    with pytest.raises(ActionRefused, match=message) as refused:
        services.create_task(session, ledger["staff"]["admin"], ledger["round"], _task_input(ledger, **values),
                             today=TODAY)
    assert refused.value.field == field
    assert _count(session, RectificationTask) == 0 and _count(session, TaskEvent) == 0


def test_the_lead_is_listed_once_and_a_unit_has_one_role(session, ledger):
    admin, lead, other = ledger["staff"]["admin"], ledger["lead"], ledger["other"]
    with pytest.raises(ActionRefused, match="listed once") as refused:
        services.create_task(session, admin, ledger["round"], _task_input(ledger, cooperating_ids=[lead.id]),
                             today=TODAY)
    assert refused.value.field == "cooperating_ids"
    with pytest.raises(ActionRefused, match="not both") as refused:
        services.create_task(session, admin, ledger["round"],
                             _task_input(ledger, cooperating_ids=[other.id], supervising_ids=[other.id]), today=TODAY)
    assert refused.value.field == "supervising_ids"


def test_an_inactive_place_or_unit_is_refused(session, ledger):
    ledger["district"].active = False
    with pytest.raises(ActionRefused) as refused:
        services.create_task(session, ledger["staff"]["admin"], ledger["round"], _task_input(ledger), today=TODAY)
    assert refused.value.field == "place_id"
    ledger["district"].active, ledger["other"].active = True, False
    with pytest.raises(ActionRefused) as refused:
        services.create_task(session, ledger["staff"]["admin"], ledger["round"],
                             _task_input(ledger, cooperating_ids=[ledger["other"].id]), today=TODAY)
    assert refused.value.field == "cooperating_ids"


def test_source_references_are_unique_in_a_round(session, ledger):
    admin = ledger["staff"]["admin"]
    first = services.create_task(session, admin, ledger["round"], _task_input(ledger), today=TODAY)
    with pytest.raises(ActionRefused, match=f"Task {first.code} of this round has the source reference 第7项"):
        services.create_task(session, admin, ledger["round"], _task_input(ledger), today=TODAY)
    # Another round may use the same reference; an empty one is never a clash.
    services.create_task(session, admin, make_round(session), _task_input(ledger), today=TODAY)
    services.create_task(session, admin, ledger["round"], _task_input(ledger, source_ref=""), today=TODAY)
    services.create_task(session, admin, ledger["round"], _task_input(ledger, source_ref=""), today=TODAY)


def test_sub_tasks_are_one_level_deep_and_in_the_same_round(session, ledger):
    admin = ledger["staff"]["admin"]
    parent = services.create_task(session, admin, ledger["round"], _task_input(ledger, source_ref="1"), today=TODAY)
    child = services.create_task(session, admin, ledger["round"], _task_input(ledger, source_ref="1-1",
                                                                             parent_id=parent.id), today=TODAY)
    with pytest.raises(ActionRefused, match="sub-task itself"):
        services.create_task(session, admin, ledger["round"], _task_input(ledger, source_ref="1-1-1",
                                                                         parent_id=child.id), today=TODAY)
    with pytest.raises(ActionRefused, match="same round"):
        services.create_task(session, admin, make_round(session), _task_input(ledger, parent_id=parent.id),
                             today=TODAY)


@pytest.mark.parametrize("who", ["bureau_editor", "other_editor", "tip_handler"])
def test_only_the_office_registers_and_corrects_tasks(session, ledger, who):
    user = ledger["staff"][who]
    with pytest.raises(LedgerNotPermitted):
        services.create_task(session, user, ledger["round"], _task_input(ledger), today=TODAY)
    task = ledger["task"]()
    with pytest.raises(LedgerNotPermitted):
        services.update_task(session, user, task, _task_input(ledger, problem_zh_hans="改"), today=TODAY)
    assert task.problem_zh_hans != "改"


# --- corrections --------------------------------------------------------------------------------------------

def _registered(session, ledger, **values):
    return services.create_task(session, ledger["staff"]["admin"], ledger["round"], _task_input(ledger, **values),
                                today=TODAY)


def test_a_new_deadline_is_a_public_entry_with_the_old_and_new_text(session, ledger):
    task = _registered(session, ledger)
    services.update_task(session, ledger["staff"]["admin"], task, _task_input(ledger, deadline_text="2027年6月底前"),
                         today=TODAY)
    assert (task.due_on, task.deadline_text) == (date(2027, 6, 30), "2027年6月底前")
    assert _events(session, task)[1:] == [("deadline_changed", True, "2026年12月底前 → 2027年6月底前")]
    [entry] = _audits(session, "rectification.task_update")
    assert entry.before["due_on"] == "2026-12-31" and entry.after["due_on"] == "2027-06-30"


def test_new_units_are_a_public_entry_naming_them(session, ledger):
    task = _registered(session, ledger)
    services.update_task(session, ledger["staff"]["admin"], task,
                         _task_input(ledger, cooperating_ids=[ledger["other"].id]), today=TODAY)
    assert _events(session, task)[1:] == [("units_changed", True, "市生态环境局 → 市生态环境局、市水利和湖泊局")]
    services.update_task(session, ledger["staff"]["admin"], task,
                         _task_input(ledger, lead_bureau_id=ledger["other"].id), today=TODAY)
    assert task.lead_bureau_id == ledger["other"].id
    assert {(u.bureau_id, u.role) for u in task.units} == {(ledger["other"].id, UnitRole.LEAD)}


def test_other_corrections_are_internal_entries_and_audited(session, ledger):
    task = _registered(session, ledger)
    services.update_task(session, ledger["staff"]["admin"], task,
                         _task_input(ledger, measures_en="Upgrade the plant", problem_zh_hans="污水处理厂超标"),
                         today=TODAY)
    assert task.measures_en == "Upgrade the plant"
    assert _events(session, task)[1:] == [("edited", False, "")]
    [entry] = _audits(session, "rectification.task_update")
    assert entry.before["measures_en"] == "" and entry.after["measures_en"] == "Upgrade the plant"
    assert entry.after["problem_zh_hans"] == "污水处理厂超标"


def test_saving_an_unchanged_task_writes_nothing(session, ledger):
    task = _registered(session, ledger)
    services.update_task(session, ledger["staff"]["admin"], task, _task_input(ledger), today=TODAY)
    assert _events(session, task) == [("registered", True, "")]
    assert _audits(session, "rectification.task_update") == []


def test_a_closed_tasks_record_stays_but_translations_may_be_added(session, ledger):
    task = _registered(session, ledger)
    task.state, task.closed_at = TaskState.CLOSED, utcnow()
    session.flush()
    admin = ledger["staff"]["admin"]
    for values in ({"problem_zh_hans": "改写"}, {"deadline_text": "2027年底"},
                   {"cooperating_ids": [ledger["other"].id]}, {"lead_bureau_id": ledger["other"].id}):
        with pytest.raises(ActionRefused, match="stays as it was closed"):
            services.update_task(session, admin, task, _task_input(ledger, **values), today=TODAY)
    services.update_task(session, admin, task, _task_input(ledger, problem_en="Effluent", problem_zh_hant="污水"),
                         today=TODAY)
    assert task.problem_en == "Effluent" and task.problem_zh_hans == "某工业园区污水处理厂超标排放"


@pytest.mark.parametrize("state", [TaskState.CLOSURE_REQUESTED, TaskState.ACCEPTED])
def test_the_lead_unit_stays_while_closure_is_handled(session, ledger, state):
    task = _registered(session, ledger)
    task.state = state
    session.flush()
    with pytest.raises(ActionRefused, match="closure is being handled") as refused:
        services.update_task(session, ledger["staff"]["admin"], task,
                             _task_input(ledger, lead_bureau_id=ledger["other"].id), today=TODAY)
    assert refused.value.field == "lead_bureau_id" and task.lead_bureau_id == ledger["lead"].id


def test_a_tasks_parent_is_fixed_and_its_source_reference_may_not_clash(session, ledger):
    parent = _registered(session, ledger, source_ref="1")
    task = _registered(session, ledger, source_ref="2")
    with pytest.raises(ActionRefused, match="number shows it"):
        services.update_task(session, ledger["staff"]["admin"], task, _task_input(ledger, source_ref="2",
                                                                                 parent_id=parent.id), today=TODAY)
    with pytest.raises(ActionRefused, match="source reference 1"):
        services.update_task(session, ledger["staff"]["admin"], task, _task_input(ledger, source_ref="1"),
                             today=TODAY)
    services.update_task(session, ledger["staff"]["admin"], task, _task_input(ledger, source_ref="2"), today=TODAY)


def test_indicator_links_are_replaced_on_correction(session, ledger):
    factories.catalogue(session)
    a, b, c = session.scalars(select(Indicator.id).order_by(Indicator.id).limit(3))
    task = _registered(session, ledger, indicator_ids=[a, b])
    services.update_task(session, ledger["staff"]["admin"], task, _task_input(ledger, indicator_ids=[b, c]),
                         today=TODAY)
    assert sorted(session.scalars(select(TaskIndicator.indicator_id).where(TaskIndicator.task_id == task.id))) == [b, c]
    assert _events(session, task)[1:] == [("edited", False, "")]

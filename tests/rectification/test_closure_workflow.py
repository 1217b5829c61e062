"""The closure procedure on the workflow engine: every step from every state (allowed ones move the task and leave
a public timeline entry and an audit entry; forbidden ones are refused with nothing changed), who may take which
step, and each step's own rules: evidence, acceptance, the notice period in calendar and working days across a
holiday, objections open, sub-tasks, sustaining an objection, reopening."""
import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.i18n import local_today
from app.rectification import closure, objections, policy
from app.rectification.closure import CLOSURE_WORKFLOW, ClosureError, ClosureStepNotAllowed, Upload
from app.rectification.models import (Acceptance, AcceptanceLevel, EvidencePurpose, ObjectionState, TaskEvidence,
                                      TaskUnit, UnitRole)
from app.rectification.status import next_report_due
from app.rectification.workflow import OFFICE_STEPS, TRANSITIONS, Progress, Step, TaskState
from app.workdays.models import CalendarDay
from tests.rectification.closure_fixtures import (NATIONAL_DAY, PDF, actor_for, add_objection, audits,
                                                  beijing, events, passed_acceptance, rules, step_data, stored_files,
                                                  task_in, upload_dir)


def test_every_step_has_a_handler_and_every_handler_a_step_of_the_table():
    CLOSURE_WORKFLOW.check()
    assert set(CLOSURE_WORKFLOW.handlers) == set(Step)


@pytest.mark.parametrize(("state", "step"), list(itertools.product(TaskState, Step)),
                         ids=lambda value: value.value)
def test_each_step_from_each_state(app, session, ledger, state, step):
    task = task_in(ledger, session, state, for_step=step)
    before = task.snapshot()
    count = len(events(session, task))
    data = step_data(app, step, task, session)
    if (state, step) in TRANSITIONS:
        closure.take_step(session, actor_for(ledger, step), task, step, **data)
        assert task.state == TRANSITIONS[(state, step)]
        written = events(session, task)[count:]
        assert written[0].step == step.value and written[0].public
        entry = audits(session, f"rectification.{step.value}")[-1]
        assert entry.object_id == str(task.id) and entry.after["state"] == task.state.value
    else:
        with pytest.raises(ClosureStepNotAllowed) as refused:
            closure.take_step(session, actor_for(ledger, step), task, step, **data)
        assert str(refused.value)
        assert task.snapshot() == before
        assert len(events(session, task)) == count
        assert audits(session, f"rectification.{step.value}") == []


@pytest.mark.parametrize("step", sorted(OFFICE_STEPS))
def test_office_steps_are_refused_to_a_bureau_editor_even_the_lead_units(session, ledger, step):
    state = next(source for (source, s) in TRANSITIONS if s == step)
    task = task_in(ledger, session, state, for_step=step)
    with pytest.raises(policy.LedgerNotPermitted):
        closure.take_step(session, ledger["staff"]["bureau_editor"], task, step)
    assert task.state == state


@pytest.mark.parametrize("who", ["other_editor", "cooperating", "admin"])
def test_only_the_lead_unit_applies_for_closure(app, session, ledger, who):
    task = ledger["task"]()
    actor = ledger["staff"]["other_editor" if who != "admin" else "admin"]
    if who == "cooperating":
        session.add(TaskUnit(task_id=task.id, bureau_id=ledger["other"].id, role=UnitRole.COOPERATING))
        session.flush()
    with pytest.raises(policy.LedgerNotPermitted, match="lead unit"):
        closure.take_step(session, actor, task, Step.APPLY_CLOSURE,
                          **step_data(app, Step.APPLY_CLOSURE, task, session))
    assert task.state == TaskState.IN_PROGRESS
    assert session.scalar(select(func.count(TaskEvidence.id))) == 0
    assert stored_files(app) == []


def _apply(app, session, ledger, task, **values):
    data = step_data(app, Step.APPLY_CLOSURE, task, session)
    data.update(values)
    return closure.take_step(session, ledger["staff"]["bureau_editor"], task, Step.APPLY_CLOSURE, **data)


def test_the_application_keeps_the_text_and_the_evidence_private_until_cleared(app, session, ledger):
    task = ledger["task"]()
    _apply(app, session, ledger, task, completion_en="Sewers built", note="请尽快验收")
    assert task.state == TaskState.CLOSURE_REQUESTED
    assert task.completion_zh_hans.startswith("已完成") and task.completion_en == "Sewers built"
    (item,) = closure.evidence(session, task, EvidencePurpose.CLOSURE)
    assert (item.public, item.original_name, item.kind, item.task_id) == (False, "验收材料.pdf", "pdf", task.id)
    assert len(stored_files(app)) == 1
    applied, note = events(session, task)
    assert (applied.step, applied.public, applied.note, applied.bureau_id) == ("apply_closure", True, "",
                                                                                ledger["lead"].id)
    assert (note.step, note.public, note.note) == ("note", False, "请尽快验收")
    closure.set_evidence_public(session, ledger["staff"]["admin"], item, True)
    assert item.public and item.cleared_by_id == ledger["staff"]["admin"].id
    assert audits(session, "rectification.evidence_publish")[-1].object_id == str(item.id)


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"files": []}, "files", "at least one file of evidence"),
    ({"files": [Upload("notes.txt", b"just text")]}, "files", "notes.txt is not a PDF"),
    ({"files": [Upload("a.pdf", PDF), Upload("empty.pdf", b"")]}, "files", "empty.pdf is empty"),
    ({"completion_zh_hans": "  "}, "completion_zh_hans", "Simplified Chinese"),
])
def test_an_application_without_text_or_good_evidence_is_refused_and_nothing_is_saved(
        app, session, ledger, values, field, message):
    task = ledger["task"]()
    with pytest.raises(ClosureError, match=message) as refused:
        _apply(app, session, ledger, task, **values)
    assert refused.value.field == field
    assert task.state == TaskState.IN_PROGRESS and task.completion_zh_hans == ""
    assert session.scalar(select(func.count(TaskEvidence.id))) == 0
    assert stored_files(app) == []
    assert events(session, task) == []


def test_a_task_is_not_accepted_before_a_passed_acceptance_of_this_application(app, session, ledger):
    task = ledger["task"]()
    admin = ledger["staff"]["admin"]
    _apply(app, session, ledger, task)
    with pytest.raises(ClosureError, match="passed acceptance of this application first"):
        closure.take_step(session, admin, task, Step.ACCEPT)
    # An acceptance of an earlier, returned application does not count for the new one.
    closure.add_acceptance(session, admin, task, level="district", accepted_on=local_today(), body="区验收组",
                           opinion="已完成整改,同意销号")
    closure.take_step(session, admin, task, Step.RETURN_APPLICATION, reason="缺少监测报告")
    _apply(app, session, ledger, task)
    assert closure.current_acceptances(session, task) == []
    with pytest.raises(ClosureError, match="acceptance"):
        closure.take_step(session, admin, task, Step.ACCEPT)
    assert task.state == TaskState.CLOSURE_REQUESTED


def test_closure_before_acceptance_is_refused(session, ledger):
    for state in (TaskState.IN_PROGRESS, TaskState.CLOSURE_REQUESTED, TaskState.ACCEPTED):
        task = task_in(ledger, session, state)
        with pytest.raises(ClosureStepNotAllowed, match="only after its acceptance and a public notice"):
            closure.take_step(session, ledger["staff"]["admin"], task, Step.CLOSE)
        assert task.state == state and task.closed_at is None


def test_acceptance_at_two_levels_then_the_task_is_accepted(app, session, ledger):
    task = ledger["task"]()
    admin = ledger["staff"]["admin"]
    _apply(app, session, ledger, task)
    today = local_today()
    closure.add_acceptance(session, admin, task, level="district", accepted_on=today - timedelta(days=5),
                           body="区生态环境局验收组", opinion="已完成整改,同意销号",
                           files=[Upload("区级验收意见.pdf", PDF)], upload_dir=upload_dir(app))
    closure.add_acceptance(session, admin, task, level="city", accepted_on=today, body="市级复核组",
                           opinion="复核通过")
    assert [row.level for row in closure.current_acceptances(session, task)] == [AcceptanceLevel.DISTRICT,
                                                                                 AcceptanceLevel.CITY]
    (report,) = closure.evidence(session, task, EvidencePurpose.ACCEPTANCE)
    assert not report.public
    closure.take_step(session, admin, task, Step.ACCEPT)
    assert task.state == TaskState.ACCEPTED
    public = [(e.step, e.note) for e in events(session, task) if e.public]
    assert ("acceptance_district", "区生态环境局验收组: 已完成整改,同意销号") in public
    assert ("acceptance_city", "市级复核组: 复核通过") in public
    assert len(audits(session, "rectification.acceptance_record")) == 2


@pytest.mark.parametrize(("values", "field"), [
    ({"level": "village"}, "level"),
    ({"accepted_on": None}, "accepted_on"),
    ({"accepted_on": date(2099, 1, 1)}, "accepted_on"),
    ({"body": ""}, "body"),
    ({"opinion": " "}, "opinion"),
])
def test_an_acceptance_record_needs_its_level_date_body_and_opinion(app, session, ledger, values, field):
    task = ledger["task"]()
    _apply(app, session, ledger, task)
    data = dict(level="district", accepted_on=local_today(), body="区验收组", opinion="同意销号")
    data.update(values)
    with pytest.raises(ClosureError) as refused:
        closure.add_acceptance(session, ledger["staff"]["admin"], task, **data)
    assert refused.value.field == field
    assert session.scalar(select(func.count(Acceptance.id))) == 0


def test_acceptance_records_are_the_offices_and_only_for_an_application(app, session, ledger):
    task = ledger["task"]()
    data = dict(level="district", accepted_on=local_today(), body="区验收组", opinion="同意销号")
    with pytest.raises(ClosureStepNotAllowed, match="awaits the office's check"):
        closure.add_acceptance(session, ledger["staff"]["admin"], task, **data)
    _apply(app, session, ledger, task)
    with pytest.raises(policy.LedgerNotPermitted):
        closure.add_acceptance(session, ledger["staff"]["bureau_editor"], task, **data)
    assert session.scalar(select(func.count(Acceptance.id))) == 0


def test_a_failed_acceptance_is_recorded_and_the_task_rectifies_again(app, session, ledger):
    task = ledger["task"](progress=Progress.DONE)
    _apply(app, session, ledger, task)
    closure.take_step(session, ledger["staff"]["admin"], task, Step.FAIL_ACCEPTANCE, level="city",
                      accepted_on=local_today(), body="市级复核组", opinion="污水管网未全部接通")
    assert task.state == TaskState.IN_PROGRESS and task.progress is None
    (row,) = session.scalars(select(Acceptance)).all()
    assert (row.passed, row.level, row.opinion) == (False, AcceptanceLevel.CITY, "污水管网未全部接通")
    assert events(session, task)[-1].note == "市级复核组: 污水管网未全部接通"
    assert task.next_report_due == next_report_due(local_today(), 1)


def test_returning_an_application_needs_a_reason_for_the_lead_unit(app, session, ledger):
    task = ledger["task"]()
    _apply(app, session, ledger, task)
    with pytest.raises(ClosureError) as refused:
        closure.take_step(session, ledger["staff"]["admin"], task, Step.RETURN_APPLICATION, reason="")
    assert refused.value.field == "reason" and task.state == TaskState.CLOSURE_REQUESTED
    closure.take_step(session, ledger["staff"]["admin"], task, Step.RETURN_APPLICATION, reason="缺少监测报告")
    returned, reason = events(session, task)[-2:]
    assert (returned.step, returned.public, returned.note) == ("return_application", True, "")
    assert (reason.public, reason.note) == (False, "缺少监测报告")


# --- the notice period -------------------------------------------------------------------------------------------

def test_notice_end_in_calendar_days_counts_the_first_day():
    assert rules(notice_days=7).notice_end(date(2026, 9, 28)) == date(2026, 10, 4)
    assert rules(notice_days=1).notice_end(date(2026, 9, 28)) == date(2026, 9, 28)
    # Calendar days run through the holiday.
    assert rules(notice_days=7, overrides=NATIONAL_DAY).notice_end(date(2026, 9, 30)) == date(2026, 10, 6)


def test_notice_end_in_working_days_skips_the_holiday_and_counts_the_make_up_day():
    working = rules(working_days=True, notice_days=10, overrides=NATIONAL_DAY)
    # 28, 29, 30 September; 8, 9, 10 (make-up Saturday), 12, 13, 14, 15 October.
    assert working.notice_end(date(2026, 9, 28)) == date(2026, 10, 15)
    # Starting on a holiday, the first working day after it is the first of the ten.
    assert working.notice_end(date(2026, 10, 1)) == date(2026, 10, 20)
    assert rules(working_days=True, notice_days=1).notice_end(date(2026, 10, 3)) == date(2026, 10, 5)


def _holidays(session):
    session.add_all([CalendarDay(day=day, is_working_day=working, note="国庆节" if not working else "调休")
                     for day, working in NATIONAL_DAY.items()])
    session.flush()


@pytest.mark.parametrize(("working", "days", "start", "end"), [
    (False, 7, date(2026, 9, 28), date(2026, 10, 4)),
    (True, 10, date(2026, 9, 28), date(2026, 10, 15)),
    (True, 5, date(2026, 9, 30), date(2026, 10, 12)),
])
def test_the_notice_runs_for_the_rounds_days_on_the_citys_calendar(session, ledger, working, days, start, end):
    _holidays(session)
    ledger["round"].notice_working_days, ledger["round"].notice_days = working, days
    task = task_in(ledger, session, TaskState.ACCEPTED)
    closure.take_step(session, ledger["staff"]["admin"], task, Step.START_NOTICE, now=beijing(date(2026, 9, 28)),
                      starts_on=start)
    assert (task.state, task.notice_starts_on, task.notice_ends_on) == (TaskState.IN_NOTICE, start, end)
    published = events(session, task)[-1]
    assert (published.step, published.public, published.note) == ("start_notice", True,
                                                                   f"{start.isoformat()} – {end.isoformat()}")


def test_the_notice_starts_today_in_the_city_by_default(session, ledger):
    task = task_in(ledger, session, TaskState.ACCEPTED)
    # 01:00 on 28 September in the city is still 27 September in UTC.
    closure.take_step(session, ledger["staff"]["admin"], task, Step.START_NOTICE,
                      now=beijing(date(2026, 9, 28), hour=1))
    assert (task.notice_starts_on, task.notice_ends_on) == (date(2026, 9, 28), date(2026, 10, 4))


def test_the_notice_cannot_start_in_the_past(session, ledger):
    task = task_in(ledger, session, TaskState.ACCEPTED)
    with pytest.raises(ClosureError) as refused:
        closure.take_step(session, ledger["staff"]["admin"], task, Step.START_NOTICE,
                          now=beijing(date(2026, 9, 28)), starts_on=date(2026, 9, 27))
    assert refused.value.field == "starts_on"
    assert (task.state, task.notice_starts_on) == (TaskState.ACCEPTED, None)


# --- closing -----------------------------------------------------------------------------------------------------

def _noticed(session, ledger, start=date(2026, 9, 28), end=date(2026, 10, 4), **values):
    return ledger["task"](state=TaskState.IN_NOTICE, notice_starts_on=start, notice_ends_on=end, **values)


@pytest.mark.parametrize("moment", [beijing(date(2026, 9, 28), hour=0, minute=1), beijing(date(2026, 9, 30)),
                                    beijing(date(2026, 10, 4), hour=23, minute=59)])
def test_a_task_is_not_closed_during_its_notice(session, ledger, moment):
    task = _noticed(session, ledger)
    with pytest.raises(ClosureError, match="runs until"):
        closure.take_step(session, ledger["staff"]["admin"], task, Step.CLOSE, rules=rules(), now=moment)
    assert task.state == TaskState.IN_NOTICE and task.closed_at is None


def test_a_task_is_closed_the_day_after_its_notice_in_the_city(session, ledger):
    task = _noticed(session, ledger)
    moment = beijing(date(2026, 10, 5), hour=0, minute=30)  # still 4 October in UTC: the city's date counts
    closure.take_step(session, ledger["staff"]["admin"], task, Step.CLOSE, rules=rules(), now=moment)
    assert (task.state, task.closed_at) == (TaskState.CLOSED, moment)


def test_a_task_with_an_open_objection_is_not_closed(session, ledger):
    task = _noticed(session, ledger)
    objection = add_objection(session, task)
    after = beijing(date(2026, 10, 8))
    with pytest.raises(ClosureError, match="open objections first"):
        closure.take_step(session, ledger["staff"]["admin"], task, Step.CLOSE, rules=rules(), now=after)
    objections.dismiss_objection(session, ledger["staff"]["admin"], objection, "经核查,该处污水已接管。")
    closure.take_step(session, ledger["staff"]["admin"], task, Step.CLOSE, rules=rules(), now=after)
    assert task.state == TaskState.CLOSED


def test_a_task_with_an_open_sub_task_is_not_closed(session, ledger):
    task = _noticed(session, ledger)
    sub = ledger["task"](parent_id=task.id)
    with pytest.raises(ClosureError, match=sub.code):
        closure.take_step(session, ledger["staff"]["admin"], task, Step.CLOSE, rules=rules(),
                          now=beijing(date(2026, 10, 8)))
    assert task.state == TaskState.IN_NOTICE


# --- back to rectification ----------------------------------------------------------------------------------------

def test_a_sustained_objection_sends_the_task_back_to_rectification(session, ledger):
    task = _noticed(session, ledger, progress=Progress.DONE)
    objection = add_objection(session, task)
    now = beijing(date(2026, 10, 2))
    objections.sustain_objection(session, ledger["staff"]["admin"], objection, "经核查,异议属实,责令强化整改。",
                                 rules=rules(), now=now)
    assert (task.state, task.notice_starts_on, task.notice_ends_on, task.progress) == (
        TaskState.IN_PROGRESS, None, None, None)
    assert task.next_report_due == date(2026, 11, 30)
    assert (objection.state, objection.answer, objection.answered_at) == (
        ObjectionState.SUSTAINED, "经核查,异议属实,责令强化整改。", now)
    sustained = events(session, task)[-1]
    assert (sustained.step, sustained.public, sustained.note) == ("sustain_objection", True, "")
    assert audits(session, "rectification.objection_sustain")[-1].object_id == str(objection.id)


@pytest.mark.parametrize(("values", "field"), [({"answer": ""}, "answer"), ({"objection": None}, "objection_id")])
def test_sustaining_needs_the_objection_and_the_answer(session, ledger, values, field):
    task = _noticed(session, ledger)
    data = {"objection": add_objection(session, task), "answer": "属实"}
    data.update(values)
    with pytest.raises(ClosureError) as refused:
        closure.take_step(session, ledger["staff"]["admin"], task, Step.SUSTAIN_OBJECTION, rules=rules(), **data)
    assert refused.value.field == field and task.state == TaskState.IN_NOTICE


def test_another_tasks_objection_cannot_be_sustained_here(session, ledger):
    task, other = _noticed(session, ledger), _noticed(session, ledger)
    with pytest.raises(ClosureError, match="Choose the objection"):
        closure.take_step(session, ledger["staff"]["admin"], task, Step.SUSTAIN_OBJECTION, rules=rules(),
                          objection=add_objection(session, other), answer="属实")


def test_a_closed_task_is_reopened_with_a_reason_and_rectified_again(app, session, ledger):
    task = task_in(ledger, session, TaskState.CLOSED, progress=Progress.DONE)
    closed_at = task.closed_at
    admin = ledger["staff"]["admin"]
    with pytest.raises(ClosureError) as refused:
        closure.take_step(session, admin, task, Step.REOPEN, reason=" ")
    assert refused.value.field == "reason" and task.state == TaskState.CLOSED
    now = beijing(date(2026, 12, 7))
    closure.take_step(session, admin, task, Step.REOPEN, rules=rules(), now=now, reason="群众反映园区污水再次直排")
    assert (task.state, task.reopened_at, task.reopen_reason, task.progress) == (
        TaskState.REOPENED, now, "群众反映园区污水再次直排", None)
    assert task.closed_at == closed_at  # when it had been closed stays on record
    assert task.next_report_due == date(2027, 1, 31)
    reopened = events(session, task)[-1]
    assert (reopened.step, reopened.public, reopened.note) == ("reopen", True, "群众反映园区污水再次直排")
    # The lead unit rectifies again, and applies again.
    _apply(app, session, ledger, task)
    assert task.state == TaskState.CLOSURE_REQUESTED


def test_an_internal_note_stays_in_house_and_every_step_is_audited_with_before_and_after(app, session, ledger):
    task = ledger["task"]()
    _apply(app, session, ledger, task)
    passed_acceptance(session, task)
    closure.take_step(session, ledger["staff"]["admin"], task, Step.ACCEPT, note="材料齐全")
    accepted, note = events(session, task)[-2:]
    assert (accepted.public, accepted.note, note.public, note.note) == (True, "", False, "材料齐全")
    entry = audits(session, "rectification.accept")[-1]
    assert (entry.before["state"], entry.after["state"], entry.actor_id) == (
        "closure_requested", "accepted", ledger["staff"]["admin"].id)


def test_the_steps_offered_follow_the_state_and_the_person(session, ledger):
    editor, admin = ledger["staff"]["bureau_editor"], ledger["staff"]["admin"]
    task = ledger["task"]()
    assert closure.steps_for(editor, task) == [Step.APPLY_CLOSURE]
    assert closure.steps_for(admin, task) == []
    assert closure.steps_for(ledger["staff"]["other_editor"], task) == []
    task = task_in(ledger, session, TaskState.CLOSURE_REQUESTED)
    assert set(closure.steps_for(admin, task)) == {Step.RETURN_APPLICATION, Step.ACCEPT, Step.FAIL_ACCEPTANCE}
    assert closure.steps_for(editor, task) == []

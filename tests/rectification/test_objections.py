"""Residents' objections to a closure: taken only during the public notice (city time, both ends included), with a
valid contact and optional private evidence; a personal code to follow them; answered by the office alone; the
public timeline says only that an objection was received or answered, never who sent it."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.casework import codes
from app.i18n import local_today
from app.rectification import closure, objections, policy
from app.rectification.closure import ClosureError, Upload
from app.rectification.models import EvidencePurpose, Objection, ObjectionState, TaskEvidence
from app.rectification.objections import ObjectionError, normalise_contact
from app.rectification.workflow import TaskState
from tests.rectification.closure_fixtures import (EMAIL, NAME, PDF, PHONE, SECRET, add_objection, audits, beijing,
                                                  events, in_notice_now, stored_files, submit, upload_dir)

START, END = date(2026, 9, 28), date(2026, 10, 4)


def _noticed(ledger):
    return ledger["task"](state=TaskState.IN_NOTICE, notice_starts_on=START, notice_ends_on=END)


@pytest.mark.parametrize(("typed", "stored"), [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"), ("0086 13812345678", "13812345678"),
    ("0571-88886666", "057188886666"), ("(010) 6512 3456", "01065123456"), ("+86 10 6512 3456", "01065123456"),
    ("Resident@Example.cn", "Resident@example.cn"), ("  li.hua@mail.example.com ", "li.hua@mail.example.com"),
])
def test_a_contact_is_a_mainland_phone_number_or_an_e_mail_address(typed, stored):
    assert normalise_contact(typed) == stored


@pytest.mark.parametrize("typed", ["", "12345", "23812345678", "1381234567", "138123456789", "88886666",
                                   "+1 415 555 0100", "resident@", "@example.cn", "a b@example.cn",
                                   "13812345678 call me", "微信 wx123"])
def test_anything_else_is_not_a_contact(typed):
    assert normalise_contact(typed) is None


@pytest.mark.parametrize("moment", [beijing(START, hour=0, minute=5), beijing(date(2026, 10, 1)),
                                    beijing(END, hour=23, minute=55)])
def test_an_objection_during_the_notice_is_kept_with_a_personal_code(session, ledger, moment):
    task = _noticed(ledger)
    row, code = submit(session, task, now=moment)
    assert (row.state, row.task_id, row.name, row.contact, row.received_at) == (
        ObjectionState.OPEN, task.id, NAME, PHONE, moment)
    assert code not in row.code_digest and row.code_digest == codes.digest(code, SECRET)
    assert objections.find_by_code(session, code.lower().replace("-", " "), SECRET) is row
    assert objections.find_by_code(session, codes.new_code(), SECRET) is None
    assert objections.find_by_code(session, code, "another-key") is None


@pytest.mark.parametrize("moment", [beijing(START - timedelta(days=1), hour=23, minute=59),
                                    beijing(END + timedelta(days=1), hour=0, minute=30),  # 4 October in UTC
                                    beijing(date(2026, 11, 1))])
def test_an_objection_before_or_after_the_notice_is_refused_with_its_dates(session, ledger, moment):
    task = _noticed(ledger)
    with pytest.raises(ObjectionError, match="taken from Sep 28, 2026 to Oct 4, 2026"):
        submit(session, task, now=moment)
    assert session.scalar(select(func.count(Objection.id))) == 0
    assert events(session, task) == []


@pytest.mark.parametrize("state", [s for s in TaskState if s != TaskState.IN_NOTICE])
def test_no_objection_is_taken_outside_a_notice(session, ledger, state):
    task = ledger["task"](state=state, **({"closed_at": beijing(START)} if state == TaskState.CLOSED else {}))
    with pytest.raises(ObjectionError, match="not in public notice"):
        submit(session, task)
    assert session.scalar(select(func.count(Objection.id))) == 0


@pytest.mark.parametrize(("values", "field"), [
    ({"text": "  "}, "text"), ({"text": "异" * 3001}, "text"), ({"name": "名" * 61}, "name"),
    ({"contact": ""}, "contact"), ({"contact": "12345"}, "contact"), ({"contact": "nobody@"}, "contact"),
    ({"file": Upload("virus.exe", b"MZ\x90\x00")}, "file"),
])
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(app, session, ledger, values, field):
    task = in_notice_now(ledger, session)
    with pytest.raises(ObjectionError if field != "file" else ClosureError) as refused:
        submit(session, task, dir=upload_dir(app), **values)
    assert refused.value.field == field
    assert session.scalar(select(func.count(Objection.id))) == 0
    assert stored_files(app) == [] and events(session, task) == []


def test_the_objectors_evidence_is_kept_private_and_can_never_be_published(app, session, ledger):
    task = in_notice_now(ledger, session)
    row, _ = submit(session, task, contact=EMAIL, file=Upload("现场照片.pdf", PDF), dir=upload_dir(app))
    (item,) = closure.evidence(session, task, EvidencePurpose.OBJECTION)
    assert (item.objection_id, item.public, item.uploaded_by_id) == (row.id, False, None)
    assert len(stored_files(app)) == 1
    with pytest.raises(ClosureError, match="never published"):
        closure.set_evidence_public(session, ledger["staff"]["admin"], item, True)
    assert not item.public
    item.public = True  # the database refuses it whatever the code does
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_public_timeline_says_only_that_an_objection_came_and_how_it_was_answered(session, ledger):
    task = in_notice_now(ledger, session)
    first, _ = submit(session, task, name=NAME, contact=PHONE)
    second, _ = submit(session, task, name="李华", contact=EMAIL, text="河道仍有黑臭，联系我 13900001111")
    admin = ledger["staff"]["admin"]
    objections.dismiss_objection(session, admin, first, "经核查,园区污水已全部接管。")
    objections.sustain_objection(session, admin, second, "异议属实,已责令强化整改。")
    public = [(e.step, e.note) for e in events(session, task) if e.public]
    assert public == [("objection_received", ""), ("objection_received", ""), ("objection_dismissed", ""),
                      ("sustain_objection", "")]
    for entry in events(session, task):
        for secret in (NAME, "李华", PHONE, EMAIL, "13900001111", "黑臭", "已全部接管", "强化整改"):
            assert secret not in entry.note
    for entry in audits(session, "rectification.objection_submit"):
        dump = json.dumps([entry.before, entry.after, entry.note], ensure_ascii=False)
        assert NAME not in dump and PHONE not in dump and EMAIL not in dump and entry.actor_label == "(objector)"
    assert task.state == TaskState.IN_PROGRESS


def test_the_office_dismisses_with_an_answer_once(session, ledger):
    task = in_notice_now(ledger, session)
    row, _ = submit(session, task)
    admin = ledger["staff"]["admin"]
    with pytest.raises(ClosureError) as refused:
        objections.dismiss_objection(session, admin, row, " ")
    assert refused.value.field == "answer" and row.state == ObjectionState.OPEN
    objections.dismiss_objection(session, admin, row, "经核查,该排口为雨水排口。")
    assert (row.state, row.answer, row.answered_by_id) == (ObjectionState.DISMISSED, "经核查,该排口为雨水排口。",
                                                           admin.id)
    assert row.answered_at is not None and task.state == TaskState.IN_NOTICE
    entry = audits(session, "rectification.objection_dismiss")[-1]
    assert (entry.before, entry.after) == ({"task_id": task.id, "state": "open"},
                                           {"task_id": task.id, "state": "dismissed"})
    with pytest.raises(ClosureError, match="answered already"):
        objections.dismiss_objection(session, admin, row, "再答")


@pytest.mark.parametrize("who", ["bureau_editor", "other_editor"])
def test_only_the_office_answers_an_objection_or_sees_who_sent_it(session, ledger, who):
    task = in_notice_now(ledger, session)
    row = add_objection(session, task)
    actor = ledger["staff"][who]
    with pytest.raises(policy.LedgerNotPermitted):
        objections.dismiss_objection(session, actor, row, "不属实")
    with pytest.raises(policy.LedgerNotPermitted):
        objections.sustain_objection(session, actor, row, "属实")
    with pytest.raises(policy.LedgerNotPermitted):
        objections.reveal_contact(session, actor, row)
    assert row.state == ObjectionState.OPEN and task.state == TaskState.IN_NOTICE
    assert audits(session, "rectification.objection_contact_viewed") == []


def test_every_look_at_an_objectors_contact_is_audited(session, ledger):
    task = in_notice_now(ledger, session)
    row = add_objection(session, task)
    admin = ledger["staff"]["admin"]
    assert objections.reveal_contact(session, admin, row) == {"name": NAME, "contact": PHONE}
    objections.reveal_contact(session, admin, row)
    looks = audits(session, "rectification.objection_contact_viewed")
    assert [(entry.object_id, entry.actor_id) for entry in looks] == [(str(row.id), admin.id)] * 2


def test_an_objection_is_answered_after_the_notice_as_well(session, ledger):
    task = ledger["task"](state=TaskState.IN_NOTICE, notice_starts_on=local_today() - timedelta(days=9),
                          notice_ends_on=local_today() - timedelta(days=2))
    row = add_objection(session, task)
    objections.dismiss_objection(session, ledger["staff"]["admin"], row, "不属实")
    assert row.state == ObjectionState.DISMISSED
    assert objections.open_counts(session, [task.id]) == {}


def test_the_office_queue_lists_open_objections_oldest_first(session, ledger):
    task = in_notice_now(ledger, session)
    first, second = add_objection(session, task), add_objection(session, task)
    objections.dismiss_objection(session, ledger["staff"]["admin"], first, "不属实")
    assert list(session.scalars(objections.open_queue())) == [second]
    assert objections.open_counts(session, [task.id]) == {task.id: 1}
    assert session.scalar(select(func.count(TaskEvidence.id))) == 0

"""Writes against the database: the application, every handling step with its checks, the applicant's steps,
the audited look at the identity."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.casework import codes
from app.disclosure import services
from app.disclosure.models import DisclosureDocument, DisclosureRequest
from app.disclosure.services import DisclosureError, Reply, Rules
from app.disclosure.workflow import ReplyType, RequestState, Step
from tests.disclosure.conftest import MONDAY, NATIONAL_DAY, PDF, SECRET


def actions(session, request) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "disclosure_requests",
                                                                 AuditEntry.object_id == str(request.id))
                                .order_by(AuditEntry.id)))


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English, as a request with ?lang=en would have them."""
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def rules():
    return Rules(overrides=NATIONAL_DAY)


def test_an_application_is_received_on_the_city_date_and_due_in_20_working_days(apply, rules):
    sunday_evening_utc = datetime(2026, 9, 27, 18, 0, tzinfo=timezone.utc)  # Monday 02:00 in the city
    created, code = apply(rules=rules, now=sunday_evening_utc)
    assert created.received_on == date(2026, 9, 28) == created.clock_start
    assert created.answer_due == date(2026, 10, 30)  # National Day week off, Saturday 10 October worked
    assert created.state == RequestState.RECEIVED
    assert created.code_hash == codes.digest(code, SECRET) and code not in created.code_hash
    assert [e.step for e in created.events] == ["submitted"]
    assert created.looks_like_complaint is False


def test_an_organisation_keeps_no_personal_id_and_a_complaint_is_flagged(apply):
    created, _code = apply(applicant_type="organisation", name="绿色环保协会", credit_code="51420100MJ0000000X",
                           legal_representative="王五", description="我要举报工厂偷排污水")
    assert created.id_number == "" and created.id_type == ""
    assert created.credit_code == "51420100MJ0000000X"
    assert created.looks_like_complaint is True


def test_who_may_handle(apply, staff):
    created, _code = apply()
    assert services.can_handle(staff["admin"], created)
    assert services.can_handle(staff["bureau_editor"], created)
    assert not services.can_handle(staff["other_editor"], created)
    assert not services.can_handle(staff["tip_handler"], created)
    assert not services.can_handle(staff["reviewer"], created)


def test_a_bureau_editor_of_another_bureau_cannot_act(session, apply, staff, rules):
    created, _code = apply()
    with pytest.raises(DisclosureError):
        services.take_step(session, staff["other_editor"], created, Step.REGISTER, rules)
    assert created.state == RequestState.RECEIVED


def test_register_then_answer_with_a_document(session, apply, staff, rules, tmp_path):
    created, _code = apply(rules=rules, now=MONDAY)
    editor = staff["bureau_editor"]
    services.take_step(session, editor, created, Step.REGISTER, rules, now=MONDAY)
    assert created.state == RequestState.REGISTERED and created.registered_at == MONDAY
    later = MONDAY + timedelta(days=2)
    services.take_step(session, editor, created, Step.ANSWER, rules, now=later,
                       reply=Reply(ReplyType.DISCLOSED, "附件为名录。"), documents=[(PDF, "名录.pdf")],
                       upload_dir=str(tmp_path))
    session.commit()
    assert created.state == RequestState.ANSWERED
    assert created.answered_on == date(2026, 9, 30) == created.finished_on
    assert created.reply_type == ReplyType.DISCLOSED and created.reply_text == "附件为名录。"
    [document] = created.documents
    assert document.kind == "pdf" and document.original_name == "名录.pdf"
    assert (tmp_path / document.stored_name).read_bytes() == PDF
    assert actions(session, created) == ["disclosure.register", "disclosure.answer"]
    assert [e.step for e in created.events] == ["submitted", "register", "answer"]


@pytest.mark.parametrize("reply, message", [
    (None, "reply type"),
    (Reply(ReplyType.DISCLOSED, "  "), "reply type"),
    (Reply(ReplyType.NOT_DISCLOSED, "不予公开。"), "legal ground"),
    (Reply(ReplyType.DISCLOSED, "部分公开。", partial=True), "legal ground"),
    (Reply(ReplyType.NOT_THIS_AGENCY, "请向他处申请。"), "responsible"),
    (Reply(ReplyType.NOT_EXIST, "不存在。", partial=True), "partial"),
])
def test_an_incomplete_answer_is_refused(session, apply, staff, rules, reply, message):
    created, _code = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, rules)
    with pytest.raises(DisclosureError, match=message):
        services.take_step(session, staff["admin"], created, Step.ANSWER, rules, reply=reply)


@pytest.mark.parametrize("data, name", [
    (b"<script>alert(1)</script>", "evil.pdf"),
    (b"MZ\x90\x00binary", "setup.pdf"),
    (b"", "empty.pdf"),
])
def test_a_bad_document_saves_nothing(session, apply, staff, rules, tmp_path, data, name):
    created, _code = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, rules)
    session.commit()
    with pytest.raises(DisclosureError, match=name):
        services.take_step(session, staff["admin"], created, Step.ANSWER, rules, upload_dir=str(tmp_path / "docs"),
                           reply=Reply(ReplyType.DISCLOSED, "见附件"), documents=[(PDF, "good.pdf"), (data, name)])
    session.rollback()
    assert session.scalar(select(DisclosureDocument.id)) is None
    assert not (tmp_path / "docs").exists()
    assert session.get(DisclosureRequest, created.id).state == RequestState.REGISTERED


def test_a_too_large_document_is_refused(session, apply, staff, rules, tmp_path):
    created, _code = apply()
    services.take_step(session, staff["admin"], created, Step.REGISTER, rules)
    with pytest.raises(DisclosureError):
        services.take_step(session, staff["admin"], created, Step.ANSWER, rules, upload_dir=str(tmp_path),
                           reply=Reply(ReplyType.DISCLOSED, "见附件"), documents=[(PDF, "big.pdf")],
                           max_document_bytes=10)


def test_completion_restarts_the_clock_once(session, apply, staff, rules):
    created, code = apply(rules=rules, now=MONDAY)
    admin = staff["admin"]
    services.take_step(session, admin, created, Step.REGISTER, rules, now=MONDAY)
    with pytest.raises(DisclosureError, match="must add"):
        services.take_step(session, admin, created, Step.REQUEST_COMPLETION, rules, days=7, now=MONDAY)
    services.take_step(session, admin, created, Step.REQUEST_COMPLETION, rules, note="请说明文件年份", days=7,
                       now=MONDAY)
    assert created.state == RequestState.COMPLETION_REQUESTED
    assert created.completion_due == date(2026, 10, 13)  # 7 working days around the holiday week
    assert created.completion_request == "请说明文件年份"
    with pytest.raises(DisclosureError):
        services.complete(session, created, "太短", rules)
    completed_at = datetime(2026, 10, 12, 2, 0, tzinfo=timezone.utc)
    services.complete(session, created, "需要2025年的文件", rules, now=completed_at)
    assert created.state == RequestState.REGISTERED
    assert created.clock_start == created.completed_on == date(2026, 10, 12)
    assert created.answer_due == date(2026, 11, 9)
    with pytest.raises(DisclosureError, match="only once"):
        services.take_step(session, admin, created, Step.REQUEST_COMPLETION, rules, note="再补正", days=7,
                           now=completed_at)
    assert "disclosure.complete" in actions(session, created)


def test_completion_must_be_asked_within_7_working_days(session, apply, staff, rules):
    created, _code = apply(rules=rules, now=MONDAY)
    services.take_step(session, staff["admin"], created, Step.REGISTER, rules, now=MONDAY)
    too_late = datetime(2026, 10, 14, 2, 0, tzinfo=timezone.utc)
    with pytest.raises(DisclosureError, match="7 working days"):
        services.take_step(session, staff["admin"], created, Step.REQUEST_COMPLETION, rules, note="x", days=7,
                           now=too_late)


def test_abandon_only_after_the_completion_date(session, apply, staff, rules):
    created, _code = apply(rules=rules, now=MONDAY)
    services.take_step(session, staff["admin"], created, Step.REGISTER, rules, now=MONDAY)
    services.take_step(session, staff["admin"], created, Step.REQUEST_COMPLETION, rules, note="请补正", days=7,
                       now=MONDAY)
    with pytest.raises(DisclosureError, match="still has time"):
        services.take_step(session, staff["admin"], created, Step.ABANDON, rules,
                           now=datetime(2026, 10, 13, 2, 0, tzinfo=timezone.utc))
    services.take_step(session, staff["admin"], created, Step.ABANDON, rules,
                       now=datetime(2026, 10, 14, 2, 0, tzinfo=timezone.utc))
    assert created.state == RequestState.CLOSED and created.finished_on == date(2026, 10, 14)


def test_extension_once_at_most_20_working_days_with_a_reason(session, apply, staff, rules):
    created, _code = apply(rules=rules, now=MONDAY)
    admin = staff["admin"]
    services.take_step(session, admin, created, Step.REGISTER, rules, now=MONDAY)
    with pytest.raises(DisclosureError, match="1 and 20"):
        services.take_step(session, admin, created, Step.EXTEND, rules, days=21, note="量大")
    with pytest.raises(DisclosureError, match="reason"):
        services.take_step(session, admin, created, Step.EXTEND, rules, days=10, note=" ")
    services.take_step(session, admin, created, Step.EXTEND, rules, days=20, note="需征求第三方意见")
    assert created.state == RequestState.EXTENDED
    assert created.answer_due == date(2026, 11, 27)
    assert created.events[-1].note.endswith("需征求第三方意见") and created.events[-1].public
    with pytest.raises(DisclosureError):
        services.take_step(session, admin, created, Step.EXTEND, rules, days=5, note="再延")


def test_an_illegal_step_says_why(session, apply, staff, rules):
    created, _code = apply()
    with pytest.raises(DisclosureError, match="not possible"):
        services.take_step(session, staff["admin"], created, Step.ANSWER, rules,
                           reply=Reply(ReplyType.DISCLOSED, "x"))
    with pytest.raises(DisclosureError, match="applicant"):
        services.take_step(session, staff["admin"], created, Step.WITHDRAW, rules)


def test_redirect_a_complaint_to_the_tip_channel(session, apply, staff, rules):
    created, _code = apply(description="我要举报工厂偷排污水")
    services.take_step(session, staff["bureau_editor"], created, Step.REDIRECT, rules, note="转举报渠道")
    assert created.state == RequestState.REDIRECTED and created.finished_on is not None
    public, internal = created.events[-2], created.events[-1]
    assert public.public and public.step == "redirect" and public.note == ""
    assert not internal.public and internal.note == "转举报渠道"


def test_the_applicant_withdraws(session, apply, rules):
    created, _code = apply()
    services.withdraw(session, created, rules)
    assert created.state == RequestState.WITHDRAWN
    with pytest.raises(DisclosureError):
        services.withdraw(session, created, rules)
    assert actions(session, created) == ["disclosure.withdraw"]


def test_every_look_at_the_applicant_is_audited(session, apply, staff):
    created, _code = apply()
    shown = services.reveal_applicant(session, staff["bureau_editor"], created)
    assert shown["id_number"] == "420102199001011234" and shown["phone"] == "13900000000"
    with pytest.raises(DisclosureError):
        services.reveal_applicant(session, staff["other_editor"], created)
    assert actions(session, created) == ["disclosure.applicant_viewed"]

"""Notice services against the database: drafting, review, index numbers, corrections, withdrawal, attachments,
categories, search and visibility."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import AuditEntry
from app.notices import policy, queries, services
from app.notices.models import Notice, NoticeChange
from app.notices.workflow import ChangeKind, ChangeState, ChangeStep, NoticeState, Step
from tests.notices.conftest import NOW, PDF, SCHEME, notice_input


def actions(session, action: str) -> list[AuditEntry]:
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_a_draft_is_created_in_the_editors_bureau_audited_and_not_public(session, draft, staff):
    notice = draft()
    assert notice.state == NoticeState.DRAFT and notice.bureau_id == staff["bureaus"]["home"].id
    assert notice.index_number is None and notice.author_id == staff["bureau_editor"].id
    assert actions(session, "notices.create")[0].actor_id == staff["bureau_editor"].id
    assert queries.public_notice(session, notice.id, NOW + timedelta(days=1)) is None


def test_an_editor_cannot_write_for_another_bureau(session, draft, staff, city):
    with pytest.raises(services.NoticeError) as error:
        draft(bureau=city.other)
    assert error.value.refused == "notices.create_denied"


@pytest.mark.parametrize("title, summary", [
    ("<script>alert(1)</script>月报", ""),
    ("月报", '<img src=x onerror="alert(1)">'),
    ("月报 onclick=steal()", ""),
    ("", ""),
])
def test_markup_in_title_or_summary_and_a_missing_title_are_refused(session, draft, title, summary):
    with pytest.raises(services.NoticeError):
        draft(title=title, summary=summary)
    session.rollback()
    assert session.scalar(select(Notice.id)) is None


def test_a_publish_at_in_the_past_is_refused(draft):
    with pytest.raises(services.NoticeError, match="早于现在"):
        draft(publish_at=NOW - timedelta(minutes=1))


def test_submit_then_approve_publishes_with_the_first_index_number_of_the_bureau_and_year(session, draft, staff):
    notice = draft()
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    assert notice.state == NoticeState.SUBMITTED
    services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME, now=NOW)
    session.commit()
    assert notice.state == NoticeState.PUBLISHED and notice.published_at == NOW
    assert notice.index_number == "eeb/2026-00001" and notice.reviewer_id == staff["reviewer"].id
    assert queries.public_notice(session, notice.id, NOW) is notice
    assert [e.step for e in notice.events] == ["created", "submit", "approve"]
    assert {a.action for a in session.scalars(select(AuditEntry))} >= {"notices.submit", "notices.approve"}


def test_index_numbers_count_per_bureau_and_year(session, draft, publish, staff, city):
    first, second = publish(draft()), publish(draft(title="第二份"))
    next_year = publish(draft(title="明年", created_on=date(2027, 1, 5)))
    admin_other = draft(author=staff["admin"], bureau=city.other, title="水利局公告")
    services.take_step(session, staff["admin"], admin_other, Step.SUBMIT, now=NOW)
    services.take_step(session, staff["reviewer"], admin_other, Step.APPROVE, index_scheme=SCHEME, now=NOW)
    assert [first.index_number, second.index_number, next_year.index_number, admin_other.index_number] == [
        "eeb/2026-00001", "eeb/2026-00002", "eeb/2027-00001", "water/2026-00001"]


def test_a_taken_sequence_number_is_retried_after_the_unique_constraint_refuses_it(session, draft, publish, staff):
    taken = publish(draft())
    notice = draft(title="第二份")
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    guesses = iter([taken.index_seq, taken.index_seq + 1])  # another transaction took the first number meanwhile
    notice.reviewer_id = staff["reviewer"].id
    notice.published_at = NOW
    number = services.allocate_index_number(session, notice, SCHEME, next_seq=lambda *_: next(guesses))
    session.commit()
    assert number == "eeb/2026-00002" and session.get(Notice, taken.id).index_number == "eeb/2026-00001"


def test_allocation_gives_up_with_a_message_when_every_attempt_collides(session, draft, publish, staff):
    taken = publish(draft())
    notice = draft(title="第二份")
    with pytest.raises(services.NoticeError):
        services.allocate_index_number(session, notice, SCHEME, next_seq=lambda *_: taken.index_seq)


def test_an_author_cannot_approve_their_own_notice_and_the_attempt_is_flagged(session, draft, staff):
    notice = draft(author=staff["admin"])
    services.take_step(session, staff["admin"], notice, Step.SUBMIT, now=NOW)
    with pytest.raises(services.NoticeError) as error:
        services.take_step(session, staff["admin"], notice, Step.APPROVE, index_scheme=SCHEME, now=NOW)
    assert error.value.refused == "notices.self_review_denied"
    assert notice.state == NoticeState.SUBMITTED


@pytest.mark.parametrize("role", ["bureau_editor", "other_editor"])
def test_editors_cannot_review(session, draft, staff, role):
    notice = draft()
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    with pytest.raises(services.NoticeError) as error:
        services.take_step(session, staff[role], notice, Step.APPROVE, index_scheme=SCHEME, now=NOW)
    assert error.value.refused == "notices.review_denied"


@pytest.mark.parametrize("role", ["other_editor", "reviewer", "tip_handler"])
def test_only_the_bureau_submits_and_withdraws(session, draft, publish, staff, role):
    notice = draft()
    with pytest.raises(services.NoticeError) as error:
        services.take_step(session, staff[role], notice, Step.SUBMIT, now=NOW)
    assert error.value.refused == "notices.step_denied"


def test_returning_needs_a_comment_and_the_author_can_edit_and_resubmit(session, draft, staff):
    notice = draft()
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    with pytest.raises(services.NoticeError, match="需要修改"):
        services.take_step(session, staff["reviewer"], notice, Step.RETURN, now=NOW)
    services.take_step(session, staff["reviewer"], notice, Step.RETURN, comment="请补充监测点位", now=NOW)
    assert notice.state == NoticeState.RETURNED and notice.review_comment == "请补充监测点位"
    services.update_notice(session, staff["bureau_editor"], notice,
                           notice_input(notice, bodies={"zh_hans": "补充了点位"}), now=NOW)
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    assert notice.state == NoticeState.SUBMITTED and notice.body_zh_hans == "补充了点位"


def test_a_submitted_notice_cannot_be_edited(session, draft, staff):
    notice = draft()
    services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    with pytest.raises(services.NoticeError, match="审核中"):
        services.update_notice(session, staff["bureau_editor"], notice, notice_input(notice), now=NOW)


@pytest.mark.parametrize("state, step", [("draft", Step.APPROVE), ("draft", Step.WITHDRAW), ("published", Step.SUBMIT),
                                         ("published", Step.RETURN), ("published", Step.APPROVE)])
def test_steps_the_state_does_not_allow_are_refused(session, draft, publish, staff, state, step):
    notice = draft()
    if state == "published":
        publish(notice)
    actor = staff["reviewer"] if step in (Step.APPROVE, Step.RETURN) else staff["bureau_editor"]
    with pytest.raises(services.NoticeError) as error:
        services.take_step(session, actor, notice, step, comment="x", index_scheme=SCHEME, now=NOW)
    assert error.value.refused is None


def test_a_scheduled_notice_becomes_public_at_its_time(session, draft, publish):
    later = NOW + timedelta(days=2)
    notice = publish(draft(publish_at=later))
    assert notice.published_at == later
    assert queries.public_notice(session, notice.id, NOW) is None
    assert queries.public_notice(session, notice.id, later) is notice
    assert session.scalars(queries.public_list(session, NOW, queries.Filters())).all() == []


def test_submitting_with_a_publish_at_that_has_passed_is_refused(session, draft, staff):
    notice = draft(publish_at=NOW + timedelta(hours=1))
    with pytest.raises(services.NoticeError, match="早于现在"):
        services.take_step(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW + timedelta(hours=2))


def _public_summary(session, notice) -> str:
    session.expire_all()
    return queries.public_notice(session, notice.id, NOW + timedelta(days=2)).summary_zh_hans


def test_a_correction_is_not_public_until_a_reviewer_approves_it(session, draft, publish, staff):
    notice = publish(draft())
    changed = notice_input(notice, summaries={"zh_hans": "优良天数比例为93.3%。"}, titles={"zh_hans": "更正后的标题"})
    with pytest.raises(services.NoticeError, match="更正"):
        services.update_notice(session, staff["bureau_editor"], notice, changed, now=NOW)
    change = services.update_notice(session, staff["bureau_editor"], notice, changed,
                                    correction_note="优良天数比例计算有误，更正为93.3%", now=NOW + timedelta(days=1))
    session.commit()
    assert change.state == ChangeState.SUBMITTED and change.kind == ChangeKind.CORRECTION
    assert _public_summary(session, notice) == "全市空气质量优良天数比例为92.3%。" and notice.revision == 1
    assert session.scalars(queries.public_list(session, NOW, queries.Filters(q="更正后的标题"))).all() == []
    assert [e.step for e in notice.events if e.public] == ["approve"]
    assert notice.events[-1].step == "correct_submit" and actions(session, "notices.correction_submit")
    assert not actions(session, "notices.correct")
    services.decide_change(session, staff["reviewer"], change, ChangeStep.APPROVE, now=NOW + timedelta(days=1))
    session.commit()
    assert notice.revision == 2 and _public_summary(session, notice) == "优良天数比例为93.3%。"
    assert notice.state == NoticeState.PUBLISHED and notice.index_number == "eeb/2026-00001"
    assert change.state == ChangeState.APPROVED and change.reviewer_id == staff["reviewer"].id
    [old] = notice.revisions
    assert old.number == 1 and old.summary_zh_hans == "全市空气质量优良天数比例为92.3%。"
    assert old.note == "优良天数比例计算有误，更正为93.3%" and old.actor_id == staff["bureau_editor"].id
    assert [e.step for e in notice.events if e.public] == ["approve", "correct"]
    assert session.scalars(queries.public_list(session, NOW, queries.Filters(q="更正后的标题"))).all() == [notice]
    assert actions(session, "notices.correct")[0].actor_id == staff["reviewer"].id
    assert actions(session, "notices.correction_approve")


def test_the_author_of_a_change_cannot_approve_it(session, draft, publish, staff):
    notice = publish(draft())
    staff["admin"].bureau_id = notice.bureau_id
    change = services.update_notice(session, staff["admin"], notice, notice_input(notice, titles={"zh_hans": "新"}),
                                    correction_note="标题有误", now=NOW)
    with pytest.raises(services.NoticeError) as error:
        services.decide_change(session, staff["admin"], change, ChangeStep.APPROVE, now=NOW)
    assert error.value.refused == "notices.self_review_denied"
    with pytest.raises(services.NoticeError) as error:
        services.decide_change(session, staff["admin"], change, ChangeStep.RETURN, comment="x", now=NOW)
    assert error.value.refused == "notices.self_review_denied"
    assert change.state == ChangeState.SUBMITTED and notice.title_zh_hans != "新"


def test_the_database_refuses_a_change_approved_by_its_author(session, draft, publish, staff):
    notice = publish(draft())
    change = services.take_step(session, staff["bureau_editor"], notice, Step.WITHDRAW, comment="有误", now=NOW)
    session.commit()
    change.state, change.reviewer_id = ChangeState.APPROVED.value, change.author_id
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


@pytest.mark.parametrize("role", ["bureau_editor", "other_editor", "tip_handler"])
def test_editors_cannot_approve_or_return_a_change(session, draft, publish, staff, role):
    notice = publish(draft())
    change = services.take_step(session, staff["admin"], notice, Step.WITHDRAW, comment="有误", now=NOW)
    for step in (ChangeStep.APPROVE, ChangeStep.RETURN):
        with pytest.raises(services.NoticeError) as error:
            services.decide_change(session, staff[role], change, step, comment="x", now=NOW)
        assert error.value.refused == "notices.review_denied"
    assert notice.state == NoticeState.PUBLISHED


@pytest.mark.parametrize("role", ["other_editor", "reviewer", "tip_handler"])
def test_only_the_bureau_asks_for_or_cancels_a_change(session, draft, publish, staff, role):
    notice = publish(draft())
    with pytest.raises(services.NoticeError) as error:
        services.take_step(session, staff[role], notice, Step.WITHDRAW, comment="有误", now=NOW)
    assert error.value.refused == "notices.step_denied"
    with pytest.raises(services.NoticeError) as error:
        services.update_notice(session, staff[role], notice, notice_input(notice), correction_note="x", now=NOW)
    assert error.value.refused == "notices.edit_denied"
    change = services.take_step(session, staff["bureau_editor"], notice, Step.WITHDRAW, comment="有误", now=NOW)
    with pytest.raises(services.NoticeError) as error:
        services.decide_change(session, staff[role], change, ChangeStep.CANCEL, now=NOW)
    assert error.value.refused == "notices.step_denied"


def test_a_withdrawal_needs_a_reason_and_is_not_public_until_approved(session, draft, publish, staff):
    notice = publish(draft())
    with pytest.raises(services.NoticeError, match="撤回理由"):
        services.take_step(session, staff["bureau_editor"], notice, Step.WITHDRAW, now=NOW)
    change = services.take_step(session, staff["bureau_editor"], notice, Step.WITHDRAW,
                                comment="数据来源有误，将重新发布", now=NOW)
    session.commit()
    assert notice.state == NoticeState.PUBLISHED and notice.withdrawn_reason == ""
    assert session.scalars(queries.public_list(session, NOW, queries.Filters(q="优良天数"))).all() == [notice]
    assert actions(session, "notices.withdrawal_submit") and not actions(session, "notices.withdraw")
    with pytest.raises(services.NoticeError) as error:
        services.decide_change(session, staff["bureau_editor"], change, ChangeStep.APPROVE, now=NOW)
    assert error.value.refused == "notices.review_denied"
    services.decide_change(session, staff["reviewer"], change, ChangeStep.APPROVE, now=NOW)
    session.commit()
    assert notice.state == NoticeState.WITHDRAWN and notice.withdrawn_reason == "数据来源有误，将重新发布"
    assert queries.public_notice(session, notice.id, NOW) is notice
    assert [e.step for e in notice.events if e.public] == ["approve", "withdraw"]
    assert actions(session, "notices.withdraw")[0].actor_id == staff["reviewer"].id

    def found(q):
        return session.scalars(queries.public_list(session, NOW, queries.Filters(q=q))).all()
    assert found("空气质量月报") == [notice] and found("优良天数") == []  # the stub's title only
    with pytest.raises(services.NoticeError):
        services.update_notice(session, staff["bureau_editor"], notice, notice_input(notice), correction_note="x")


def test_a_returned_correction_goes_back_with_the_reason_and_can_be_revised(session, draft, publish, staff):
    notice = publish(draft())
    change = services.update_notice(session, staff["bureau_editor"], notice,
                                    notice_input(notice, summaries={"zh_hans": "第一稿"}),
                                    correction_note="更正摘要", now=NOW)
    with pytest.raises(services.NoticeError, match="需要修改"):
        services.decide_change(session, staff["reviewer"], change, ChangeStep.RETURN, now=NOW)
    services.decide_change(session, staff["reviewer"], change, ChangeStep.RETURN, comment="数字仍有误", now=NOW)
    session.commit()
    assert change.state == ChangeState.RETURNED and change.review_comment == "数字仍有误"
    assert notice.events[-1].step == "correct_return" and notice.events[-1].note == "数字仍有误"
    assert actions(session, "notices.correction_return")
    assert _public_summary(session, notice) == "全市空气质量优良天数比例为92.3%。"
    with pytest.raises(services.NoticeError):  # a returned change is revised, not approved as it was
        services.decide_change(session, staff["reviewer"], change, ChangeStep.APPROVE, now=NOW)
    again = services.update_notice(session, staff["bureau_editor"], notice,
                                   notice_input(notice, summaries={"zh_hans": "第二稿"}),
                                   correction_note="更正摘要数字", now=NOW)
    assert again is change and change.state == ChangeState.SUBMITTED
    services.decide_change(session, staff["reviewer"], change, ChangeStep.APPROVE, now=NOW)
    session.commit()
    assert _public_summary(session, notice) == "第二稿" and notice.revisions[0].note == "更正摘要数字"


def test_a_returned_withdrawal_can_be_cancelled_and_the_notice_stays(session, draft, publish, staff):
    notice = publish(draft())
    change = services.take_step(session, staff["bureau_editor"], notice, Step.WITHDRAW, comment="有误", now=NOW)
    services.decide_change(session, staff["reviewer"], change, ChangeStep.RETURN, comment="理由不充分", now=NOW)
    assert notice.events[-1].step == "withdraw_return"
    services.decide_change(session, staff["bureau_editor"], change, ChangeStep.CANCEL, now=NOW)
    session.commit()
    assert change.state == ChangeState.CANCELLED and notice.state == NoticeState.PUBLISHED
    assert notice.open_change is None and actions(session, "notices.withdrawal_cancel")
    with pytest.raises(services.NoticeError):
        services.decide_change(session, staff["reviewer"], change, ChangeStep.APPROVE, now=NOW)


def test_one_change_at_a_time(session, draft, publish, staff):
    notice = publish(draft())
    services.update_notice(session, staff["bureau_editor"], notice, notice_input(notice),
                           correction_note="更正", now=NOW)
    with pytest.raises(services.NoticeError, match="更正"):
        services.take_step(session, staff["bureau_editor"], notice, Step.WITHDRAW, comment="有误", now=NOW)
    with pytest.raises(services.NoticeError):
        services.update_notice(session, staff["bureau_editor"], notice, notice_input(notice), correction_note="再更正",
                               now=NOW)
    session.commit()
    session.add(NoticeChange(notice=notice, kind="withdrawal", state="submitted", note="绕过服务",
                             author_id=staff["bureau_editor"].id, created_at=NOW, updated_at=NOW))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_attachments_are_checked_by_content_and_size(session, draft, staff, tmp_path):
    notice = draft()
    stored = services.add_attachment(session, staff["bureau_editor"], notice, PDF, "月报.pdf", str(tmp_path), 1024)
    assert stored.kind == "pdf" and (tmp_path / stored.stored_name).read_bytes() == PDF
    assert stored.original_name == "月报.pdf" and stored.stored_name != "月报.pdf"
    for data, name in ((b"<html><script>alert(1)</script>", "fake.pdf"), (b"MZ\x90\x00", "report.docx"),
                       (b"", "empty.pdf"), (PDF + b"x" * 2000, "big.pdf")):
        with pytest.raises(services.NoticeError):
            services.add_attachment(session, staff["bureau_editor"], notice, data, name, str(tmp_path), 1024)
    assert len(notice.attachments) == 1


def test_attachments_of_a_published_notice_or_another_bureau_cannot_change(session, draft, publish, staff, tmp_path):
    notice = draft()
    with pytest.raises(services.NoticeError) as error:
        services.add_attachment(session, staff["other_editor"], notice, PDF, "a.pdf", str(tmp_path), 1024)
    assert error.value.refused == "notices.edit_denied"
    row = services.add_attachment(session, staff["bureau_editor"], notice, PDF, "a.pdf", str(tmp_path), 1024)
    publish(notice)
    with pytest.raises(services.NoticeError):
        services.remove_attachment(session, staff["bureau_editor"], row, str(tmp_path))
    with pytest.raises(services.NoticeError):
        services.add_attachment(session, staff["bureau_editor"], notice, PDF, "b.pdf", str(tmp_path), 1024)


def test_a_draft_attachment_can_be_removed(session, draft, staff, tmp_path):
    notice = draft()
    row = services.add_attachment(session, staff["bureau_editor"], notice, PDF, "a.pdf", str(tmp_path), 1024)
    name = row.stored_name
    services.remove_attachment(session, staff["bureau_editor"], row, str(tmp_path))
    session.commit()
    assert notice.attachments == [] and not (tmp_path / name).exists() and actions(session, "notices.detach")


def test_texts_fall_back_to_simplified_chinese_and_say_so(session, draft):
    notice = draft(titles={"en": "Air quality, September 2026"})
    assert notice.text("title", "en") == ("Air quality, September 2026", False)
    assert notice.text("title", "zh_Hant") == ("2026年9月空气质量月报", True)
    assert notice.text("summary", "zh_Hans") == ("全市空气质量优良天数比例为92.3%。", False)


@pytest.mark.parametrize("query, found", [("空气质量", True), ("优良天数", True), ("监测", True), ("空气", True),
                                          ("质", True), ("eeb/2026", True), ("AIR QUALITY", True), ("水质", False),
                                          ('"引号', False), ("100%", False), ("a_b", False)])
def test_search_finds_chinese_substrings_of_every_length(session, draft, publish, query, found):
    publish(draft(titles={"en": "Air quality"}))
    results = session.scalars(queries.public_list(session, NOW, queries.Filters(q=query))).all()
    assert bool(results) is found


def test_search_follows_corrections(session, draft, publish, correct):
    notice = publish(draft())
    correct(notice, notice_input(notice, titles={"zh_hans": "水质月报"}), "标题有误")
    assert session.scalars(queries.public_list(session, NOW, queries.Filters(q="水质月报"))).all() == [notice]


def test_filters_by_category_subtree_bureau_year_and_district(session, draft, publish, staff, city):
    air = publish(draft(places=[city.district]))
    penalty = publish(draft(category=city.penalties, title="行政处罚决定书", created_on=date(2025, 6, 1)))

    def found(**filters):
        return session.scalars(queries.public_list(session, NOW, queries.Filters(**filters))).all()
    assert found(category=city.quality) == [air]  # the parent includes its children
    assert found(category=city.penalties) == [penalty]
    assert found(year=2025) == [penalty]
    assert found(district=city.district) == [air]
    assert found(bureau=city.other) == []
    assert set(found()) == {air, penalty}
    assert queries.years(session, NOW) == [2026, 2025]


def test_editors_see_only_their_bureaus_notices(session, draft, staff, city):
    mine = draft()
    theirs = draft(author=staff["admin"], bureau=city.other, title="水利局")
    assert session.scalars(queries.staff_list(session, staff["bureau_editor"])).all() == [mine]
    assert set(session.scalars(queries.staff_list(session, staff["reviewer"])).all()) == {mine, theirs}
    assert session.scalars(queries.staff_list(session, staff["tip_handler"])).all() == []
    assert not policy.can_see(staff["other_editor"], mine) and policy.can_see(staff["reviewer"], mine)


def test_categories_are_saved_by_admins_only_in_a_tree_without_cycles(session, staff, city):
    with pytest.raises(services.NoticeError) as error:
        services.save_category(session, staff["bureau_editor"], None, code="x", names={"zh_hans": "X"}, parent=None)
    assert error.value.refused == "notices.category_denied"
    with pytest.raises(services.NoticeError):
        services.save_category(session, staff["admin"], city.quality, code="quality", names={"zh_hans": "环境质量"},
                               parent=city.air)
    with pytest.raises(services.NoticeError):
        services.save_category(session, staff["admin"], None, code="quality", names={"zh_hans": "重复"}, parent=None)
    water = services.save_category(session, staff["admin"], None, code="quality-water", names={"zh_hans": "水环境质量"},
                                   parent=city.quality, sort_order=5)
    assert water.parent_id == city.quality.id and actions(session, "notices.category_save")
    ordered = [c.code for c in queries.categories(session)]
    assert ordered.index("quality-water") < ordered.index("penalties")
    assert queries.category_ids_under(session, city.quality) == sorted([city.quality.id, city.air.id, water.id])


def test_an_inactive_editor_can_do_nothing(session, draft, staff):
    notice = draft()
    staff["bureau_editor"].active = False
    assert not policy.can_edit(staff["bureau_editor"], notice)
    staff["reviewer"].active = False
    assert not policy.can_review(staff["reviewer"])

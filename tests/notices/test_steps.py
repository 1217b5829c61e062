"""The notice review on the workflow engine: every step of the table has its handler, and each handler checks its
own input, sets its own fields and says what the history shows; the engine writes the history and the audit."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.errors import StepNotAllowed
from app.notices import services
from app.notices.errors import NoticeError, NoticeNotPermitted, NoticeStepNotAllowed
from app.notices.workflow import TRANSITIONS, NoticeState, Step
from tests.notices.conftest import NOW, SCHEME


def test_every_step_of_the_table_has_its_handler():
    services.WORKFLOW.check()
    assert set(services.WORKFLOW.handlers) == {step for (_state, step) in TRANSITIONS} == set(Step)


def test_a_step_needs_the_acting_user(session, draft):
    with pytest.raises(TypeError):
        services.WORKFLOW.take(session, None, draft(), Step.SUBMIT, now=NOW)


def audited(session, action: str) -> AuditEntry:
    return session.scalar(select(AuditEntry).where(AuditEntry.action == action))


def test_submit_refuses_a_passed_publication_time_beside_its_field_and_stamps_the_step(session, draft, staff):
    notice = draft(publish_at=NOW + timedelta(hours=1))
    with pytest.raises(NoticeError) as error:
        services.WORKFLOW.take(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW + timedelta(hours=2))
    assert error.value.field == "publish_at" and notice.state == NoticeState.DRAFT
    later = NOW + timedelta(minutes=5)
    services.WORKFLOW.take(session, staff["bureau_editor"], notice, Step.SUBMIT, now=later, comment=" 请审核 ")
    event = notice.events[-1]
    assert notice.state == NoticeState.SUBMITTED and notice.updated_at == later
    assert (event.step, event.at, event.public, event.note) == ("submit", later, False, "请审核")
    assert audited(session, "notices.submit").note == "请审核"


def test_approve_publishes_with_an_index_number_and_a_public_entry(session, draft, staff):
    notice = draft()
    services.WORKFLOW.take(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    services.WORKFLOW.take(session, staff["reviewer"], notice, Step.APPROVE, rules=SCHEME, now=NOW)
    assert notice.state == NoticeState.PUBLISHED and notice.published_at == NOW
    assert notice.index_number == "eeb/2026-00001" and notice.reviewer_id == staff["reviewer"].id
    assert notice.events[-1].public and audited(session, "notices.approve").after["state"] == "published"


def test_return_needs_a_comment_which_the_author_then_reads(session, draft, staff):
    notice = draft()
    services.WORKFLOW.take(session, staff["bureau_editor"], notice, Step.SUBMIT, now=NOW)
    with pytest.raises(NoticeError) as error:
        services.WORKFLOW.take(session, staff["reviewer"], notice, Step.RETURN, now=NOW, comment="  ")
    assert error.value.field == "comment" and notice.state == NoticeState.SUBMITTED
    services.WORKFLOW.take(session, staff["reviewer"], notice, Step.RETURN, now=NOW, comment="请补充")
    assert notice.state == NoticeState.RETURNED and notice.review_comment == "请补充"
    assert not notice.events[-1].public


def test_correct_and_withdraw_are_taken_only_by_a_reviewer_approving_a_change(session, draft, publish, staff):
    notice = publish(draft())
    for step in (Step.CORRECT, Step.WITHDRAW):
        with pytest.raises(NoticeNotPermitted):
            services.WORKFLOW.take(session, staff["bureau_editor"], notice, step, now=NOW)
    assert notice.state == NoticeState.PUBLISHED


def test_a_step_the_state_does_not_allow_is_refused_as_the_domains_error(session, draft, staff):
    notice = draft()
    with pytest.raises(StepNotAllowed):
        services.WORKFLOW.take(session, staff["reviewer"], notice, Step.APPROVE, rules=SCHEME, now=NOW)
    with pytest.raises(NoticeStepNotAllowed, match="draft|草稿|Draft"):
        services.take_step(session, staff["reviewer"], notice, Step.APPROVE, index_scheme=SCHEME, now=NOW)
    with pytest.raises(NoticeError) as error:
        services.take_step(session, staff["bureau_editor"], notice, Step.CORRECT, now=NOW)
    assert not isinstance(error.value, StepNotAllowed)  # corrected through the edit form, not a step to take

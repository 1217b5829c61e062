"""The notices policy: who may write, review, manage and see, which refusals are audited and under what name, and
which steps a notice's page offers to whom."""
import pytest

from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.notices import policy
from app.notices.errors import NoticeError, NoticeNotPermitted, NoticeStepNotAllowed
from app.notices.workflow import ChangeStep, Step
from tests.notices.conftest import NOW

ROLES = ["admin", "bureau_editor", "other_editor", "reviewer", "tip_handler", "interviewer", "disclosure_head"]


@pytest.mark.parametrize("role, home, other", [
    ("admin", True, True), ("bureau_editor", True, False), ("other_editor", False, True), ("reviewer", False, False),
    ("tip_handler", False, False), ("interviewer", False, False), ("disclosure_head", False, False),
])
def test_admins_edit_every_bureaus_notices_and_an_editor_only_their_own(staff, role, home, other):
    assert policy.can_edit(staff[role], staff["bureaus"]["home"].id) is home
    assert policy.can_edit(staff[role], staff["bureaus"]["other"].id) is other


@pytest.mark.parametrize("role", ROLES)
def test_reviewers_and_admins_review_and_see_every_bureau_and_only_admins_manage(staff, role):
    assert policy.can_review(staff[role]) is (role in ("admin", "reviewer"))
    assert policy.sees_every_bureau(staff[role]) is (role in ("admin", "reviewer"))
    assert policy.can_manage(staff[role]) is (role == "admin")


def test_staff_who_neither_edit_nor_review_a_notice_cannot_see_it(draft, staff):
    notice = draft()
    assert {role for role in ROLES if policy.can_see(staff[role], notice)} == {"admin", "bureau_editor", "reviewer"}


def test_an_inactive_account_may_do_nothing(staff):
    for role in ("admin", "bureau_editor", "reviewer"):
        staff[role].active = False
    assert not policy.can_edit(staff["admin"], staff["bureaus"]["home"].id)
    assert not policy.can_edit(staff["bureau_editor"], staff["bureaus"]["home"].id)
    assert not policy.can_review(staff["reviewer"]) and not policy.can_manage(staff["admin"])


def refusal(check, *args) -> NoticeError | None:
    try:
        check(*args)
    except NoticeError as error:
        return error
    return None


@pytest.mark.parametrize("role, step, refused", [
    ("bureau_editor", Step.SUBMIT, None), ("other_editor", Step.SUBMIT, "notices.step_denied"),
    ("reviewer", Step.SUBMIT, "notices.step_denied"), ("reviewer", Step.APPROVE, None),
    ("reviewer", Step.RETURN, None), ("bureau_editor", Step.APPROVE, "notices.review_denied"),
    ("admin", Step.APPROVE, "notices.self_review_denied"), ("admin", Step.RETURN, "notices.self_review_denied"),
    ("reviewer", Step.CORRECT, None), ("reviewer", Step.WITHDRAW, None),
    ("bureau_editor", Step.CORRECT, "notices.review_denied"), ("bureau_editor", Step.WITHDRAW, "notices.review_denied"),
])
def test_the_policy_of_each_notice_step_names_the_audited_refusal(draft, staff, role, step, refused):
    notice = draft(author=staff["admin"])
    error = refusal(policy.check_step, staff[role], notice, step)
    assert getattr(error, "refused", None) == refused
    assert refused is None or isinstance(error, NotPermitted)


def test_a_change_is_decided_by_a_reviewer_who_did_not_ask_for_it_and_cancelled_by_the_bureau(session, draft,
                                                                                               publish, staff):
    from app.notices import services

    notice = publish(draft())
    change = services.take_step(session, staff["admin"], notice, Step.WITHDRAW, comment="有误", now=NOW)
    assert refusal(policy.check_change_step, staff["reviewer"], change, ChangeStep.APPROVE) is None
    assert refusal(policy.check_change_step, staff["admin"], change, ChangeStep.APPROVE).refused == \
        "notices.self_review_denied"
    assert refusal(policy.check_change_step, staff["bureau_editor"], change, ChangeStep.RETURN).refused == \
        "notices.review_denied"
    assert refusal(policy.check_change_step, staff["bureau_editor"], change, ChangeStep.CANCEL) is None
    assert refusal(policy.check_change_step, staff["reviewer"], change, ChangeStep.CANCEL).refused == \
        "notices.step_denied"
    resubmit = refusal(policy.check_change_step, staff["bureau_editor"], change, ChangeStep.RESUBMIT)
    assert resubmit is not None and resubmit.refused is None and not isinstance(resubmit, NotPermitted)
    assert policy.offered_change_steps(staff["admin"], change) == [ChangeStep.CANCEL]
    assert policy.offered_change_steps(staff["reviewer"], change) == [ChangeStep.APPROVE, ChangeStep.RETURN]
    assert policy.offered_change_steps(staff["other_editor"], change) == []
    assert policy.offered_steps(staff["bureau_editor"], notice) == []  # one change at a time


def test_a_notices_page_offers_each_role_its_own_steps(session, draft, publish, staff):
    notice = draft()
    assert policy.offered_steps(staff["bureau_editor"], notice) == [Step.SUBMIT]
    assert policy.offered_steps(staff["reviewer"], notice) == []
    publish(notice)
    assert policy.offered_steps(staff["bureau_editor"], notice) == [Step.WITHDRAW]  # corrected through the form
    assert policy.offered_steps(staff["reviewer"], notice) == []


def test_the_domains_errors_sit_in_the_shared_hierarchy():
    assert issubclass(NoticeError, ActionRefused) and issubclass(NoticeNotPermitted, NotPermitted)
    assert issubclass(NoticeStepNotAllowed, StepNotAllowed) and issubclass(NoticeStepNotAllowed, NoticeError)
    assert NoticeError("x", field="comment").field == "comment" and NoticeError("x").refused is None
    assert NoticeNotPermitted("x", "notices.step_denied").refused == "notices.step_denied"

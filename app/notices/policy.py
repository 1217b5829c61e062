"""Who may do what with disclosure notices: one place for the services, the queries and the views.

Bureau editors write, correct and withdraw their own bureau's notices; reviewers (and admins) review notices that
others wrote and changes that others asked for; admins write for every bureau and manage the catalogue."""
from flask_babel import gettext as _

from app.accounts.permissions import Permission, Role
from app.notices.errors import NoticeError, NoticeNotPermitted
from app.notices.workflow import (CHANGE_REVIEW_STEPS, CHANGE_STEPS, REVIEW_STEPS, ChangeKind, ChangeState, ChangeStep,
                                  Step, allowed_change_steps, allowed_steps)


def can_edit(user, notice_or_bureau_id) -> bool:
    """Admins edit every notice; a bureau editor only their own bureau's."""
    bureau_id = getattr(notice_or_bureau_id, "bureau_id", notice_or_bureau_id)
    if not user.can(Permission.NOTICES_EDIT):
        return False
    return user.role == Role.ADMIN or user.bureau_id is not None and user.bureau_id == bureau_id


def can_review(user) -> bool:
    return user.can(Permission.NOTICES_REVIEW)


def can_see(user, notice) -> bool:
    """Staff who may open a notice in the back office."""
    return can_edit(user, notice) or can_review(user)


def can_manage(user) -> bool:
    """The category tree and the disclosure catalogue."""
    return user.can(Permission.NOTICES_MANAGE)


def sees_every_bureau(user) -> bool:
    """Reviewers and admins work on every bureau's notices; a bureau editor on their own bureau's."""
    return can_review(user)


def check_edit(user, notice_or_bureau_id, message: str | None = None, refused: str = "notices.edit_denied") -> None:
    """Refuse, to be audited, unless the user may edit the notice (or write for the bureau)."""
    if not can_edit(user, notice_or_bureau_id):
        raise NoticeNotPermitted(message or _("You can only edit notices of your own bureau."), refused)


def _check_review(user, author_id: int | None = None, self_review: str = "") -> None:
    if not can_review(user):
        raise NoticeNotPermitted(_("Only reviewers can approve or return notices."), "notices.review_denied")
    if author_id is not None and author_id == user.id:
        raise NoticeNotPermitted(self_review, "notices.self_review_denied")


def check_step(user, notice, step) -> None:
    """The policy of the notice workflow: reviewers review what others wrote; the bureau takes the other steps.
    A correction or withdrawal goes live when a reviewer approves the change (whose author they are not)."""
    if step in REVIEW_STEPS:
        _check_review(user, notice.author_id, _("You wrote this notice: another reviewer must review it."))
    elif step in CHANGE_STEPS:
        _check_review(user)
    else:
        check_edit(user, notice, _("You can only act on notices of your own bureau."), "notices.step_denied")


def check_change_step(user, change, step: ChangeStep) -> None:
    """The policy of a correction or withdrawal: reviewers who did not ask for it decide it; the bureau cancels it
    (and submits it again by revising it)."""
    if step in CHANGE_REVIEW_STEPS:
        _check_review(user, change.author_id, _("You asked for this change: another reviewer must review it."))
    elif step == ChangeStep.RESUBMIT:
        raise NoticeError(_("Revise the change to submit it again."))
    else:
        check_edit(user, change.notice, _("You can only act on notices of your own bureau."), "notices.step_denied")


def check_manage(user, message: str, refused: str) -> None:
    """Refuse, to be audited, unless the user manages the category tree and the catalogue."""
    if not can_manage(user):
        raise NoticeNotPermitted(message, refused)


def offered_steps(user, notice) -> list[Step]:
    """The steps the notice's page offers the user. A correction is made through the edit form; a withdrawal is
    asked for unless another change is under way (a returned withdrawal is asked for again, with a new reason)."""
    change = notice.open_change

    def offered(step: Step) -> bool:
        if step == Step.CORRECT:
            return False
        if step == Step.WITHDRAW and change is not None and (change.state == ChangeState.SUBMITTED
                                                             or change.kind != ChangeKind.WITHDRAWAL):
            return False
        return can_review(user) if step in REVIEW_STEPS else can_edit(user, notice)
    return [step for step in allowed_steps(notice.state) if offered(step)]


def offered_change_steps(user, change) -> list[ChangeStep]:
    """The decisions on a correction or withdrawal that the notice's page offers the user (it is submitted again
    by revising it)."""
    def offered(step: ChangeStep) -> bool:
        if step in CHANGE_REVIEW_STEPS:
            return can_review(user) and change.author_id != user.id
        return step != ChangeStep.RESUBMIT and can_edit(user, change.notice)
    return [step for step in allowed_change_steps(change.state) if offered(step)]

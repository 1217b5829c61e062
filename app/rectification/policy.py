"""Who may do what in the rectification ledger, in one place. The office (admins, 生态办) manages rounds and tasks,
reviews reports, records acceptances, publishes notices, answers objections, closes and reopens tasks. A bureau's
editors see the tasks their bureau is a unit of; only the lead unit reports progress and applies for closure.
Services ask here; a refusal for want of permission is a LedgerNotPermitted (views answer 403 and audit it)."""
from flask_babel import gettext as _

from app.accounts.permissions import Permission
from app.errors import NotPermitted
from app.rectification.workflow import OFFICE_STEPS, Step


class LedgerNotPermitted(NotPermitted):
    """Refused for want of permission on the ledger or one of its tasks."""

    audit_as = "rectification.refused"


def is_office(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.can(Permission.RECTIFICATION_MANAGE)


def unit_ids(session, task) -> set[int]:
    """The bureaus responsible for a task in any role (lead, co-operating, supervising)."""
    from sqlalchemy import select

    from app.rectification.models import TaskUnit
    return set(session.scalars(select(TaskUnit.bureau_id).where(TaskUnit.task_id == task.id)))


def can_see(session, user, task) -> bool:
    """The office sees every task in the back office; a bureau's staff the tasks their bureau is a unit of."""
    if is_office(user):
        return True
    if not (getattr(user, "is_authenticated", False) and user.can(Permission.RECTIFICATION_REPORT)):
        return False
    return user.bureau_id is not None and user.bureau_id in unit_ids(session, task)


def is_lead(user, task) -> bool:
    return (bool(getattr(user, "is_authenticated", False)) and user.can(Permission.RECTIFICATION_REPORT)
            and user.bureau_id is not None and user.bureau_id == task.lead_bureau_id)


def require_office(user) -> None:
    if not is_office(user):
        raise LedgerNotPermitted(_("Only the ecological civilization office can do this."))


def require_visible(session, user, task) -> None:
    if not can_see(session, user, task):
        raise LedgerNotPermitted(_("This task is not one of your bureau's."))


def require_lead(user, task) -> None:
    """Progress reports and closure applications come from the lead unit (牵头单位) only."""
    if not is_lead(user, task):
        raise LedgerNotPermitted(_("Only the task's lead unit can do this."))


def check(actor, task, step: Step) -> None:
    """The workflow's policy: the office takes the office's steps; the lead unit applies for closure."""
    if step in OFFICE_STEPS:
        require_office(actor)
    else:
        require_lead(actor, task)

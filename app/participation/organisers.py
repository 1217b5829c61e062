"""Who runs which activity: the office (admins) every one; a bureau's editors their bureau's; a registered
organisation's organisers their organisation's. Bureaus and organisations are kept apart: neither organises the
other's activities nor sees their volunteers. Used by activities, volunteers and their back office."""
from typing import Any

from sqlalchemy import false

from app.accounts.permissions import Permission, Role
from app.casework.actors import is_public
from app.participation.models import Activity


def is_staff(user: Any) -> bool:
    """A signed-in, active member of staff (not the public, not an anonymous visitor)."""
    return (user is not None and not is_public(user) and bool(getattr(user, "is_authenticated", False))
            and bool(user.active))


def sees_all(user: Any) -> bool:
    """The office (admins) organises every activity and sees every volunteer."""
    return is_staff(user) and user.can(Permission.PARTICIPATION_ACTIVITIES) and Role(user.role) == Role.ADMIN


def runs(user: Any, *, bureau_id: int | None, organisation_id: int | None) -> bool:
    """The user may organise an activity run by this bureau or by this organisation (exactly one is given)."""
    if not is_staff(user) or not user.can(Permission.PARTICIPATION_ACTIVITIES):
        return False
    if Role(user.role) == Role.ADMIN:
        return True
    if user.organisation_id is not None:
        return bureau_id is None and organisation_id == user.organisation_id
    return organisation_id is None and bureau_id is not None and bureau_id == user.bureau_id


def runs_activity(user: Any, activity: Activity) -> bool:
    return runs(user, bureau_id=activity.bureau_id, organisation_id=activity.organisation_id)


def own_activities(user: Any) -> Any:
    """The SQL condition on `Activity` that keeps the activities this (non-admin) user organises."""
    if user.organisation_id is not None:
        return Activity.organisation_id == user.organisation_id
    if user.bureau_id is None:
        return false()
    return (Activity.bureau_id == user.bureau_id) & Activity.organisation_id.is_(None)

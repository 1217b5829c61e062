"""Who may manage which monitoring sites, their values and station keys: one place for services, imports and views.

Admins manage every bureau's sites; a bureau editor (environment.edit) only the sites whose bureau is their own."""
from flask_babel import gettext as _

from app.accounts.permissions import Permission, Role
from app.errors import NotPermitted


class SiteNotPermitted(NotPermitted):
    """Not the actor's bureau's site (or no environment permission): audited where refused."""

    audit_as = "environment.denied"


def can_work(user) -> bool:
    """Whether the user may open the environment back office at all."""
    return user is not None and user.can(Permission.ENVIRONMENT_EDIT)


def sees_every_bureau(user) -> bool:
    """Admins manage the sites of every bureau."""
    return can_work(user) and user.role == Role.ADMIN


def can_manage(user, site_or_bureau_id) -> bool:
    """Whether the user manages a site (or anything of a bureau, given its id): admins all, editors their own."""
    bureau_id = getattr(site_or_bureau_id, "bureau_id", site_or_bureau_id)
    if not can_work(user):
        return False
    return sees_every_bureau(user) or user.bureau_id is not None and user.bureau_id == bureau_id


def check_manage(user, site_or_bureau_id) -> None:
    """Raise SiteNotPermitted unless the user manages it."""
    if not can_manage(user, site_or_bureau_id):
        raise SiteNotPermitted(_("You may manage only the monitoring sites of your own bureau."))

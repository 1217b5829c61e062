"""Who may do what with a tip, in one place: the office (admins) and the bureau's tip handlers as staff, the
reporter through the tracking code. Services ask here; a refusal for want of permission is a TipNotPermitted."""
from flask_babel import gettext as _

from app.accounts.permissions import Role
from app.casework.actors import is_public
from app.tips.errors import TipNotPermitted
from app.tips.workflow import OFFICE_STEPS, REPORTER_STEPS


def is_office(user) -> bool:
    """The office that receives tips (生态办): accepts, routes, closes, merges, answers reviews, grants rewards."""
    return getattr(user, "role", None) == Role.ADMIN


def can_handle(user, tip) -> bool:
    """Admins handle every tip; a tip handler only those assigned (or routed) to their own bureau."""
    if is_public(user) or not user.active:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.TIP_HANDLER and tip.bureau_id is not None and tip.bureau_id == user.bureau_id


def require_handler(user, tip) -> None:
    if not can_handle(user, tip):
        raise TipNotPermitted(_("You cannot act on this tip."))


def require_office(user, *, field: str | None = None) -> None:
    if not is_office(user):
        raise TipNotPermitted(_("Only the office that receives tips can do this."), field=field)


def check(actor, tip, step) -> None:
    """May `actor` take `step` on `tip`? The reporter takes only the reporter's steps, staff only the others, and
    a bureau's handler only the bureau's own steps on its own tips."""
    if is_public(actor):
        if step not in REPORTER_STEPS:
            raise TipNotPermitted(_("You cannot act on this tip."))
        return
    require_handler(actor, tip)
    if step in REPORTER_STEPS:
        raise TipNotPermitted(_("Only the reporter rates the handling."))
    if step in OFFICE_STEPS:
        require_office(actor)

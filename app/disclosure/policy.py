"""Who may do what with a disclosure request: the addressed bureau's handlers (and admins) handle it, only the head
of the disclosure office approves an extension (art. 33), and only the applicant, through the tracking code,
completes or withdraws it. Refusals raise DisclosureNotPermitted, audited where the view refuses them."""
from flask_babel import gettext as _

from app.accounts.permissions import Permission, Role
from app.casework.actors import is_public
from app.disclosure.workflow import APPLICANT_STEPS, DisclosureNotPermitted, Step


def can_handle(user, request) -> bool:
    """Admins handle every request; a handler (bureau editor) only those addressed to their own bureau."""
    if not user.active or not user.can(Permission.DISCLOSURE_HANDLE):  # the applicant (a PublicParty) can't
        return False
    if user.role == Role.ADMIN:
        return True
    return user.bureau_id is not None and request.bureau_id == user.bureau_id


def may_extend(user) -> bool:
    """Art. 33: an extension needs the approval of the head of the disclosure office
    (经政府信息公开工作机构负责人同意)."""
    return user.can(Permission.DISCLOSURE_APPROVE_EXTENSION)


def require_handler(user, request) -> None:
    """Refuse anyone who may not handle this request."""
    if not can_handle(user, request):
        raise DisclosureNotPermitted(_("You cannot act on this request."))


def check_step(actor, request, step: Step) -> None:
    """The workflow's policy: the applicant takes only their own steps; staff handle their bureau's requests,
    never the applicant's steps, and extend only with the head's approval."""
    if is_public(actor):
        if step not in APPLICANT_STEPS:
            raise DisclosureNotPermitted(_("You cannot act on this request."))
        return
    require_handler(actor, request)
    if step in APPLICANT_STEPS:
        raise DisclosureNotPermitted(_("Only the applicant can do this, on the tracking page."))
    if step == Step.EXTEND and not may_extend(actor):
        raise DisclosureNotPermitted(_("An extension needs the approval of the head of the disclosure office "
                                       "(art. 33): ask them to extend the deadline."))

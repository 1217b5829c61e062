"""Registered organisations (社会组织, 志愿者协会, schools, enterprises …) that run activities with accounts of their
own: the ecological civilization office registers them, changes them, suspends them with a reason and reinstates
them (approved ⇄ suspended, on the workflow engine, audited). Their organisers' accounts are staff accounts of the
`organisation_organiser` role, made in the accounts back office.

Services take the session and the actor, flush, audit and never commit."""
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit
from app.accounts.models import User
from app.accounts.permissions import Permission
from app.enums import TitledEnum
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.org.models import Place, PlaceLevel
from app.participation.models import Activity, Organisation, OrganisationKind, OrganisationState
from app.workflow import Entry, StepContext, Workflow

# 统一社会信用代码 (GB 32100-2015): 18 characters of this set, the last a check character.
CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}[0-9]$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OrganisationError(ActionRefused):
    """A refused change of an organisation; the message is for the user, beside `field`."""


class OrganisationNotPermitted(OrganisationError, NotPermitted):
    """Not the office: only it registers, changes, suspends and reinstates organisations."""

    audit_as = "organisations.refused"


class OrganisationStepNotAllowed(OrganisationError, StepNotAllowed):
    """A step the organisation’s state does not allow."""


class Step(TitledEnum):
    SUSPEND = "suspend", _l("Suspend")
    REINSTATE = "reinstate", _l("Reinstate")


TRANSITIONS = {
    (OrganisationState.APPROVED, Step.SUSPEND): OrganisationState.SUSPENDED,
    (OrganisationState.SUSPENDED, Step.REINSTATE): OrganisationState.APPROVED,
}


def may_manage(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False)) and user.can(
        Permission.PARTICIPATION_ORGANISATIONS)


def _require_office(actor) -> None:
    if not may_manage(actor):
        raise OrganisationNotPermitted(_("Only the ecological civilization office manages registered organisations."))


def snapshot(organisation: Organisation) -> dict:
    """The organisation's audit state as JSON."""
    return {name: value.value if isinstance(value, Enum) else value
            for name, value in organisation.audit_state().items()}


def _policy(actor, organisation: Organisation, step: Step) -> None:
    _require_office(actor)


def _refuse(organisation: Organisation, step: Step) -> str:
    raise OrganisationStepNotAllowed(_("This step is not possible while the organisation is “%(state)s”.",
                                       state=organisation.state.title))


def _no_timeline(*_args, **_kwargs) -> None:
    """Organisations keep no timeline of their own: the audit log records each step."""


ORGANISATION_WORKFLOW: Workflow[OrganisationState, Step] = Workflow(
    "organisations", TRANSITIONS, policy=_policy, record=_no_timeline, refuse=_refuse,
    not_allowed=OrganisationStepNotAllowed, snapshot=snapshot)


@ORGANISATION_WORKFLOW.handles(Step.SUSPEND)
def _suspend(context: StepContext) -> Entry:
    reason = context.text("reason")
    if not reason:
        raise OrganisationError(_("Say why the organisation is suspended."), field="reason")
    context.case.suspend_reason = reason[:2000]
    context.case.state_changed_at = context.now
    return Entry(internal_note=reason[:500])


@ORGANISATION_WORKFLOW.handles(Step.REINSTATE)
def _reinstate(context: StepContext) -> Entry:
    context.case.suspend_reason = ""
    context.case.state_changed_at = context.now
    return Entry()


# --- checks of the input ------------------------------------------------------------------------------------------

def credit_code_valid(code: str) -> bool:
    """Whether `code` is a well-formed unified social credit code (统一社会信用代码) with the right check character."""
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in CREDIT_CODE_CHARACTERS for ch in code):
        return False
    total = sum(CREDIT_CODE_CHARACTERS.index(ch) * weight for ch, weight in zip(code[:17], _CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARACTERS[(31 - total % 31) % 31] == code[17]


@dataclass
class OrganisationInput:
    """What the office's form gives for a new organisation or a change."""

    kind: str
    name_zh_hans: str
    place_id: int
    contact_name: str
    contact_phone: str
    name_zh_hant: str = ""
    name_en: str = ""
    credit_code: str = ""
    contact_email: str = ""


def _clean(data: OrganisationInput) -> dict:
    values = {name: value.strip() if isinstance(value, str) else value for name, value in vars(data).items()}
    values["credit_code"] = values["credit_code"].upper()
    return values


def _check(session, values: dict, organisation: Organisation | None) -> None:
    if not values["name_zh_hans"]:
        raise OrganisationError(_("Give the name in simplified Chinese."), field="name_zh_hans")
    try:
        OrganisationKind(values["kind"])
    except ValueError:
        raise OrganisationError(_("Choose the kind of organisation."), field="kind")
    same_name = select(Organisation.id).where(func.lower(Organisation.name_zh_hans) == values["name_zh_hans"].lower())
    if organisation is not None:
        same_name = same_name.where(Organisation.id != organisation.id)
    if session.scalar(same_name) is not None:
        raise OrganisationError(_("An organisation of this name is registered already."), field="name_zh_hans")
    place = session.get(Place, values["place_id"]) if values["place_id"] else None
    if place is None or place.level != PlaceLevel.DISTRICT:
        raise OrganisationError(_("Choose the district the organisation is based in."), field="place_id")
    if values["credit_code"] and not credit_code_valid(values["credit_code"]):
        raise OrganisationError(_("This is not a valid unified social credit code (18 characters, the last one a "
                                  "check character). Leave it empty if the organisation has none."),
                                field="credit_code")
    if not values["contact_name"]:
        raise OrganisationError(_("Give the contact person."), field="contact_name")
    if not _PHONE.fullmatch(values["contact_phone"]):
        raise OrganisationError(_("Give the contact's phone number, e.g. 13812345678 or 027-88886666."),
                                field="contact_phone")
    if values["contact_email"] and not _EMAIL.fullmatch(values["contact_email"]):
        raise OrganisationError(_("Give a valid email address, or leave it empty."), field="contact_email")


# --- the office's writes -------------------------------------------------------------------------------------------

def register_organisation(session, actor, data: OrganisationInput) -> Organisation:
    """Register an organisation (approved at once: the office registers only what it has checked)."""
    _require_office(actor)
    values = _clean(data)
    _check(session, values, None)
    organisation = Organisation(state=OrganisationState.APPROVED, suspend_reason="", **values)
    session.add(organisation)
    session.flush()
    audit.record(session, "organisations.register", organisation, actor=actor, after=snapshot(organisation))
    return organisation


def update_organisation(session, actor, organisation: Organisation, data: OrganisationInput) -> Organisation:
    """Change an organisation's names, kind, district, credit code or contact."""
    _require_office(actor)
    values = _clean(data)
    _check(session, values, organisation)
    before = snapshot(organisation)
    for name, value in values.items():
        setattr(organisation, name, value)
    session.flush()
    audit.record(session, "organisations.update", organisation, actor=actor, before=before,
                 after=snapshot(organisation))
    return organisation


def suspend_organisation(session, actor, organisation: Organisation, reason: str, *,
                         now: datetime | None = None) -> Organisation:
    """Suspend an organisation with a reason: its activities can no longer be created, changed or published."""
    ORGANISATION_WORKFLOW.take(session, actor, organisation, Step.SUSPEND, now=now, reason=reason)
    return organisation


def reinstate_organisation(session, actor, organisation: Organisation, *,
                           now: datetime | None = None) -> Organisation:
    ORGANISATION_WORKFLOW.take(session, actor, organisation, Step.REINSTATE, now=now)
    return organisation


# --- reads -----------------------------------------------------------------------------------------------------------

def all_organisations(session) -> list[Organisation]:
    """Every registered organisation, approved ones first, by name (the back office's list, account choices)."""
    return list(session.scalars(select(Organisation).order_by(Organisation.state, Organisation.name_zh_hans)))


def organisers_of(session, organisation: Organisation) -> list[User]:
    """The staff accounts acting for this organisation."""
    return list(session.scalars(select(User).where(User.organisation_id == organisation.id)
                                .order_by(User.username)))


def activities_of(session, organisation: Organisation, limit: int = 50) -> list[Activity]:
    """The organisation's latest activities, newest first."""
    return list(session.scalars(select(Activity).where(Activity.organisation_id == organisation.id)
                                .order_by(Activity.starts_at.desc(), Activity.id.desc()).limit(limit)))


def activity_counts(session) -> dict[int, int]:
    """Activities per organisation (any state), for the list."""
    return {organisation_id: count for organisation_id, count in session.execute(
        select(Activity.organisation_id, func.count()).where(Activity.organisation_id.is_not(None))
        .group_by(Activity.organisation_id))}

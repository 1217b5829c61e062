"""Consultations (征求意见 / 献一计): a notice with what 《环境保护公众参与办法》 art. 5 asks it to give (the
background, the start and end dates, how to submit, the contact), drafted, published and closed with the
summary of what was adopted, each step on the workflow engine and audited. Services flush, never commit.

The period: 《环境保护公众参与办法》 sets no minimum length, so none is enforced here beyond the end date not
being before the start (the 10 working days of the EIA rules apply to environmental impact reports, which are not
consulted on through this site)."""
from dataclasses import dataclass, fields
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select
from sqlalchemy.orm import selectinload

from app import audit
from app.accounts.permissions import Permission, Role
from app.enums import TitledEnum
from app.errors import ActionRefused, NotPermitted, StepNotAllowed
from app.participation.models import Consultation, ConsultationState
from app.workflow import Entry, StepContext, Workflow

# The shortest period a consultation must run, in days, if the law set one; None: no minimum (see above).
MIN_PERIOD_DAYS: int | None = None
MAX_ANSWER_DAYS = 60


class ConsultationStep(TitledEnum):
    PUBLISH = "publish", _l("Publish")
    CLOSE = "close", _l("Close and publish the summary")


TRANSITIONS = {
    (ConsultationState.DRAFT, ConsultationStep.PUBLISH): ConsultationState.PUBLISHED,
    (ConsultationState.PUBLISHED, ConsultationStep.CLOSE): ConsultationState.CLOSED,
}


@dataclass
class ConsultationInput:
    """What an organiser types for a consultation's notice."""

    bureau_id: int
    title_zh_hans: str
    background_zh_hans: str
    how_to_submit_zh_hans: str
    contact: str
    starts_on: date
    ends_on: date
    answer_days: int = 15
    title_zh_hant: str = ""
    title_en: str = ""
    background_zh_hant: str = ""
    background_en: str = ""
    how_to_submit_zh_hant: str = ""
    how_to_submit_en: str = ""


def audit_state(row) -> dict:
    """The row's audit snapshot (`audit_state()`), its dates written as ISO text so that the log can store them."""
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in row.audit_state().items()}


def may_organise(user, consultation: Consultation | None = None, bureau_id: int | None = None) -> bool:
    """Admins organise every bureau's consultations; a bureau editor only their own bureau's."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.can(Permission.PARTICIPATION_ORGANISE):
        return False
    if user.role == Role.ADMIN:
        return True
    wanted = consultation.bureau_id if consultation is not None else bureau_id
    return wanted is not None and wanted == user.bureau_id


def require_organiser(user, consultation: Consultation | None = None, bureau_id: int | None = None) -> None:
    if not may_organise(user, consultation, bureau_id):
        raise NotPermitted(_("You cannot organise this bureau's consultations."))


def _check(data: ConsultationInput) -> None:
    for name in ("title_zh_hans", "background_zh_hans", "how_to_submit_zh_hans", "contact"):
        if not str(getattr(data, name) or "").strip():
            raise ActionRefused(_("This field is required."), field=name)
    if data.ends_on < data.starts_on:
        raise ActionRefused(_("The end date cannot be before the start date."), field="ends_on")
    if MIN_PERIOD_DAYS is not None and (data.ends_on - data.starts_on).days + 1 < MIN_PERIOD_DAYS:
        raise ActionRefused(_("The consultation must run at least %(n)d days.", n=MIN_PERIOD_DAYS), field="ends_on")
    if not 1 <= data.answer_days <= MAX_ANSWER_DAYS:
        raise ActionRefused(_("The answer deadline is 1 to %(n)d working days.", n=MAX_ANSWER_DAYS),
                            field="answer_days")


def _fill(row: Consultation, data: ConsultationInput) -> None:
    for item in fields(data):
        value = getattr(data, item.name)
        setattr(row, item.name, value.strip() if isinstance(value, str) else value)


def create_consultation(session, actor, data: ConsultationInput) -> Consultation:
    """A draft consultation of the actor's bureau (any bureau for admins)."""
    require_organiser(actor, bureau_id=data.bureau_id)
    _check(data)
    row = Consultation(state=ConsultationState.DRAFT, created_by_id=actor.id, bureau_id=data.bureau_id,
                       title_zh_hans="", background_zh_hans="", how_to_submit_zh_hans="", contact="",
                       starts_on=data.starts_on, ends_on=data.ends_on)
    _fill(row, data)
    session.add(row)
    session.flush()
    audit.record(session, "participation.consultation_create", row, actor=actor, after=audit_state(row))
    return row


def update_consultation(session, actor, row: Consultation, data: ConsultationInput) -> Consultation:
    """Edit the notice while it is a draft or open; a closed consultation's notice stays as it was."""
    require_organiser(actor, row)
    require_organiser(actor, bureau_id=data.bureau_id)
    if row.state == ConsultationState.CLOSED:
        raise StepNotAllowed(_("A closed consultation can no longer be edited."))
    if row.state != ConsultationState.DRAFT and data.bureau_id != row.bureau_id:
        # Its suggestions are addressed to the bureau already: they would be left with the old one.
        raise ActionRefused(_("A published consultation stays with its bureau."), field="bureau_id")
    _check(data)
    before = audit_state(row)
    _fill(row, data)
    session.flush()
    audit.record(session, "participation.consultation_update", row, actor=actor, before=before,
                 after=audit_state(row))
    return row


def _policy(actor, row: Consultation, step: ConsultationStep) -> None:
    require_organiser(actor, row)


def _refuse(row: Consultation, step: ConsultationStep) -> str:
    if step == ConsultationStep.PUBLISH:
        return _("Only a draft can be published.")
    return _("Only a published consultation can be closed.")


def _no_timeline(session, case, step: str, **kwargs) -> None:
    """Consultations keep no timeline of their own: the audit log holds their steps."""


CONSULTATION_WORKFLOW: Workflow[ConsultationState, ConsultationStep] = Workflow(
    "participation.consultation", TRANSITIONS, policy=_policy, record=_no_timeline, refuse=_refuse,
    snapshot=lambda row: audit_state(row))


@CONSULTATION_WORKFLOW.handles(ConsultationStep.PUBLISH)
def _publish(context: StepContext) -> Entry:
    context.case.published_at = context.now
    return Entry()


@CONSULTATION_WORKFLOW.handles(ConsultationStep.CLOSE)
def _close(context: StepContext) -> Entry:
    """Closing publishes what was adopted (in Simplified Chinese at least; the other languages when written)."""
    row = context.case
    summary = context.text("summary_zh_hans")
    if not summary:
        raise ActionRefused(_("Write the summary of what was adopted before closing."), field="summary_zh_hans")
    row.summary_zh_hans, row.summary_zh_hant = summary, context.text("summary_zh_hant")
    row.summary_en, row.closed_at = context.text("summary_en"), context.now
    return Entry()


def publish_consultation(session, actor, row: Consultation) -> Consultation:
    """Publish a draft: it is open to suggestions between its dates."""
    CONSULTATION_WORKFLOW.take(session, actor, row, ConsultationStep.PUBLISH)
    return row


def close_consultation(session, actor, row: Consultation, *, summary_zh_hans: str, summary_zh_hant: str = "",
                       summary_en: str = "") -> Consultation:
    """Close a published consultation with the summary of what was adopted (public)."""
    CONSULTATION_WORKFLOW.take(session, actor, row, ConsultationStep.CLOSE, summary_zh_hans=summary_zh_hans,
                               summary_zh_hant=summary_zh_hant, summary_en=summary_en)
    return row


def is_open(row: Consultation, today: date) -> bool:
    """Published and between its dates (`today` is the city's date)."""
    return row.state == ConsultationState.PUBLISHED and row.starts_on <= today <= row.ends_on


def public_listing() -> Select:
    """Published and closed consultations: published ones first (newest end date first), then closed ones."""
    return (select(Consultation).options(selectinload(Consultation.bureau))
            .where(Consultation.state.in_([ConsultationState.PUBLISHED, ConsultationState.CLOSED]))
            .order_by(case((Consultation.state == ConsultationState.PUBLISHED, 0), else_=1),
                      Consultation.ends_on.desc(), Consultation.id.desc()))


def staff_listing(user) -> Select:
    """Every consultation the user organises (their bureau's; all for admins), newest first."""
    statement = select(Consultation).options(selectinload(Consultation.bureau))
    if user.role != Role.ADMIN:
        statement = statement.where(Consultation.bureau_id == user.bureau_id)
    return statement.order_by(Consultation.id.desc())

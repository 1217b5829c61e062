"""Writes on indicator values: drafts, submission, review, corrections, computed values. Flush and audit;
never commit. Messages in IndicatorError are shown to the user."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.db_types import utcnow
from app.errors import ActionRefused, NotPermitted
from app.indicators import workflow
from app.indicators.judging import measure_inputs, place_attributes
from app.indicators.models import IndicatorEvidenceFile, IndicatorMeasure, IndicatorValue, ValueState
from app.indicators.periods import PeriodError, parse_period
from app.indicators.policy import can_edit_measure, can_review
from app.indicators.workflow import ValueStep
from app.web import uploads
from app.workflow import Entry, StepContext, Workflow


class IndicatorError(ActionRefused, ValueError):
    """A refused write; the message is shown to the user."""


class NotYourIndicator(NotPermitted, PermissionError):
    """A bureau editor acting on an indicator another bureau leads."""


class NotAReviewer(NotPermitted, PermissionError):
    """Someone without the review permission approving or returning a value."""


@dataclass
class ValueInput:
    """What an editor typed, already converted by the form."""

    numeric_value: Decimal | None = None
    state_value: str | None = None
    task_completed: bool | None = None
    not_applicable: bool = False
    not_applicable_reason: str = ""
    evidence: str = ""
    source: str = ""
    correction_reason: str = ""


def versions(session, measure_id: int, place_id: int, period: str) -> list[IndicatorValue]:
    """Every version of one measure × place × period, newest first."""
    return list(session.scalars(select(IndicatorValue).where(
        IndicatorValue.measure_id == measure_id, IndicatorValue.place_id == place_id,
        IndicatorValue.period == period).order_by(IndicatorValue.version.desc())))


def _check_period(period: str, today: date) -> str:
    try:
        return str(parse_period(period, today=today))
    except PeriodError as error:
        if "future" in str(error):
            raise IndicatorError(_("The period %(period)s has not started yet.", period=period)) from error
        raise IndicatorError(_("%(period)s is not a period: write a year such as 2025, a quarter such as "
                               "2025-Q3 or a month such as 2025-07.", period=period)) from error


def _check_input(measure: IndicatorMeasure, place, data: ValueInput) -> None:
    indicator = measure.indicator
    if data.not_applicable:
        if not indicator.only_where_relevant:
            raise IndicatorError(_("This indicator applies everywhere; it cannot be marked not applicable."))
        if indicator.relevance_attribute is not None:
            raise IndicatorError(_("Whether this indicator applies follows the place's attributes (coastal, "
                                   "grassland): change the place's attributes rather than the value."))
        if not data.not_applicable_reason.strip():
            raise IndicatorError(_("Give the reason why the indicator does not apply here."))
        return
    needed = measure_inputs(measure, place_attributes(place))
    if "number" in needed and data.numeric_value is None:
        if measure.target_of_id is not None:
            raise IndicatorError(_("Enter the target the higher authority set, as a number in %(unit)s.",
                                   unit=measure.unit or "-"))
        raise IndicatorError(_("Enter the value as a number in %(unit)s.", unit=measure.unit or "-"))
    if "state" in needed and not (data.state_value or "").strip():
        raise IndicatorError(_("Choose the state reached."))
    if "task" in needed and data.task_completed is None:
        raise IndicatorError(_("Say whether the assessing body confirmed the task as completed."))


def save_draft(session, actor, measure: IndicatorMeasure, place, period: str, data: ValueInput,
               *, today: date) -> IndicatorValue:
    """Create or update the working version; after an approved version this starts a correction."""
    indicator = measure.indicator
    if not can_edit_measure(actor, measure):
        raise NotYourIndicator(indicator.code)
    if not indicator.applies_to(place):
        raise IndicatorError(_("Indicator %(code)s does not apply to %(place)s.", code=indicator.code,
                               place=place.name))
    period = _check_period(period, today)
    _check_input(measure, place, data)
    existing = versions(session, measure.id, place.id, period)
    latest = existing[0] if existing else None
    if latest is not None and latest.state == ValueState.SUBMITTED:
        raise IndicatorError(_("This value is awaiting review and cannot be changed now."))
    if latest is not None and latest.state.is_editable:
        value, before = latest, latest.audit_state()
    else:
        is_correction = latest is not None
        if is_correction and not data.correction_reason.strip():
            raise IndicatorError(_("This value was already approved: give the reason for the correction."))
        value, before = IndicatorValue(measure_id=measure.id, place_id=place.id, period=period,
                                       state=ValueState.DRAFT,
                                       version=(latest.version + 1) if latest else 1), None
        session.add(value)
    for field in ("numeric_value", "state_value", "task_completed", "not_applicable", "not_applicable_reason",
                  "evidence", "source", "correction_reason"):
        setattr(value, field, getattr(data, field))
    value.entered_by_id = actor.id
    session.flush()
    audit.record(session, "indicators.value_save", value, actor=actor, before=before, after=value.audit_state())
    return value


def _check_step(actor, value: IndicatorValue, step: ValueStep) -> None:
    """Editors of the indicator submit; a reviewer who did not enter the value approves or returns it. Superseding
    is part of an approval, never a step of its own."""
    if step == ValueStep.SUBMIT and not can_edit_measure(actor, value.measure):
        raise NotYourIndicator(value.measure.indicator.code)
    if step in (ValueStep.APPROVE, ValueStep.RETURN):
        if not can_review(actor):
            raise NotAReviewer("not a reviewer")
        if value.entered_by_id == actor.id:
            raise IndicatorError(_("You entered this value; another reviewer must approve it.")
                                 if step == ValueStep.APPROVE else
                                 _("You entered this value; another reviewer must review it."))


def _not_now(value: IndicatorValue, step: ValueStep) -> str:
    if step in (ValueStep.APPROVE, ValueStep.RETURN):
        return _("This value is no longer awaiting review.")
    return _("This value is awaiting review and cannot be changed now.")


# A value's review on the workflow engine: no timeline (the audit log and the versions are its history); each
# step is audited as indicators.value_<step> with the value's audit state before and after.
WORKFLOW: Workflow[ValueState, ValueStep] = Workflow(
    "indicators", workflow.TRANSITIONS.table, policy=_check_step, record=lambda *args, **kwargs: None,
    refuse=_not_now, not_allowed=workflow.TransitionError, snapshot=lambda value: value.audit_state())


def _audited(context: StepContext, note: str = "") -> Entry:
    return Entry(internal_note=note, audit_as=f"indicators.value_{context.step.value}")


@WORKFLOW.handles(ValueStep.SUBMIT)
def _submit(context: StepContext) -> Entry:
    """Evidence or a source is required."""
    value = context.case
    if not (value.evidence.strip() or value.source.strip()):
        raise IndicatorError(_("Describe the evidence or the data source before submitting."))
    value.submitted_at = context.now
    return _audited(context)


@WORKFLOW.handles(ValueStep.APPROVE)
def _approve(context: StepContext) -> Entry:
    """An earlier approved version of the value is superseded, never overwritten."""
    value, reviewer = context.case, context.actor
    for older in versions(context.session, value.measure_id, value.place_id, value.period):
        if older.id != value.id and older.state == ValueState.APPROVED:
            WORKFLOW.take(context.session, reviewer, older, ValueStep.SUPERSEDE, version=value.version)
    value.reviewed_by_id, value.reviewed_at = reviewer.id, context.now
    return _audited(context)


@WORKFLOW.handles(ValueStep.RETURN)
def _return(context: StepContext) -> Entry:
    value, comment = context.case, context.text("comment")
    if not comment:
        raise IndicatorError(_("Say what must be changed."))
    value.review_comment = comment
    value.reviewed_by_id, value.reviewed_at = context.actor.id, context.now
    return _audited(context, comment)


@WORKFLOW.handles(ValueStep.SUPERSEDE)
def _supersede(context: StepContext) -> Entry:
    return _audited(context, f"superseded by version {context.get('version')}")


def submit_value(session, actor, value: IndicatorValue) -> IndicatorValue:
    """Send a draft or returned value for review; evidence or a source is required."""
    WORKFLOW.take(session, actor, value, ValueStep.SUBMIT)
    return value


def approve_value(session, reviewer, value: IndicatorValue) -> IndicatorValue:
    """Publish a submitted value; an earlier approved version of it is superseded, never overwritten."""
    WORKFLOW.take(session, reviewer, value, ValueStep.APPROVE)
    return value


def return_value(session, reviewer, value: IndicatorValue, comment: str) -> IndicatorValue:
    """Send a submitted value back to its editor with a comment."""
    WORKFLOW.take(session, reviewer, value, ValueStep.RETURN, comment=comment)
    return value


EVIDENCE_KINDS = frozenset({"pdf", "png", "jpeg", "webp", "docx", "xlsx"})


def check_evidence_files(files: list[tuple[str, bytes]], max_bytes: int) -> list[tuple[str, bytes, str]]:
    """Check every upload before anything is saved: (name, data) → (name, data, kind), or IndicatorError."""
    checked = []
    for name, data in files:
        try:
            checked.append((name, data, uploads.check(data, name, accepted=EVIDENCE_KINDS, max_bytes=max_bytes)))
        except uploads.UploadError as error:
            reason = {"empty": _("%(name)s is empty.", name=name),
                      "too large": _("%(name)s is larger than %(mb)d MB.", name=name, mb=max_bytes // 1024 // 1024),
                      "pixels": _("%(name)s is too large in pixels; please send a smaller image.", name=name),
                      "unreadable": _("%(name)s could not be read as an image.", name=name)}
            raise IndicatorError(reason.get(str(error)) or _(
                "%(name)s is not a PDF, an image (JPEG, PNG, WebP) or a Word or Excel file.", name=name)) from error
    return checked


def attach_evidence(session, actor, value: IndicatorValue, checked, directory: str) -> list[IndicatorEvidenceFile]:
    """Store checked files and attach them to a value that is still being edited."""
    if not value.state.is_editable:
        raise IndicatorError(_("This value is awaiting review and cannot be changed now."))
    attached = []
    for name, data, kind in checked:
        stored = uploads.store(data, name, kind, directory)
        row = IndicatorEvidenceFile(value_id=value.id, original_name=stored.original_name,
                                    stored_name=stored.stored_name, kind=kind, size=stored.size,
                                    sha256=stored.sha256, uploaded_by_id=actor.id)
        session.add(row)
        attached.append(row)
    session.flush()
    for row in attached:
        audit.record(session, "indicators.evidence_attach", row, actor=actor,
                     after={"value_id": value.id, "name": row.original_name, "sha256": row.sha256})
    return attached


@dataclass(frozen=True)
class ComputedResult:
    """What a providing module (surveys, notices) reports for one place and period."""

    value: Decimal
    method: str
    sample_size: int | None = None


def record_computed_value(session, measure: IndicatorMeasure, place, period: str,
                          result: ComputedResult) -> IndicatorValue | None:
    """Store a computed value as a new approved version (superseding the last) unless it is unchanged."""
    if not measure.is_computed:
        raise IndicatorError("only computed indicators and measures take computed values")
    existing = versions(session, measure.id, place.id, period)
    latest = existing[0] if existing else None
    if (latest is not None and latest.numeric_value == result.value and latest.sample_size == result.sample_size
            and latest.method == result.method):
        return None
    if latest is not None and latest.state == ValueState.APPROVED:
        latest.state = workflow.next_state(latest.state, ValueStep.SUPERSEDE)
    value = IndicatorValue(measure_id=measure.id, place_id=place.id, period=period,
                           version=(latest.version + 1) if latest else 1, state=ValueState.APPROVED,
                           numeric_value=result.value, computed=True, method=result.method[:500],
                           sample_size=result.sample_size, source=measure.computed_by or "",
                           reviewed_at=utcnow())
    session.add(value)
    session.flush()
    audit.record(session, "indicators.value_computed", value, after=value.audit_state())
    return value


"""Writes for the administrative reviews and lawsuits brought against a disclosure request's handling: record a
case and, later, its result (the records behind table 四 of the yearly report). Flush, audit, return."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app import audit
from app.disclosure.models import DisclosureAppeal, DisclosureRequest
from app.disclosure.policy import require_handler
from app.disclosure.report_template import AppealKind, AppealResult
from app.disclosure.workflow import DisclosureError


@dataclass
class AppealInput:
    kind: AppealKind
    filed_on: date
    reference: str = ""
    result: AppealResult = AppealResult.PENDING
    decided_on: date | None = None
    note: str = ""


def _check_result(result: AppealResult, decided_on: date | None, filed_on: date, today: date) -> None:
    if result == AppealResult.PENDING and decided_on is not None:
        raise DisclosureError(_("A case not yet concluded has no decision date."), field="decided_on")
    if result != AppealResult.PENDING and decided_on is None:
        raise DisclosureError(_("Give the date of the decision or judgment."), field="decided_on")
    if decided_on is not None and not filed_on <= decided_on <= today:
        raise DisclosureError(_("The decision date lies between the filing date and today."), field="decided_on")


def record_appeal(session, actor, request: DisclosureRequest, data: AppealInput, *, today: date) -> DisclosureAppeal:
    """Record a review or lawsuit against how a request was handled, with its result if already known."""
    require_handler(actor, request)
    if not request.received_on <= data.filed_on <= today:
        raise DisclosureError(_("The filing date lies between the date the request was received and today."),
                              field="filed_on")
    _check_result(data.result, data.decided_on, data.filed_on, today)
    appeal = DisclosureAppeal(request=request, kind=data.kind, filed_on=data.filed_on,
                              reference=data.reference.strip(), result=data.result,
                              decided_on=data.decided_on, note=data.note.strip(), recorded_by_id=actor.id)
    session.add(appeal)
    session.flush()
    audit.record(session, "disclosure.appeal_record", request, actor=actor, after=appeal.snapshot())
    return appeal


def decide_appeal(session, actor, appeal: DisclosureAppeal, result: AppealResult, decided_on: date | None, *,
                  today: date) -> None:
    """Record the result of a case (or put it back to not yet concluded)."""
    require_handler(actor, appeal.request)
    _check_result(result, decided_on, appeal.filed_on, today)
    before = appeal.snapshot()
    appeal.result, appeal.decided_on = result, decided_on
    session.flush()
    audit.record(session, "disclosure.appeal_decide", appeal.request, actor=actor, before=before,
                 after=appeal.snapshot())

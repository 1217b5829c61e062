"""The preconditions (基本条件) checklist: the office's finding on each precondition of the programme, per place
and year, read before any indicator. Writes flush and audit, never commit; messages of PreconditionError are
shown to the user."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.db_types import utcnow
from app.errors import ActionRefused
from app.indicators.models import IndicatorPrecondition, PreconditionCheck, PreconditionStatus


class PreconditionError(ActionRefused, ValueError):
    """A refused finding; the message is shown to the user."""


def conditions(session, catalogue) -> list[IndicatorPrecondition]:
    """The preconditions of a catalogue's programme, in the order of the official text."""
    if catalogue is None:
        return []
    return list(session.scalars(select(IndicatorPrecondition).where(IndicatorPrecondition.catalogue_id == catalogue.id)
                                .order_by(IndicatorPrecondition.sort_order, IndicatorPrecondition.id)))


@dataclass
class ChecklistItem:
    """One precondition at one place and year: the office's finding, or None when it has not been checked."""

    precondition: IndicatorPrecondition
    check: PreconditionCheck | None

    @property
    def status(self) -> PreconditionStatus | None:
        return self.check.status if self.check is not None else None

    @property
    def failing(self) -> bool:
        return self.status == PreconditionStatus.NOT_MET


@dataclass
class Checklist:
    """The preconditions of one place for one year."""

    place: object
    items: list[ChecklistItem]

    @property
    def failing(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.failing]

    @property
    def unchecked(self) -> list[ChecklistItem]:
        """Not yet settled: never checked, or being verified."""
        return [item for item in self.items if item.status in (None, PreconditionStatus.PENDING)]

    @property
    def all_met(self) -> bool:
        return bool(self.items) and all(item.status == PreconditionStatus.MET for item in self.items)


def checklists(session, catalogue, year: int, places) -> dict[int, Checklist]:
    """The checklist of every place for a year (by place id), in two queries."""
    listed = conditions(session, catalogue)
    found = {}
    if listed:
        rows = session.scalars(select(PreconditionCheck).where(
            PreconditionCheck.precondition_id.in_([c.id for c in listed]), PreconditionCheck.year == year,
            PreconditionCheck.place_id.in_([p.id for p in places])))
        found = {(row.precondition_id, row.place_id): row for row in rows}
    return {place.id: Checklist(place, [ChecklistItem(c, found.get((c.id, place.id))) for c in listed])
            for place in places}


def add_precondition(session, actor, catalogue, *, code: str, name_zh_hans: str, name_zh_hant: str = "",
                     name_en: str = "", source: str = "") -> IndicatorPrecondition:
    """Add a precondition to the list of a catalogue's programme, after the existing ones; audited."""
    code, name_zh_hans = (code or "").strip(), (name_zh_hans or "").strip()
    if not code or not name_zh_hans:
        raise PreconditionError(_("Enter a code and the name."))
    if session.scalar(select(IndicatorPrecondition.id).where(IndicatorPrecondition.catalogue_id == catalogue.id,
                                                             IndicatorPrecondition.code == code)) is not None:
        raise PreconditionError(_("The code %(code)s is already used by another precondition.", code=code))
    listed = conditions(session, catalogue)
    row = IndicatorPrecondition(catalogue_id=catalogue.id, code=code, name_zh_hans=name_zh_hans,
                                name_zh_hant=(name_zh_hant or "").strip(), name_en=(name_en or "").strip(),
                                source=(source or "").strip(),
                                sort_order=max((c.sort_order for c in listed), default=0) + 1)
    session.add(row)
    session.flush()
    audit.record(session, "indicators.precondition_add", row, actor=actor,
                 after={"catalogue_id": catalogue.id, "code": row.code, "name_zh_hans": row.name_zh_hans,
                        "name_zh_hant": row.name_zh_hant, "name_en": row.name_en, "source": row.source})
    return row


def record_check(session, actor, precondition: IndicatorPrecondition, place, year: int,
                 status: PreconditionStatus | str, notes: str, *, today: date) -> PreconditionCheck:
    """Record (or change) the office's finding on one precondition for a place and year; audited with the
    before and after. A finding of met or not met must say what it rests on."""
    try:
        status = PreconditionStatus(status)
    except ValueError as error:
        raise PreconditionError(_("Choose whether the precondition is met.")) from error
    notes = (notes or "").strip()
    if status != PreconditionStatus.PENDING and not notes:
        raise PreconditionError(_("Say what the finding rests on: the document, decision or record checked."))
    if year > today.year:
        raise PreconditionError(_("The year %(year)d has not started yet.", year=year))
    check = session.scalar(select(PreconditionCheck).where(
        PreconditionCheck.precondition_id == precondition.id, PreconditionCheck.place_id == place.id,
        PreconditionCheck.year == year))
    before = check.audit_state() if check is not None else None
    if check is None:
        check = PreconditionCheck(precondition=precondition, place=place, year=year)
        session.add(check)
    check.status, check.notes = status, notes
    check.recorded_by_id, check.recorded_at = getattr(actor, "id", None), utcnow()
    session.flush()
    if before != check.audit_state():
        audit.record(session, "indicators.precondition_record", check, actor=actor, before=before,
                     after=check.audit_state())
    return check

"""Reads for Open311: the services (top-level tip categories), service requests with the standard filters,
the public timeline as updates, and the token lookup."""
import re
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.open311.models import ApiRequest, CitizenComment
from app.tips.models import Tip, TipCategory, TipEvent
from app.tips.queries import OPEN_STATES

_PUBLIC_NUMBER = re.compile(r"^(\d{4})-(\d{1,12})$")


def services(session) -> list[TipCategory]:
    """Active top-level categories, each one a service; their active children are its sub-types."""
    return list(session.scalars(select(TipCategory).where(TipCategory.active.is_(True),
                                                          TipCategory.parent_id.is_(None))
                                .order_by(TipCategory.sort_order, TipCategory.id)))


def service(session, code: str) -> TipCategory | None:
    return session.scalar(select(TipCategory).where(TipCategory.code == code, TipCategory.active.is_(True),
                                                    TipCategory.parent_id.is_(None)))


def subtypes(session, parent: TipCategory) -> list[TipCategory]:
    return list(session.scalars(select(TipCategory).where(TipCategory.parent_id == parent.id,
                                                          TipCategory.active.is_(True))
                                .order_by(TipCategory.sort_order, TipCategory.id)))


def _loaded(statement):
    return statement.options(selectinload(Tip.categories).selectinload(TipCategory.parent),
                             selectinload(Tip.district), selectinload(Tip.bureau), selectinload(Tip.events),
                             selectinload(Tip.photos))


def tip_ids(numbers: list[str]) -> dict[int, str]:
    """Public numbers (2026-000123) as {tip id: year}; malformed ones are skipped (they match nothing)."""
    found = {}
    for number in numbers:
        match = _PUBLIC_NUMBER.match(number)
        if match:
            found[int(match.group(2))] = match.group(1)
    return found


def requests_by_number(session, numbers: list[str]) -> list[Tip]:
    wanted = tip_ids(numbers)
    if not wanted:
        return []
    tips = session.scalars(_loaded(select(Tip).where(Tip.id.in_(wanted))).order_by(Tip.id.desc()))
    return [tip for tip in tips if f"{tip.submitted_at:%Y}" == wanted[tip.id]]


def requests(session, *, codes: list[str], statuses: list[str], start: datetime, end: datetime, limit: int,
             offset: int = 0) -> list[Tip]:
    """Tips received in [start, end], newest first, of the given services (or their sub-types) and status."""
    statement = select(Tip).where(Tip.submitted_at >= start, Tip.submitted_at <= end)
    if codes:
        parents = select(TipCategory.id).where(TipCategory.code.in_(codes))
        matching = select(TipCategory.id).where(or_(TipCategory.code.in_(codes), TipCategory.parent_id.in_(parents)))
        statement = statement.where(Tip.categories.any(TipCategory.id.in_(matching)))
    if statuses == ["open"]:
        statement = statement.where(Tip.state.in_(OPEN_STATES))
    elif statuses == ["closed"]:
        statement = statement.where(Tip.state.not_in(OPEN_STATES))
    statement = statement.order_by(Tip.submitted_at.desc(), Tip.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(_loaded(statement)))


def updates(session, *, start: datetime, end: datetime, limit: int, offset: int = 0) -> list[TipEvent]:
    """Public timeline entries in [start, end]: the newest `limit` after skipping the `offset` newest, so the
    newest are never cut off by the limit; returned oldest first, as clients replay them in order. Each tip's
    whole timeline comes along, to tell the status after every entry."""
    statement = (select(TipEvent).where(TipEvent.public.is_(True), TipEvent.at >= start, TipEvent.at <= end)
                 .options(selectinload(TipEvent.tip).selectinload(Tip.photos),
                          selectinload(TipEvent.tip).selectinload(Tip.events))
                 .order_by(TipEvent.at.desc(), TipEvent.id.desc()).limit(limit).offset(offset))
    return list(reversed(session.scalars(statement).all()))


def published_comment_ids(session, events: list[TipEvent]) -> dict[int, str]:
    """{public event id: the update_id its comment was answered with}, for the published citizen comments."""
    ids = [e.id for e in events if e.step == "comment"]
    if not ids:
        return {}
    rows = session.scalars(select(CitizenComment).where(CitizenComment.published_event_id.in_(ids)))
    return {row.published_event_id: row.update_id for row in rows}


def comment_by_event(session, event_id: int) -> CitizenComment | None:
    """The citizen comment behind an internal timeline entry."""
    return session.scalar(select(CitizenComment).where(CitizenComment.event_id == event_id)
                          .options(selectinload(CitizenComment.tip), selectinload(CitizenComment.key)))


def by_token(session, token: str) -> ApiRequest | None:
    return session.scalar(select(ApiRequest).where(ApiRequest.token == token)
                          .options(selectinload(ApiRequest.tip)))

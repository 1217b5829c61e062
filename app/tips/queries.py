"""Reads for tips: public lists without personal data, the handlers' queue with deadline colours."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.permissions import Role
from app.tips.models import Tip, TipCategory
from app.tips.workflow import TipState
from app.workdays.days import days_left, supervision_colour

OPEN_STATES = [s.value for s in TipState if s.is_open]


def categories(session, *, active_only: bool = True) -> list[TipCategory]:
    statement = select(TipCategory).order_by(TipCategory.sort_order, TipCategory.id)
    if active_only:
        statement = statement.where(TipCategory.active.is_(True))
    return list(session.scalars(statement))


def find_by_code_hash(session, digest: str) -> Tip | None:
    return session.scalar(select(Tip).where(Tip.code_hash == digest).options(
        selectinload(Tip.events), selectinload(Tip.photos), selectinload(Tip.categories)))


def current_due(tip: Tip) -> date | None:
    """The deadline that is running now: acceptance, then conclusion; none once concluded or closed."""
    if tip.state_enum == TipState.SUBMITTED:
        return tip.accept_due
    if tip.state_enum in (TipState.ACCEPTED, TipState.ASSIGNED, TipState.INVESTIGATING):
        return tip.conclude_due
    return None


@dataclass
class Supervised:
    tip: Tip
    due: date | None
    left: int | None
    colour: str


def supervise(tips, today: date, *, working: bool, overrides, warn_days: int) -> list[Supervised]:
    rows = []
    for tip in tips:
        due = current_due(tip)
        left = days_left(today, due, working=working, overrides=overrides) if due else None
        rows.append(Supervised(tip, due, left, supervision_colour(left, warn_days)))
    return rows


def staff_queue(session, user, *, state: str = "", overdue_only: bool = False, limit: int = 200) -> list[Tip]:
    """Open tips a handler may act on (their bureau's), or every tip for admins."""
    statement = select(Tip).options(selectinload(Tip.categories), selectinload(Tip.district)).order_by(Tip.id.desc())
    if user.role != Role.ADMIN:
        statement = statement.where(Tip.bureau_id == user.bureau_id)
    statement = statement.where(Tip.state == state) if state else statement.where(Tip.state.in_(OPEN_STATES))
    return list(session.scalars(statement.limit(limit)))


def public_list(session, *, limit: int, offset: int = 0) -> list[Tip]:
    return list(session.scalars(select(Tip).options(selectinload(Tip.categories), selectinload(Tip.district))
                                .order_by(Tip.id.desc()).limit(limit).offset(offset)))

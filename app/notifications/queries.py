"""Reads for the office's notifications page: how the messages went, the latest ones, who subscribed where."""
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from app.notifications import addresses
from app.notifications.models import Channel, Delivery, DeliveryState, Subscription
from app.org.models import Place


def delivery_counts(session, since: datetime) -> dict[tuple[DeliveryState, Channel], int]:
    """Deliveries made since `since`, by state and channel."""
    rows = session.execute(select(Delivery.state, Delivery.channel, func.count())
                           .where(Delivery.created_at >= since).group_by(Delivery.state, Delivery.channel))
    return {(state, channel): count for state, channel, count in rows}


def latest_deliveries(state: DeliveryState | None = None) -> Select:
    """The newest deliveries first, with their events, optionally in one state."""
    query = select(Delivery).options(joinedload(Delivery.event)).order_by(Delivery.id.desc())
    return query.where(Delivery.state == state) if state is not None else query


@dataclass(frozen=True)
class SubscriberCount:
    place: Place | None  # None: the whole city
    notices: int
    heavy_pollution: int
    waiting: int  # asked for, not confirmed yet


def subscriber_counts(session) -> list[SubscriberCount]:
    """Active (confirmed) subscriptions by topic for the whole city and each district, and those waiting for
    their confirmation; the city first, then the districts in their order."""
    active = Subscription.confirmed_at.is_not(None) & Subscription.stopped_at.is_(None)
    waiting = Subscription.confirmed_at.is_(None) & Subscription.stopped_at.is_(None)
    rows = session.execute(
        select(Subscription.place_id,
               func.sum(case((active & Subscription.wants_notices.is_(True), 1), else_=0)),
               func.sum(case((active & Subscription.wants_heavy_pollution.is_(True), 1), else_=0)),
               func.sum(case((waiting, 1), else_=0)))
        .where(Subscription.stopped_at.is_(None)).group_by(Subscription.place_id)).all()
    places = {place.id: place for place in session.scalars(
        select(Place).where(Place.id.in_([row[0] for row in rows if row[0] is not None])))}
    counts = [SubscriberCount(places.get(place_id), int(notices or 0), int(heavy or 0), int(pending or 0))
              for place_id, notices, heavy, pending in rows]
    return sorted(counts, key=lambda c: (c.place is not None, c.place.sort_order if c.place else 0,
                                         c.place.code if c.place else ""))


_EMAIL = re.compile(r"[^\s'\"<>(),;:\[\]{}]+@[^\s'\"<>(),;:\[\]{}]+")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def last_error_line(error: str) -> str:
    """The last line of a delivery's error with any address in it masked (a refusal names the recipient)."""
    line = (error.strip().splitlines() or [""])[-1]
    line = _EMAIL.sub(lambda m: addresses.hint(Channel.EMAIL, m.group(0)), line)
    return _MOBILE.sub(lambda m: addresses.hint(Channel.SMS, m.group(0)), line)

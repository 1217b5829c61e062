"""Reads of places and bureaus used across domains."""
from sqlalchemy import select

from app.org.models import Bureau, Place, PlaceLevel


def the_city(session) -> Place | None:
    return session.scalar(select(Place).where(Place.level == PlaceLevel.CITY))


def districts(session, *, include_inactive: bool = False) -> list[Place]:
    query = select(Place).where(Place.level == PlaceLevel.DISTRICT)
    if not include_inactive:
        query = query.where(Place.active.is_(True))
    return list(session.scalars(query.order_by(Place.sort_order, Place.code)))


def bureaus(session, *, include_inactive: bool = False) -> list[Bureau]:
    query = select(Bureau)
    if not include_inactive:
        query = query.where(Bureau.active.is_(True))
    return list(session.scalars(query.order_by(Bureau.code)))

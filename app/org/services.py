"""Writes on places and bureaus. Flush and audit; never commit."""
from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import ActionRefused
from app.org.models import Bureau, Place, PlaceLevel


class OrgError(ActionRefused, ValueError):
    """A refused change; the message is shown to the user."""


PLACE_FIELDS = ("code", "name_zh_hans", "name_zh_hant", "name_en", "kind", "terrain", "region", "moisture",
                "size", "coastal", "plateau", "has_grassland", "population", "adult_population",
                "sort_order", "active")
BUREAU_FIELDS = ("code", "name_zh_hans", "name_zh_hant", "name_en", "place_id", "active")


def _code_taken(session, model, code: str, exclude_id=None) -> bool:
    query = select(model.id).where(model.code == code)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return session.scalar(query) is not None


def save_place(session, actor, place: Place | None, data: dict) -> Place:
    """Create a district (place is None) or update a place from validated form data."""
    if _code_taken(session, Place, data["code"], place.id if place else None):
        raise OrgError(_("The code %(code)s is already used.", code=data["code"]), field="code")
    before = place.audit_state() if place else None
    if place is None:
        place = Place(level=PlaceLevel.DISTRICT)
        session.add(place)
    for field in PLACE_FIELDS:
        if field in data:
            setattr(place, field, data[field])
    if place.is_city:
        place.kind = None
        place.active = True
    session.flush()
    audit.record(session, "org.place_create" if before is None else "org.place_update", place, actor=actor,
                 before=before, after=place.audit_state())
    return place


def save_bureau(session, actor, bureau: Bureau | None, data: dict) -> Bureau:
    """Create or update a bureau from validated form data."""
    if _code_taken(session, Bureau, data["code"], bureau.id if bureau else None):
        raise OrgError(_("The code %(code)s is already used.", code=data["code"]), field="code")
    before = bureau.audit_state() if bureau else None
    if bureau is None:
        bureau = Bureau()
        session.add(bureau)
    for field in BUREAU_FIELDS:
        if field in data:
            setattr(bureau, field, data[field])
    session.flush()
    audit.record(session, "org.bureau_create" if before is None else "org.bureau_update", bureau, actor=actor,
                 before=before, after=bureau.audit_state())
    return bureau

"""GeoReport v2 documents built from our objects: services, service definitions, requests and updates.
Only public facts go in: no reporter identity, no reporter's text, street-level addresses, rounded points,
cleared photos only."""
from flask import current_app
from flask_babel import gettext as _

from app.i18n import site_zone
from app.open311.formats import end_of_day, public_coordinate, street_level, w3c
from app.tips.models import Tip, TipCategory, TipEvent
from app.tips.queries import current_due
from app.tips.workflow import EVENT_TITLES
from app.web.urls import public_url

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The status a tip has after each timeline entry that changes it: not accepted, closed, rated at the end or
# merged into another report close it; a review (复查) or re-review (复核) the reporter asks for opens it again,
# even after the office closed it, until the reporter rates the opinion or the office closes it. Every other
# entry (an exposure publication, an extension, a reward, a comment…) leaves the status as it was.
STATUS_AFTER = {"submitted": "open", "accept": "open", "assign": "open", "transfer": "open", "investigate": "open",
                "conclude": "open", "rated_unsatisfied": "open", "review_requested": "open",
                "re_review_requested": "open", "review_answered": "open", "re_review_answered": "open",
                "reject": "closed", "close": "closed", "rated_satisfied": "closed",
                "rated_unsatisfied_closed": "closed", "merge": "closed"}
SUBTYPE, DISTRICT, REPORTED_UNIT = "subtype", "district", "reported_unit"


def service_notice() -> str:
    config = current_app.config
    return _("Every report is answered: acceptance is decided within %(accept)d days, and an accepted case is "
             "concluded within %(conclude)d days.", accept=config["TIP_ACCEPT_DAYS"],
             conclude=config["TIP_CONCLUDE_DAYS"])


def service(category: TipCategory, children: list[TipCategory], needs_metadata: bool) -> dict:
    bureau = category.bureau.name if category.bureau else ""
    description = (_("Report %(name)s; handled by %(bureau)s.", name=category.name, bureau=bureau) if bureau
                   else _("Report %(name)s.", name=category.name))
    return {"service_code": category.code, "service_name": category.name, "description": description,
            "metadata": bool(children) or needs_metadata, "type": "realtime",
            "keywords": ", ".join(child.name for child in children), "group": _("Pollution reports")}


def _list_attribute(code: str, order: int, required: bool, description: str, values: list[tuple[str, str]],
                    datatype_description: str) -> dict:
    return {"variable": True, "code": code, "datatype": "singlevaluelist", "required": required,
            "datatype_description": datatype_description, "order": order, "description": description,
            "values": [{"key": key, "name": name} for key, name in values]}


def definition(category: TipCategory, children: list[TipCategory], districts: list) -> dict:
    """The service definition: the sub-type, the district (required when the city has several) and the
    reported unit."""
    attributes = []
    if children:
        attributes.append(_list_attribute(SUBTYPE, len(attributes) + 1, False, _("Which kind, more precisely?"),
                                          [(c.code, c.name) for c in children],
                                          _("One of the keys listed under values.")))
    if len(districts) > 1:
        attributes.append(_list_attribute(DISTRICT, len(attributes) + 1, True, _("District"),
                                          [(d.code, d.name) for d in districts],
                                          _("One of the keys listed under values.")))
    attributes.append({"variable": True, "code": REPORTED_UNIT, "datatype": "string", "required": False,
                       "datatype_description": _("At most 200 characters."), "order": len(attributes) + 1,
                       "description": _("The company or unit responsible, if you know it"), "values": []})
    return {"service_code": category.code, "attributes": attributes}


def service_of(tip: Tip) -> TipCategory | None:
    """The service a tip belongs to: its first top-level category, or the parent of its first sub-type."""
    for category in tip.categories:
        if category.parent_id is None:
            return category
    first = tip.categories[0] if tip.categories else None
    return first.parent if first is not None and first.parent is not None else first


def _cleared_photo_url(tip: Tip) -> str | None:
    photo = next((p for p in tip.photos if p.cleared), None)
    return public_url("tips.photo", photo_id=photo.id) if photo else None


def public_address(tip: Tip) -> str:
    street = street_level(tip.address)
    return f"{tip.district.name} {street}" if street else tip.district.name


def request(tip: Tip) -> dict:
    """One service request as the public may see it."""
    category = service_of(tip)
    public_events = [e for e in tip.events if e.public]
    # The status note is staff's latest word; a published citizen comment is not one.
    note = next((e.note for e in reversed(public_events) if e.note and e.step != "comment"), "")
    state = tip.state
    latitude, longitude = public_coordinate(tip.latitude), public_coordinate(tip.longitude)
    return {
        "service_request_id": tip.public_number,
        "status": "open" if state.is_open else "closed",
        "status_notes": _("%(state)s: %(note)s", state=state.title, note=note) if note else str(state.title),
        "service_name": category.name if category else "",
        "service_code": category.code if category else "",
        "description": "",  # the reporter's own words may identify them; they stay inside
        "agency_responsible": tip.bureau.name if tip.bureau else "",
        "service_notice": service_notice(),
        "requested_datetime": w3c(tip.submitted_at),
        "updated_datetime": w3c(max((e.at for e in public_events), default=tip.submitted_at)),
        "expected_datetime": w3c(end_of_day(current_due(tip), site_zone())),
        "address": public_address(tip),
        "address_id": "",
        "zipcode": "",
        "lat": latitude,
        "long": longitude,
        "media_url": _cleared_photo_url(tip),
    }


def status_after(timeline: list[TipEvent], event: TipEvent) -> str:
    """The request's status once `event` happened: the last status-changing entry up to it decides."""
    status = "open"
    for entry in sorted(timeline, key=lambda e: e.id):
        status = STATUS_AFTER.get(entry.step, status)
        if entry.id == event.id:
            break
    return status


def update(event: TipEvent, update_id: str | None = None) -> dict:
    """A public timeline entry as a FixMyStreet request_update, with the status the request has after it.
    A published citizen comment keeps the update_id its client was answered with."""
    title = str(EVENT_TITLES.get(event.step, event.step))
    photo = _cleared_photo_url(event.tip) if event.step == "conclude" else None
    return {
        "update_id": update_id or str(event.id),
        "service_request_id": event.tip.public_number,
        "status": status_after(event.tip.events, event),
        "updated_datetime": w3c(event.at),
        "description": _("%(state)s: %(note)s", state=title, note=event.note) if event.note else title,
        "media_url": photo or "",
    }

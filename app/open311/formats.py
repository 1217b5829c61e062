"""GeoReport v2 documents in XML and JSON, the standard error list, and the redactions applied to every
request before it leaves. Pure code: no request, no database (messages go through Babel)."""
import json
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.web.text import xml_safe

FORMATS = ("xml", "json")
MIME_TYPES = {"xml": "text/xml", "json": "application/json"}
# XML element names of list items, per the specification's examples.
ITEM_NAMES = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}
COORDINATE_PLACES = 2  # about a kilometre, as on the public map (TIP_PUBLIC_COORDINATE_PLACES)
MAX_RANGE = timedelta(days=90)  # "Default query limit is a span of 90 days or first 1000 requests"
MAX_REQUESTS = 1000
MAX_DESCRIPTION = 4000  # GeoReport v2: a request's description "may contain up to 4,000 characters"


class Open311Error(Exception):
    """An error answered in the standard format: HTTP status and one or more (code, description) pairs."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = list(descriptions)

    def items(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": d} for d in self.descriptions]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))  # one stored control character must never make the document ill-formed


def _append(parent: ElementTree.Element, name: str, value: Any) -> None:
    node = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            _append(node, key, child)
    elif isinstance(value, list):
        for child in value:
            _append(node, ITEM_NAMES.get(name, "item"), child)
    else:
        node.text = _text(value)


def to_xml(root: str, body: Any, item: str | None = None) -> str:
    """A list as <root><item>…</item></root>, or a dict as <root>…</root>, with the UTF-8 declaration."""
    top = ElementTree.Element(root)
    if isinstance(body, list):
        for row in body:
            _append(top, cast(str, item), row)  # a list is always given its item name
    else:
        for key, value in body.items():
            _append(top, key, value)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(top, encoding="unicode")


def to_json(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> float:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def render(fmt: str, root: str, body: Any, item: str | None = None) -> str:
    return to_json(body) if fmt == "json" else to_xml(root, body, item)


def render_errors(fmt: str, error: Open311Error) -> str:
    return render(fmt, "errors", error.items(), "error")


# Dates.

def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as the specification's w3 note allows: 2010-04-14T06:37:38Z."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def end_of_day(day: date | None, zone: ZoneInfo) -> datetime | None:
    """A due date means the end of that day in the city; as a UTC moment."""
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(timezone.utc)


def parse_w3c(value: str, name: str) -> datetime:
    """A w3 date-time (timezone required, or a bare date taken as UTC midnight); 400 otherwise."""
    text = value.strip().replace(" ", "+")  # a '+' of an offset often arrives decoded as a space
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    bare_date = re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None
    try:
        moment = (datetime.combine(date.fromisoformat(text), time(0), tzinfo=timezone.utc) if bare_date
                  else datetime.fromisoformat(text))
    except ValueError:
        moment = None
    # Years far off (0001, 9999) are probes; shifting them by a time zone or 90 days would overflow.
    if moment is not None and not 1900 <= moment.year <= 2100:
        moment = None
    if moment is not None and bare_date:
        return moment
    if moment is None or moment.tzinfo is None or "T" not in text.upper():
        raise Open311Error(400, _("%(name)s must be a w3 date-time with a time zone, e.g. 2026-09-28T02:00:00Z.",
                                  name=name))
    return moment.astimezone(timezone.utc)


def date_range(start: str | None, end: str | None, now: datetime) -> tuple[datetime, datetime]:
    """The search window: the last 90 days by default; a given range may not span more than 90 days."""
    end_at = parse_w3c(end, "end_date") if end else None
    start_at = parse_w3c(start, "start_date") if start else None
    if start_at and end_at is None:
        end_at = min(now, start_at + MAX_RANGE)
    end_at = end_at or now
    start_at = start_at or end_at - MAX_RANGE
    if start_at > end_at:
        raise Open311Error(400, _("start_date must be before end_date."))
    if end_at - start_at > MAX_RANGE:
        raise Open311Error(400, _("The range from start_date to end_date may not span more than 90 days."))
    return start_at, end_at


def split_list(value: str | None) -> list[str]:
    """A comma-delimited parameter as its non-empty parts."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


# Redactions: nothing that leaves through the API identifies a reporter or pinpoints a place.

def public_coordinate(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-COORDINATE_PLACES), rounding=ROUND_HALF_UP)


_FIRST_NUMBER = re.compile(r"[0-9０-９#＃]")


def street_level(address: str) -> str:
    """The street without the house number and what follows it: 和平大道100号3栋 → 和平大道;
    "12 Peace Road, flat 3" → "Peace Road"."""
    text = address.strip()
    head = _FIRST_NUMBER.split(text, maxsplit=1)[0].strip(" ,，、-—")
    if head:
        return head
    words = [w for w in re.split(r"[\s,，]+", text) if w and not _FIRST_NUMBER.search(w)]
    stop = next((i for i, w in enumerate(words) if w.lower() in {"flat", "apt", "unit", "room", "floor"}), None)
    return " ".join(words[:stop]).strip()

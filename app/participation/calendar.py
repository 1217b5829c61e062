"""A minimal iCalendar (RFC 5545) writer for one event, with the standard library: CRLF line ends, content
lines folded at 75 octets (never inside a UTF-8 character), text values escaped (backslash, comma, semicolon,
newline). Times are written in UTC ("…Z"), which every calendar application converts to its own zone."""
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class Event:
    uid: str
    start: datetime
    end: datetime
    summary: str
    stamp: datetime
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash first, then ; , and newlines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n"))


def fold(line: str) -> str:
    """A content line folded into chunks of at most 75 octets, each continuation starting with a space."""
    chunks, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not chunks else 74  # a continuation line spends one octet on its leading space
        if size + width > limit:
            chunks.append(current)
            current, size = "", 0
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar(event: Event, *, product: str) -> bytes:
    """A VCALENDAR with one VEVENT, as UTF-8 bytes."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{escape_text(product)}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{_utc(event.stamp)}",
             f"DTSTART:{_utc(event.start)}", f"DTEND:{_utc(event.end)}", f"SUMMARY:{escape_text(event.summary)}"]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")

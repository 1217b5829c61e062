"""The iCalendar writer: escaping, folding at 75 octets without splitting a UTF-8 character, CRLF."""
from datetime import datetime, timezone

from app.participation import calendar


def test_text_is_escaped_backslash_first():
    assert calendar.escape_text("a\\b;c,d\r\ne\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_and_unfold_to_the_original():
    line = "DESCRIPTION:" + "生态文明建设" * 30
    folded = calendar.fold(line)
    parts = folded.encode().split(b"\r\n")
    assert len(parts) > 1 and all(len(part) <= 75 for part in parts)
    assert all(part.startswith(b" ") for part in parts[1:])
    for part in parts:
        part.decode("utf-8")  # no character split between lines
    assert folded.replace("\r\n ", "") == line


def test_a_cancelled_event_says_so_in_utc():
    moment = datetime(2026, 6, 5, 1, 30, tzinfo=timezone.utc)
    body = calendar.calendar(calendar.Event(uid="a-1@x", start=moment, end=moment.replace(hour=4), summary="植树",
                                            stamp=moment, cancelled=True), product="-//x//y//ZH").decode()
    assert "STATUS:CANCELLED\r\n" in body and "DTSTART:20260605T013000Z\r\n" in body
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")

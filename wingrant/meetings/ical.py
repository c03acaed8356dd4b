"""iCalendar (RFC 5545) writing: the public feed of a forum's meetings and the ``.ics`` sent with an invitation.

Times are written in UTC (no VTIMEZONE needed); a meeting without a start time is an all-day
event. Each meeting keeps its UID for ever, so a changed time or place updates the entry in
subscribed calendars (and the one imported from an invitation mail) instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .models import MeetingState

BERLIN = ZoneInfo("Europe/Berlin")
#: RFC 5545 3.1: lines longer than 75 octets are folded.
LINE_OCTETS = 75


@dataclass(frozen=True)
class CalendarMeeting:
    id: int
    date: date
    starts_at: time | None
    ends_at: time | None
    place: str
    address: str
    online: bool
    state: MeetingState
    minutes_published: bool


# --- RFC 5545 writing ---------------------------------------------------------------------


def escape(text: str) -> str:
    """TEXT value escaping (3.3.11): backslash, semicolon, comma, newline."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never inside a UTF-8 character (3.1)."""
    chunks, current, size = [], "", 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size = " ", 1  # a continuation line starts with one space, which counts
        current += char
        size += width
    chunks.append(current)
    return "\r\n".join(chunks)


def _utc(day: date, at: time) -> str:
    return datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class EventText:
    """The per-installation and per-meeting words, prepared by the view (URLs, German texts)."""

    summary: str
    description: str
    url: str


def calendar(name: str, meetings: list[CalendarMeeting], texts: dict[int, EventText], *, uid_domain: str,
             now: datetime | None = None) -> bytes:
    """The whole VCALENDAR as UTF-8 bytes with CRLF line ends."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//wingrant//WiN-Foren Bremen//DE", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}", "X-WR-TIMEZONE:Europe/Berlin",
             "REFRESH-INTERVAL;VALUE=DURATION:PT12H", "X-PUBLISHED-TTL:PT12H"]
    for m in meetings:
        text = texts[m.id]
        lines += ["BEGIN:VEVENT", f"UID:wingrant-meeting-{m.id}@{uid_domain}", f"DTSTAMP:{stamp}"]
        if m.starts_at:
            lines.append(f"DTSTART:{_utc(m.date, m.starts_at)}")
            if m.ends_at:
                lines.append(f"DTEND:{_utc(m.date, m.ends_at)}")
        else:
            lines += [f"DTSTART;VALUE=DATE:{m.date.strftime('%Y%m%d')}",
                      f"DTEND;VALUE=DATE:{(m.date + timedelta(days=1)).strftime('%Y%m%d')}"]
        location = ", ".join(p for p in (m.place, m.address) if p)
        lines += [f"SUMMARY:{escape(text.summary)}"]
        if location:
            lines.append(f"LOCATION:{escape(location)}")
        lines += [f"DESCRIPTION:{escape(text.description)}", f"URL:{text.url}",
                  "STATUS:" + ("TENTATIVE" if m.state == MeetingState.PLANNED else "CONFIRMED"),
                  "CLASS:PUBLIC", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")

"""Meetings follow the calendar: when a meeting begins, and whether it has (pure, but for ``now``).

A meeting is in Bremen, so its date and start time are Berlin wall-clock time;
a meeting without a start time begins at the start of its day.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def now() -> datetime:
    """The one clock the meeting rules read (tests move it)."""
    return datetime.now(BERLIN)


def begins(day: date, starts_at: time | None) -> datetime:
    return datetime.combine(day, starts_at or time.min, tzinfo=BERLIN)


def has_begun(day: date, starts_at: time | None, at: datetime) -> bool:
    return at >= begins(day, starts_at)

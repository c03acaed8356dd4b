"""Meetings follow the calendar: what a meeting may do only once it has begun, and how far it may move.

Used by ``services`` (state, date) and ``decisions`` (the outcome); the clock is ``timing.now``.
"""

from __future__ import annotations

from datetime import UTC, date, time

from flask_babel import gettext as _

from ..errors import DomainError
from . import queries, timing
from .models import Meeting, MeetingState


def check_move(meeting: Meeting, day: date, starts_at: time | None) -> None:
    """A meeting with decisions keeps its date, and its start stays before the first decision;
    a held meeting cannot move into the future."""
    first = queries.first_decision_at(meeting.id)
    if first is not None and day != meeting.date:
        raise DomainError(_("Zu dieser Sitzung sind bereits Beschlüsse erfasst; ihr Datum lässt sich nicht mehr "
                            "ändern."), field="date")
    begins = timing.begins(day, starts_at)
    if first is not None and begins > first.replace(tzinfo=UTC):
        raise DomainError(_("Der erste Beschluss dieser Sitzung ist um %(time)s Uhr erfasst; die Sitzung kann "
                            "nicht später begonnen haben.",
                            time=first.replace(tzinfo=UTC).astimezone(timing.BERLIN).strftime("%H:%M")),
                          field="starts_at")
    if meeting.state == MeetingState.HELD and begins > timing.now():
        raise DomainError(_("Die Sitzung ist als durchgeführt markiert; sie kann nicht in die Zukunft verlegt "
                            "werden."), field="date")


def not_before_start(meeting: Meeting, message: str, *, field: str | None = None) -> None:
    """Refuse what only a meeting that has begun may do; ``message`` takes the date and the time."""
    if not timing.has_begun(meeting.date, meeting.starts_at, timing.now()):
        raise DomainError(message % {"date": meeting.date.strftime("%d.%m.%Y"),
                                     "time": (meeting.starts_at or time.min).strftime("%H:%M")}, field=field)

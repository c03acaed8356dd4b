"""Opening a meeting for a write: lock its row, and refuse once its minutes are approved.

Every writer of the meetings feature (``services`` for the meeting, agenda and attendance,
``decisions`` for objections, recusals and outcomes) starts its unit of work here, so that two
people editing the same meeting are serialised and an approved record can no longer change.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..database import lock_row
from ..errors import Conflict
from .models import Meeting, MeetingState


class MeetingLocked(Conflict):
    """The record is closed: the state, not the input, is in the way (the API answers 409)."""

    def __init__(self):
        super().__init__(_("Das Protokoll dieser Sitzung ist genehmigt. Sitzung, Tagesordnung, Anwesenheit und "
                           "Beschlüsse können nicht mehr geändert werden."))


def open_meeting(meeting_id: int, *options) -> Meeting:
    """Lock the meeting for this unit of work; refuse if its minutes are approved.

    ``options`` load more with the same statement (e.g. the neighbourhood a decision needs)."""
    meeting = lock_row(Meeting, meeting_id, *options)
    if meeting.state == MeetingState.MINUTES_APPROVED:
        raise MeetingLocked()
    return meeting

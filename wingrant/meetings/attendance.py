"""Who was at a meeting: head counts per group and named attendees (personal data, retention applies).

Split from ``services.py`` (which re-exports these names) to keep the meeting's writes readable; the
rules are the same: every write locks the open meeting, records the audit entry, keeps names out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from .locking import open_meeting
from .models import Attendance, AttendeeGroup, HeadCount, Meeting


def set_head_counts(meeting: Meeting, counts: dict[AttendeeGroup, int], *, user) -> None:
    for group, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise DomainError(_("Bitte eine Zahl ab 0 eingeben."), field=f"count_{AttendeeGroup(group).value}")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        existing = {hc.group: hc for hc in db.session.execute(
            sa.select(HeadCount).filter_by(meeting_id=meeting.id)).scalars()}
        before = {g.value: hc.count for g, hc in existing.items()}
        for group, count in counts.items():
            if group in existing:
                existing[group].count = count
            else:
                db.session.add(HeadCount(meeting_id=meeting.id, group=group, count=count))
        audit.record("meeting.head_counts", user=user, obj=meeting, neighbourhood_id=meeting.neighbourhood_id,
                     before=before, after={AttendeeGroup(g).value: c for g, c in counts.items()})


@dataclass(frozen=True)
class AttendeeData:
    name: str
    group: AttendeeGroup
    organisation: str = ""
    apologised: bool = False
    consent_to_publish: bool = False
    email: str = ""


def add_attendee(meeting: Meeting, data: AttendeeData, *, user) -> Attendance:
    name = data.name.strip()
    if not name:
        raise DomainError(_("Bitte einen Namen angeben."), field="name")
    group = AttendeeGroup(data.group)
    email = (data.email or "").strip().lower()
    if email and (parseaddr(email)[1] != email or "@" not in email.strip("@") or len(email) > 254):
        raise DomainError(_("Bitte eine gültige E-Mail-Adresse angeben oder das Feld leer lassen."), field="email")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        attendee = Attendance(meeting_id=meeting.id, name=name, group=group,
                              organisation=data.organisation.strip(), apologised=data.apologised,
                              consent_to_publish=data.consent_to_publish, email=email)
        db.session.add(attendee)
        # Names are personal data: the audit keeps that someone was added, not who.
        audit.record("meeting.attendee_add", user=user, obj=attendee, neighbourhood_id=meeting.neighbourhood_id,
                     after={"meeting_id": meeting.id, "group": group.value, "apologised": data.apologised})
    return attendee


def remove_attendee(meeting: Meeting, attendance_id: int, *, user) -> None:
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        attendee = db.session.get(Attendance, attendance_id)
        if attendee is None or attendee.meeting_id != meeting.id:
            raise DomainError(_("Diesen Eintrag gibt es in dieser Sitzung nicht."))
        audit.record("meeting.attendee_remove", user=user, obj=attendee, neighbourhood_id=meeting.neighbourhood_id,
                     before={"meeting_id": meeting.id, "group": attendee.group.value})
        db.session.delete(attendee)

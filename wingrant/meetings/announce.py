"""The invitation to the forum's mailing list, written when a meeting becomes *eingeladen*.

``invite_list`` runs inside ``services.change_state``'s unit of work: the mails commit with the
state change or not at all. Every confirmed subscriber gets the date, place, the agenda with each
application's title, Träger and requested amounts, and the meeting as an ``.ics`` file whose UID
is the one of the forum's public calendar feed (importing both gives one entry, not two).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.urls import external_url, public_host
from ..mail.outbox import Attachment
from ..subscriptions.mailing import send_to_list
from . import ical, queries
from .models import Meeting, MeetingState


@dataclass(frozen=True)
class ProgrammeRequest:
    name: str
    amount: int


@dataclass(frozen=True)
class InvitationRow:
    number: str
    title: str
    organisation: str = ""
    requested: int = 0
    programmes: tuple[ProgrammeRequest, ...] = ()


def agenda_rows(meeting: Meeting) -> list[InvitationRow]:
    programmes = queries.programmes_by_id()
    rows = []
    for row in queries.agenda(meeting):
        application = row.item.application
        if application is None:
            rows.append(InvitationRow(row.number, row.item.title))
            continue
        requested = queries.requested_amounts(application)
        rows.append(InvitationRow(
            row.number, application.title, application.organisation.name, sum(requested.values()),
            tuple(ProgrammeRequest(programmes[pid].name, cents) for pid, cents in sorted(
                requested.items(), key=lambda kv: (programmes[kv[0]].position, programmes[kv[0]].code)))))
    return rows


def ics(meeting: Meeting, page_url: str) -> bytes:
    """The meeting as a calendar file; German, like the forum's public feed."""
    nb = meeting.neighbourhood
    entry = ical.CalendarMeeting(meeting.id, meeting.date, meeting.starts_at, meeting.ends_at, meeting.place or "",
                                 meeting.address or "", meeting.online, MeetingState.INVITED, False)
    with force_locale("de"):
        description = _("Öffentliche Sitzung: %(forum)s.", forum=nb.forum_name) + " " + _(
            "Alle Anwesenden können mitreden; beschlossen wird im Konsens.")
        if meeting.online:
            description += " " + _("Teilnahme auch online möglich.")
        text = ical.EventText(_("Sitzung %(forum)s", forum=nb.forum_name), description, page_url)
        name = _("%(forum)s (WiN %(name)s)", forum=nb.forum_name, name=nb.name)
    return ical.calendar(name, [entry], {meeting.id: text}, uid_domain=public_host())


def invite_list(meeting: Meeting) -> int:
    """Write the invitation for every confirmed subscriber of the meeting's forum; returns the count."""
    nb = meeting.neighbourhood
    page_url = external_url("public.meeting", slug=nb.slug, meeting_id=meeting.id)
    return send_to_list(
        nb, "subscriber.invitation", template="meeting_invitation",
        context={"forum": nb.forum_name, "meeting": meeting, "agenda": agenda_rows(meeting), "page_url": page_url},
        attachments=[Attachment(f"sitzung-{meeting.date.isoformat()}.ics",
                                "text/calendar; charset=utf-8; method=PUBLISH", ics(meeting, page_url))])

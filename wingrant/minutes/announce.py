"""Mail about the minutes: the draft to the attendees and the forum's list, and the publication to the list.

Both are written inside the caller's unit of work (``circulation.circulate``, ``services.publish``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l

from ..core.urls import external_url
from ..mail import outbox
from ..meetings.models import Meeting
from ..subscriptions.mailing import send_to_list
from .models import MinutesVersion

ATTENDEE_REASON = _l("Sie stehen in der Anwesenheitsliste dieser Sitzung und haben Ihre Adresse dafür angegeben.")


def published(meeting: Meeting, version: MinutesVersion) -> int:
    """The links to the public protocol page and PDF, with the PDF's SHA-256, to every subscriber."""
    nb = meeting.neighbourhood
    return send_to_list(nb, "subscriber.minutes_published", template="minutes_published", context={
        "forum": nb.forum_name, "meeting_date": meeting.date, "version": version.number, "sha256": version.sha256,
        "page_url": external_url("public.minutes", slug=nb.slug, meeting_id=meeting.id),
        "pdf_url": external_url("public.minutes_pdf", slug=nb.slug, meeting_id=meeting.id, number=version.number)})


def draft(meeting: Meeting, pdf: bytes, *, attendees: Iterable[str], last_day: date, again: bool) -> tuple[int, int]:
    """The draft (public version, as PDF) to the attendees' addresses and the list; returns both counts."""
    nb = meeting.neighbourhood
    context = {"forum": nb.forum_name, "meeting_date": meeting.date, "last_day": last_day, "again": again,
               "contact": nb.office_contact}
    attachment = outbox.Attachment(f"protokollentwurf-{nb.slug}-{meeting.date.isoformat()}.pdf", "application/pdf",
                                   pdf)
    sent = []
    for address in dict.fromkeys(a.lower() for a in attendees if a):
        if outbox.enqueue("attendee.minutes_draft", to=address, template="minutes_draft", neighbourhood_id=nb.id,
                          attachments=[attachment], context={**context, "reason": ATTENDEE_REASON}):
            sent.append(address)
    listed = send_to_list(nb, "subscriber.minutes_draft", template="minutes_draft", context=context,
                          attachments=[attachment], skip=sent)
    return len(sent), listed

"""Circulating the draft minutes and recording objections to them (writes; each one unit of work).

Circulating sends the public version of the draft as PDF to every named attendee who gave an
address and to the forum's mailing list, and records the moment: the objection period runs from
it (``objection_period``). Circulating again is always possible and restarts the period; the
minutes page asks for it when a decision changed since the last circulation.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import unit_of_work
from ..extensions import db
from ..meetings.models import Attendance, MeetingState
from ..neighbourhoods.models import Neighbourhood
from . import announce
from .models import MinutesCirculation, MinutesObjection, MinutesState
from .objection_period import decisions_fingerprint, latest_circulation
from .pdf import render_pdf
from .record_loader import minutes_record
from .services import MinutesError, _create, _open

AUTHOR_MAX = 200
TEXT_MAX = 5_000


def _approved(meeting, minutes) -> bool:
    return meeting.state == MeetingState.MINUTES_APPROVED or (
        minutes is not None and minutes.state != MinutesState.DRAFT)


def draft_pdf(meeting_id: int) -> bytes:
    """The public version of the draft (marked "Entwurf" on every page)."""
    return render_pdf(minutes_record(meeting_id, public=True))


def circulate(meeting_id: int, *, user) -> MinutesCirculation:
    with unit_of_work():
        meeting, minutes = _open(meeting_id)
        if _approved(meeting, minutes):
            raise MinutesError(_("Das Protokoll ist genehmigt; versandt wird nur ein Entwurf."))
        if meeting.state != MeetingState.HELD:
            raise MinutesError(_("Der Entwurf kann erst versandt werden, wenn die Sitzung stattgefunden hat."))
        minutes = minutes or _create(meeting, user)
        previous = latest_circulation(minutes.id)
        addresses = list(db.session.execute(
            sa.select(Attendance.email).where(Attendance.meeting_id == meeting.id, Attendance.email != "")
            .order_by(Attendance.id)).scalars())
        neighbourhood = db.session.get(Neighbourhood, meeting.neighbourhood_id)
        last_day = date.today() + timedelta(days=neighbourhood.objection_period_days - 1)
        attendees, subscribers = announce.draft(meeting, draft_pdf(meeting.id), attendees=addresses,
                                                last_day=last_day, again=previous is not None)
        if attendees + subscribers == 0:
            raise MinutesError(_("Niemand bekäme den Entwurf: In der Anwesenheitsliste steht keine E-Mail-Adresse "
                                 "und der Verteiler hat keine bestätigten Abonnent:innen."))
        circulation = MinutesCirculation(minutes_id=minutes.id, circulated_by_id=getattr(user, "id", None),
                                         decisions_sha256=decisions_fingerprint(meeting.id),
                                         attendee_count=attendees, subscriber_count=subscribers)
        db.session.add(circulation)
        audit.record("minutes.circulate", user=user, obj=minutes, neighbourhood_id=meeting.neighbourhood_id,
                     after={"attendees": attendees, "subscribers": subscribers, "again": previous is not None})
    return circulation


def record_objection(meeting_id: int, author: str, text: str, received_on: date | None, *, user,
                     today: date | None = None) -> MinutesObjection:
    """An objection to the draft, as it reached the office (mail, phone, letter)."""
    today = today or date.today()
    author, text = (author or "").strip(), (text or "").strip()
    received_on = received_on or today
    if not author:
        raise MinutesError(_("Bitte angeben, wer den Einwand erhebt."), field="author")
    if len(author) > AUTHOR_MAX:
        raise MinutesError(_("Höchstens %(max)s Zeichen.", max=AUTHOR_MAX), field="author")
    if not text:
        raise MinutesError(_("Bitte den Einwand beschreiben."), field="text")
    if len(text) > TEXT_MAX:
        raise MinutesError(_("Höchstens %(max)s Zeichen.", max=TEXT_MAX), field="text")
    if received_on > today:
        raise MinutesError(_("Das Eingangsdatum liegt in der Zukunft."), field="received_on")
    with unit_of_work():
        meeting, minutes = _open(meeting_id)
        if _approved(meeting, minutes):
            raise MinutesError(_("Das Protokoll ist bereits genehmigt; Einwände gegen den Entwurf sind nicht mehr "
                                 "möglich."))
        if received_on < meeting.date:
            raise MinutesError(_("Der Einwand kann nicht vor der Sitzung eingegangen sein."), field="received_on")
        minutes = minutes or _create(meeting, user)
        objection = MinutesObjection(minutes_id=minutes.id, author=author, text=text, received_on=received_on,
                                     recorded_by_id=getattr(user, "id", None))
        db.session.add(objection)
        # The author is personal data: the audit keeps the text's length and the date, not the name.
        audit.record("minutes.objection", user=user, obj=objection, neighbourhood_id=meeting.neighbourhood_id,
                     after={"minutes_id": minutes.id, "received_on": received_on.isoformat()})
    return objection

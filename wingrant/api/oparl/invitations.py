"""Reads of the OParl feed, part three: the invitations of invited meetings (OParl File).

An invitation is in the feed when its meeting is (``public_meeting``: announced, or with
published minutes) and has gone out (``AGENDA_PUBLIC_STATES``; never while only
planned). It is rendered on request at the portal (``public.invitation_pdf``); it has no stored
bytes, so the File carries no size or checksum. It is also the main file of every
application (OParl Paper) on that agenda: it holds the application's title, Träger,
summary and requested money.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ...extensions import db
from ...meetings.models import AGENDA_PUBLIC_STATES, AgendaItem, Meeting
from ...neighbourhoods.cities import in_city
from ...neighbourhoods.models import Neighbourhood
from ...public.queries import public_meeting


@dataclass(frozen=True)
class InvitationRecord:
    meeting_id: int
    slug: str
    meeting_date: date
    created: datetime


def _select(*columns, today: date | None):
    """Meetings of the feed (``public_meeting``) whose invitation went out."""
    return (
        sa.select(Meeting.id, Neighbourhood.slug, Meeting.date, Meeting.created_at, *columns)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(Neighbourhood.active.is_(True), Meeting.state.in_(AGENDA_PUBLIC_STATES),
               public_meeting(today or date.today()))
    )


def invitations(meeting_ids: list[int], today: date | None = None) -> dict[int, InvitationRecord]:
    """One query."""
    stmt = _select(today=today).where(Meeting.id.in_(meeting_ids))
    return {row[0]: InvitationRecord(*row) for row in db.session.execute(stmt)}


def agenda_papers(application_ids: list[int] | None = None, *,
                  today: date | None = None, city_id: int | None = None) -> dict[int, InvitationRecord]:
    """Per application on a public agenda: the invitation of the latest such meeting. One query."""
    stmt = _select(AgendaItem.application_id, today=today).join(AgendaItem, AgendaItem.meeting_id == Meeting.id) \
        .where(AgendaItem.application_id.is_not(None), in_city(city_id)).order_by(Meeting.date, Meeting.id)
    if application_ids is not None:
        stmt = stmt.where(AgendaItem.application_id.in_(application_ids))
    result: dict[int, InvitationRecord] = {}
    for meeting_id, slug, day, created, app_id in db.session.execute(stmt):
        result[app_id] = InvitationRecord(meeting_id, slug, day, created)  # later meetings win
    return result

"""The meetings of a forum as an iCalendar feed (RFC 5545), to subscribe to in any calendar app.

Public meetings only (``queries.public_meeting``): announced ones from today on,
and past ones with published minutes. The writing itself (``meetings.ical``) is shared with
the invitation mail's ``.ics`` attachment.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..meetings.ical import CalendarMeeting, EventText, calendar, escape, fold
from ..meetings.models import Meeting
from ..minutes.models import Minutes, MinutesState
from ..neighbourhoods.models import Neighbourhood
from .queries import public_meeting

__all__ = ["CalendarMeeting", "EventText", "calendar", "city_meetings", "escape", "fold", "forum_meetings"]


def forum_meetings(neighbourhood_id: int, today: date) -> list[CalendarMeeting]:
    """One query."""
    published = sa.exists().where(Minutes.meeting_id == Meeting.id, Minutes.state == MinutesState.PUBLISHED)
    rows = db.session.execute(
        sa.select(Meeting.id, Meeting.date, Meeting.starts_at, Meeting.ends_at, Meeting.place, Meeting.address,
                  Meeting.online, Meeting.state, published)
        .where(Meeting.neighbourhood_id == neighbourhood_id, public_meeting(today))
        .order_by(Meeting.date, Meeting.id)
    ).all()
    return [CalendarMeeting(mid, d, s, e, p or "", a or "", bool(o), st, bool(pub))
            for mid, d, s, e, p, a, o, st, pub in rows]


def city_meetings(city_id: int | None, today: date) -> list[tuple[int, CalendarMeeting]]:
    """The public meetings of every active forum of a city (``None``: of every city), each with its
    neighbourhood's id: one query."""
    published = sa.exists().where(Minutes.meeting_id == Meeting.id, Minutes.state == MinutesState.PUBLISHED)
    stmt = (sa.select(Meeting.neighbourhood_id, Meeting.id, Meeting.date, Meeting.starts_at, Meeting.ends_at,
                      Meeting.place, Meeting.address, Meeting.online, Meeting.state, published)
            .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
            .where(Neighbourhood.active.is_(True), public_meeting(today))
            .order_by(Meeting.date, Meeting.id))
    if city_id is not None:
        stmt = stmt.where(Neighbourhood.city_id == city_id)
    return [(nb_id, CalendarMeeting(mid, d, s, e, p or "", a or "", bool(o), st, bool(pub)))
            for nb_id, mid, d, s, e, p, a, o, st, pub in db.session.execute(stmt)]

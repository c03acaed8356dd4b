"""Other reads of the minutes: published versions, overviews per neighbourhood and meeting.

The record of one meeting's minutes is read by ``record_loader``; what follows
are the lists the minutes pages and the API show around it, one query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..extensions import db
from ..meetings.models import AgendaItem, AgendaItemKind, Attendance, Meeting, MeetingState
from ..neighbourhoods.models import Neighbourhood
from ..subscriptions.models import Subscriber
from .models import Minutes, MinutesCirculation, MinutesState, MinutesVersion
from .objection_period import decisions_changed_since, latest_circulation, objections, standing_objections


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    reason: str
    sha256: str
    size_bytes: int
    created_at: datetime


def versions_of(minutes_id: int | None) -> list[VersionInfo]:
    """Every published version, oldest first (without the PDF bytes)."""
    if minutes_id is None:
        return []
    rows = db.session.execute(
        sa.select(MinutesVersion.id, MinutesVersion.number, MinutesVersion.reason, MinutesVersion.sha256,
                  MinutesVersion.size_bytes, MinutesVersion.created_at)
        .where(MinutesVersion.minutes_id == minutes_id).order_by(MinutesVersion.number)
    ).all()
    return [VersionInfo(*row) for row in rows]


@dataclass(frozen=True)
class MeetingMinutesRow:
    meeting_id: int
    date: date
    place: str
    meeting_state: MeetingState
    state: MinutesState
    versions: int


def minutes_overview(neighbourhood_id: int) -> list[MeetingMinutesRow]:
    """All meetings of a neighbourhood with the state of their minutes, newest first: one query."""
    versions = (
        sa.select(sa.func.count(MinutesVersion.id)).where(MinutesVersion.minutes_id == Minutes.id)
        .correlate(Minutes).scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Meeting.id, Meeting.date, Meeting.place, Meeting.state, Minutes.state, versions)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.neighbourhood_id == neighbourhood_id)
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    ).all()
    return [MeetingMinutesRow(mid, d, place or "", mstate, state or MinutesState.DRAFT, n or 0)
            for mid, d, place, mstate, state, n in rows]


def approving_meetings(meeting: Meeting, today: date) -> list[Meeting]:
    """Later meetings of the same forum, already held, with an item "Genehmigung des Protokolls"."""
    return list(db.session.execute(
        sa.select(Meeting)
        .where(Meeting.neighbourhood_id == meeting.neighbourhood_id, Meeting.date > meeting.date,
               Meeting.date <= today,
               sa.exists().where(AgendaItem.meeting_id == Meeting.id,
                                 AgendaItem.kind == AgendaItemKind.MINUTES_APPROVAL))
        .order_by(Meeting.date)
    ).scalars())


@dataclass(frozen=True)
class NeighbourhoodMinutes:
    slug: str
    name: str
    meetings: int
    drafts: int
    approved: int
    published: int


def neighbourhood_overview(neighbourhood_ids: list[int] | None) -> list[NeighbourhoodMinutes]:
    """Per neighbourhood (``None`` = all): meetings held and their minutes by state. One query."""
    held = Meeting.state.in_([MeetingState.HELD, MeetingState.MINUTES_APPROVED])
    state = sa.func.coalesce(Minutes.state, MinutesState.DRAFT.value)

    def count(condition):
        return sa.func.count(sa.case((sa.and_(held, condition), Meeting.id)))

    stmt = (
        sa.select(Neighbourhood.slug, Neighbourhood.name, count(sa.true()),
                  count(state == MinutesState.DRAFT.value), count(state == MinutesState.APPROVED.value),
                  count(state == MinutesState.PUBLISHED.value))
        .outerjoin(Meeting, Meeting.neighbourhood_id == Neighbourhood.id)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Neighbourhood.active.is_(True))
        .group_by(Neighbourhood.id, Neighbourhood.slug, Neighbourhood.name)
        .order_by(Neighbourhood.name)
    )
    if neighbourhood_ids is not None:
        stmt = stmt.where(Neighbourhood.id.in_(neighbourhood_ids))
    return [NeighbourhoodMinutes(*row) for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class CirculationStatus:
    """What the minutes page says about sending the draft and the objections to it."""

    last_at: datetime | None
    rounds: int
    attendee_count: int
    subscriber_count: int
    #: A decision changed after the last circulation: the draft must go out again.
    decisions_changed: bool
    #: Who would get the draft now.
    attendees_with_address: int
    active_subscribers: int
    objections: list
    standing_objections: list


def circulation_status(meeting: Meeting, minutes: Minutes | None) -> CirculationStatus:
    minutes_id = minutes.id if minutes else None
    last = latest_circulation(minutes_id)
    rounds = db.session.execute(sa.select(sa.func.count(MinutesCirculation.id)).where(
        MinutesCirculation.minutes_id == minutes_id)).scalar_one() if minutes_id else 0
    with_address = db.session.execute(sa.select(sa.func.count(sa.distinct(sa.func.lower(Attendance.email)))).where(
        Attendance.meeting_id == meeting.id, Attendance.email != "")).scalar_one()
    subscribers = db.session.execute(sa.select(sa.func.count(Subscriber.id)).where(
        Subscriber.neighbourhood_id == meeting.neighbourhood_id, Subscriber.confirmed_at.is_not(None),
        Subscriber.unsubscribed_at.is_(None))).scalar_one()
    return CirculationStatus(
        last_at=last.circulated_at if last else None, rounds=rounds,
        attendee_count=last.attendee_count if last else 0, subscriber_count=last.subscriber_count if last else 0,
        decisions_changed=decisions_changed_since(last, meeting.id), attendees_with_address=with_address,
        active_subscribers=subscribers, objections=objections(minutes_id),
        standing_objections=standing_objections(minutes_id, last))

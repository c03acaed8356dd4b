"""Reads of the concerns register: the QM's list, and the one public read model of concerns.

Public readers (portal, minutes, open data, OParl) get ``PublicConcern`` records, never ORM
objects: they carry what is published — topic, description, dates, statuses, offices, public
notes — and nothing staff-only (who recorded a step). No column holds a resident's name.
A fixed number of queries whatever the number of concerns (follow-ups are loaded in one batch).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..meetings.models import AGENDA_PUBLIC_STATES, AgendaItem, AgendaItemKind, Meeting
from ..neighbourhoods.cities import in_city
from ..neighbourhoods.models import Neighbourhood
from . import rules
from .labels import status_text
from .models import Concern, ConcernFollowUp, ConcernStatus


@dataclass(frozen=True)
class PublicStep:
    date: date
    status: ConcernStatus
    office: str
    note: str

    @property
    def status_text(self) -> str:
        return status_text(self.status, self.office)


@dataclass(frozen=True)
class PublicConcern:
    id: int
    neighbourhood_id: int
    slug: str
    neighbourhood: str
    forum: str
    topic: str
    description: str
    raised_on: date
    #: The public meeting it was raised in (``None``: raised with the QM, or the meeting is not public).
    meeting_id: int | None
    meeting_date: date | None
    #: Status and office now, or — for the minutes — as they stood on the day asked for.
    status: ConcernStatus
    office: str
    steps: tuple[PublicStep, ...]
    created: datetime
    modified: datetime

    @property
    def status_text(self) -> str:
        return status_text(self.status, self.office)

    @property
    def is_open(self) -> bool:
        return rules.is_open(self.status)

    @property
    def reference(self) -> str:
        return f"ANL-{self.slug}-{self.id}"

    @property
    def last_note(self) -> str:
        return next((s.note for s in reversed(self.steps) if s.note), "")


def _load(conditions: Iterable, *, with_follow_ups: bool = True) -> list[Concern]:
    stmt = (sa.select(Concern).where(*conditions).order_by(Concern.raised_on.desc(), Concern.id.desc())
            .options(selectinload(Concern.neighbourhood)))
    if with_follow_ups:
        stmt = stmt.options(selectinload(Concern.follow_ups))
    return list(db.session.execute(stmt).scalars())


def _public_meetings(concerns: list[Concern]) -> dict[int, tuple[int, date]]:
    """agenda item id → (meeting id, date), for the items whose meeting's agenda is public."""
    item_ids = {c.agenda_item_id for c in concerns if c.agenda_item_id}
    if not item_ids:
        return {}
    return {item_id: (meeting_id, day) for item_id, meeting_id, day in db.session.execute(
        sa.select(AgendaItem.id, Meeting.id, Meeting.date).join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.id.in_(item_ids), Meeting.state.in_(AGENDA_PUBLIC_STATES)))}


def _public(concern: Concern, meetings: dict[int, tuple[int, date]], day: date | None = None) -> PublicConcern | None:
    steps = [rules.Step(f.date, f.status, f.office, f.note) for f in concern.follow_ups]
    shown = [s for s in steps if day is None or s.date <= day]
    state = rules.state_on(steps, day) if day is not None else None
    if day is not None and state is None:
        return None
    nb = concern.neighbourhood
    meeting = meetings.get(concern.agenda_item_id) if concern.agenda_item_id else None
    return PublicConcern(
        id=concern.id, neighbourhood_id=nb.id, slug=nb.slug, neighbourhood=nb.name, forum=nb.forum_name,
        topic=concern.topic, description=concern.description, raised_on=concern.raised_on,
        meeting_id=meeting[0] if meeting else None, meeting_date=meeting[1] if meeting else None,
        status=state.status if state else concern.status, office=state.office if state else concern.office,
        steps=tuple(PublicStep(s.date, s.status, s.office, s.note) for s in shown),
        created=concern.created_at, modified=concern.updated_at,
    )


def public_concerns(neighbourhood_id: int | None = None, *, ids: list[int] | None = None,
                    status: ConcernStatus | None = None) -> list[PublicConcern]:
    """Concerns of active neighbourhoods as the public sees them, newest first: three queries."""
    conditions = [Concern.neighbourhood_id.in_(sa.select(Neighbourhood.id).where(Neighbourhood.active.is_(True)))]
    if neighbourhood_id is not None:
        conditions.append(Concern.neighbourhood_id == neighbourhood_id)
    if ids is not None:
        conditions.append(Concern.id.in_(ids))
    if status is not None:
        conditions.append(Concern.status == status)
    concerns = _load(conditions)
    meetings = _public_meetings(concerns)
    return [p for c in concerns if (p := _public(c, meetings)) is not None]


def public_index(city_id: int | None = None) -> list[tuple[int, datetime, datetime]]:
    """(id, created, modified) of every public concern, by id: the OParl list's index (one query)."""
    return [tuple(row) for row in db.session.execute(
        sa.select(Concern.id, Concern.created_at, Concern.updated_at)
        .join(Neighbourhood, Concern.neighbourhood_id == Neighbourhood.id)
        .where(Neighbourhood.active.is_(True), in_city(city_id)).order_by(Concern.id)
    ).all()]


def open_concerns_on(neighbourhood_id: int, day: date, *, meeting_id: int | None = None) -> list[PublicConcern]:
    """For a meeting's minutes: the neighbourhood's concerns still open at the end of ``day``, with
    status and office as they stood then (later steps are left out, so the minutes do not change
    when a concern moves on), and those raised in the meeting ``meeting_id`` whatever their status.

    One query, and one more for the follow-ups when there are concerns (the neighbourhood is the
    minutes' own, already loaded)."""
    rows = db.session.execute(
        sa.select(Concern, AgendaItem.meeting_id).outerjoin(AgendaItem, Concern.agenda_item_id == AgendaItem.id)
        .where(Concern.neighbourhood_id == neighbourhood_id, Concern.raised_on <= day)
        .order_by(Concern.raised_on, Concern.id).options(selectinload(Concern.follow_ups))
    ).all()
    result = []
    for concern, raised_in in rows:
        record = _public(concern, {}, day)
        if record is not None and (record.is_open or (meeting_id is not None and raised_in == meeting_id)):
            result.append(record)
    return result


# --- the QM's pages ------------------------------------------------------------------------


def concern_list(neighbourhood_id: int, status: ConcernStatus | None = None) -> list[Concern]:
    conditions = [Concern.neighbourhood_id == neighbourhood_id]
    if status is not None:
        conditions.append(Concern.status == status)
    return _load(conditions)


def status_counts(neighbourhood_id: int) -> dict[ConcernStatus, int]:
    rows = db.session.execute(sa.select(Concern.status, sa.func.count()).where(
        Concern.neighbourhood_id == neighbourhood_id).group_by(Concern.status)).all()
    counts = dict.fromkeys(ConcernStatus, 0)
    counts.update({ConcernStatus(s): n for s, n in rows})
    return counts


def office_suggestions() -> list[str]:
    """Offices named before (they are public), most used first."""
    offices = db.session.execute(sa.select(ConcernFollowUp.office).where(ConcernFollowUp.office != "")).scalars()
    return rules.office_suggestions(offices)


def concerns_at_item(agenda_item_id: int) -> list[Concern]:
    return list(db.session.execute(
        sa.select(Concern).where(Concern.agenda_item_id == agenda_item_id).order_by(Concern.id)).scalars())


def residents_items(neighbourhood_id: int, limit: int = 12) -> list[tuple[int, date, str]]:
    """Recent "Wünsche und Anliegen" items of the neighbourhood (for the form's choice): id, date, title."""
    return [tuple(r) for r in db.session.execute(
        sa.select(AgendaItem.id, Meeting.date, AgendaItem.title).join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(Meeting.neighbourhood_id == neighbourhood_id, AgendaItem.kind == AgendaItemKind.RESIDENTS)
        .order_by(Meeting.date.desc(), AgendaItem.id.desc()).limit(limit)).all()]


def concern_of_application(application_id: int) -> Concern | None:
    """The concern an application was made from (the link is stored on the concern)."""
    return db.session.execute(sa.select(Concern).where(Concern.application_id == application_id)).scalar_one_or_none()


def next_open_meeting(neighbourhood_id: int, today: date) -> Meeting | None:
    """The neighbourhood's next meeting whose agenda can still take an item (planned or invited)."""
    from ..meetings.models import MeetingState

    return db.session.scalar(sa.select(Meeting).where(
        Meeting.neighbourhood_id == neighbourhood_id, Meeting.date >= today,
        Meeting.state.in_((MeetingState.PLANNED, MeetingState.INVITED))).order_by(Meeting.date, Meeting.id).limit(1))

"""Reads of the OParl feed: published data only, a fixed number of queries per request.

What is public here is what the portal shows:

- a **meeting** of an active neighbourhood whose minutes are published, or that is
  announced (planned or invited, today or later: the portal's "Nächste Sitzungen");
- its **agenda items** once it is invited (never while only planned), and their
  **decisions** once the minutes are published, as ``minutes.published`` (the one
  read model of published decisions) lets the public see them, with the money it reads;
- the **invitation** of such a meeting (OParl File, ``invitations``);
- an **application** (OParl Paper) once it stands on the agenda of such an invited
  meeting (with the invitation as its main file) or has a published decision, with the fields the
  invitation and the published minutes print (reference, title, applicant
  organisation, summary, year, amounts) — never contact data or internal texts;
- every stored **version** of published minutes (OParl File).

Each kind has an ``*_index`` (key, created, modified — for filtering and paging
whole lists cheaply) and a loader that builds the records of a page of keys.
All datetimes are naive UTC as stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ...applications.models import Application
from ...extensions import db
from ...meetings.consensus import APPROVALS
from ...meetings.models import (
    AGENDA_PUBLIC_STATES,
    AgendaItem,
    AgendaItemKind,
    Decision,
    Meeting,
    MeetingState,
    Outcome,
)
from ...meetings.queries import top_numbers  # the TOP numbers exactly as the minutes print them
from ...minutes import published
from ...minutes.models import Minutes, MinutesState
from ...minutes.published import Amount
from ...minutes.resolutions import PublishedResolution
from ...neighbourhoods.cities import in_city
from ...neighbourhoods.models import Neighbourhood
from ...organisations.models import Organisation
from ...public.queries import public_meeting
from .files import FileRecord, protocol_files

# Organizations (one per forum = neighbourhood) live in ``forums``; the feed reads every kind through here.
from .forums import Forum as Forum
from .forums import forums as forums
from .forums import organization_index as organization_index
from .index import Entry, entries, latest_version
from .invitations import InvitationRecord, agenda_papers
from .resolutions import records as resolution_records

# --- meetings --------------------------------------------------------------------------


def _public_meeting(today: date):
    return sa.and_(Neighbourhood.active.is_(True), public_meeting(today))


def _meeting_select(*columns, today: date):
    latest = latest_version()
    return (
        sa.select(*columns, latest.c.at)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .outerjoin(Minutes, sa.and_(Minutes.meeting_id == Meeting.id, Minutes.state == MinutesState.PUBLISHED))
        .outerjoin(latest, latest.c.minutes_id == Minutes.id)
        .where(_public_meeting(today))
        .order_by(Meeting.id)
    )


def meeting_index(today: date, neighbourhood_id: int | None = None, city_id: int | None = None) -> list[Entry]:
    stmt = _meeting_select(Meeting.id, Meeting.created_at, today=today).where(in_city(city_id))
    if neighbourhood_id is not None:
        stmt = stmt.where(Meeting.neighbourhood_id == neighbourhood_id)
    return entries(db.session.execute(stmt))


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    slug: str
    forum_name: str
    date: date
    starts_at: time | None
    ends_at: time | None
    place: str
    address: str
    online: bool
    state: MeetingState
    created: datetime
    modified: datetime
    #: Minutes published: decisions and protocol files are public.
    published: bool
    items: tuple[ItemRecord, ...] = ()
    files: tuple[FileRecord, ...] = ()

    @property
    def invited(self) -> bool:
        """The invitation went out: agenda and invitation file are public."""
        return self.state in AGENDA_PUBLIC_STATES


def meetings(ids: list[int], today: date) -> list[MeetingRecord]:
    """Meetings with their agenda and protocol files: eight queries at most, however many."""
    rows = db.session.execute(
        _meeting_select(Meeting.id, Neighbourhood.slug, Neighbourhood.forum_name, Meeting.date, Meeting.starts_at,
                        Meeting.ends_at, Meeting.place, Meeting.address, Meeting.online, Meeting.state,
                        Meeting.created_at, Minutes.id, today=today)
        .where(Meeting.id.in_(ids))
    ).all()
    published = [r[0] for r in rows if r[11] is not None]
    with_agenda = [r[0] for r in rows if r[11] is not None or r[9] in AGENDA_PUBLIC_STATES]
    items: dict[int, list[ItemRecord]] = {}
    for item in agenda_items(meeting_ids=with_agenda, today=today):
        items.setdefault(item.meeting_id, []).append(item)
    files: dict[int, list[FileRecord]] = {}
    for record in protocol_files(meeting_ids=published):
        files.setdefault(record.meeting_id, []).append(record)
    return [
        MeetingRecord(mid, slug, forum, mdate, starts, ends, place or "", address or "", bool(online), state, created,
                      latest or created, minutes_id is not None, tuple(items.get(mid, ())), tuple(files.get(mid, ())))
        for mid, slug, forum, mdate, starts, ends, place, address, online, state, created, minutes_id, latest in rows
    ]


# --- agenda items and their decisions -----------------------------------------------------


@dataclass(frozen=True)
class ItemRecord:
    id: int
    meeting_id: int
    slug: str
    #: 0-based position in the meeting (OParl ``order``).
    order: int
    #: "4.1" as the minutes number it.
    number: str
    kind: AgendaItemKind
    title: str
    application_id: int | None
    outcome: Outcome | None
    conditions: str
    reason: str
    votes: tuple[int, int, int] | None
    amounts: tuple[Amount, ...]
    objections_raised: int
    objections_standing: int
    created: datetime
    modified: datetime
    #: The minutes are published (else the item is on an invitation's agenda, without decision).
    published: bool = True
    #: A public resolution without money decided under this item (its Paper and Consultation).
    resolution: PublishedResolution | None = None

    @property
    def approved(self) -> bool:
        return self.outcome in APPROVALS


def _agenda_public(minutes_id_column, today: date | None):
    """Items of a meeting in the feed: with published minutes, or announced and invited (never planned)."""
    return sa.and_(public_meeting(today or date.today()),
                   sa.or_(minutes_id_column.is_not(None), Meeting.state.in_(AGENDA_PUBLIC_STATES)))


def _item_query(latest, today: date | None = None):
    public_decision = sa.and_(Decision.agenda_item_id == AgendaItem.id,
                              Decision.id.in_(published.published_decision_ids()))
    return (
        sa.select(AgendaItem.id, AgendaItem.meeting_id, Neighbourhood.slug, AgendaItem.position, AgendaItem.kind,
                  AgendaItem.title, AgendaItem.application_id, Decision.id, Decision.outcome, Decision.conditions,
                  Decision.reason, Decision.votes_yes, Decision.votes_no, Decision.votes_abstain,
                  sa.func.coalesce(Minutes.published_at, Meeting.created_at),
                  sa.func.coalesce(latest.c.at, Meeting.created_at), Minutes.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .outerjoin(Minutes, sa.and_(Minutes.meeting_id == Meeting.id, Minutes.state == MinutesState.PUBLISHED))
        .outerjoin(latest, latest.c.minutes_id == Minutes.id)
        .outerjoin(Decision, public_decision)
        .where(Neighbourhood.active.is_(True), _agenda_public(Minutes.id, today))
    )


def agenda_item_index(today: date | None = None, city_id: int | None = None) -> list[Entry]:
    latest = latest_version()
    rows = db.session.execute(
        sa.select(AgendaItem.id, sa.func.coalesce(Minutes.published_at, Meeting.created_at),
                  sa.func.coalesce(latest.c.at, Meeting.created_at))
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .outerjoin(Minutes, sa.and_(Minutes.meeting_id == Meeting.id, Minutes.state == MinutesState.PUBLISHED))
        .outerjoin(latest, latest.c.minutes_id == Minutes.id)
        .where(Neighbourhood.active.is_(True), _agenda_public(Minutes.id, today), in_city(city_id))
        .order_by(AgendaItem.id)
    )
    return entries(rows)


def agenda_items(*, meeting_ids: list[int] | None = None, ids: list[int] | None = None,
                 today: date | None = None) -> list[ItemRecord]:
    """Agenda items of published minutes with their decisions: six queries.

    The items of whole meetings are read even when only some are asked for: an
    item's number depends on the items before it.
    """
    latest = latest_version()
    stmt = _item_query(latest, today).order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)
    if ids is not None:
        asked = aliased(AgendaItem, name="asked_item")
        stmt = stmt.where(AgendaItem.meeting_id.in_(sa.select(asked.meeting_id).where(asked.id.in_(ids))))
    if meeting_ids is not None:
        stmt = stmt.where(AgendaItem.meeting_id.in_(meeting_ids))
    rows = db.session.execute(stmt).all()
    app_ids = list({r[6] for r in rows if r[6] is not None})
    decision_ids = [r[7] for r in rows if r[7] is not None]
    book = published.load_amounts(app_ids, decision_ids)
    objections = published.objection_counts(decision_ids)

    numbers: dict[int, tuple[str, int]] = {}
    by_meeting: dict[int, list] = {}
    for row in rows:
        by_meeting.setdefault(row[1], []).append(row)
    for meeting_rows in by_meeting.values():
        plain = [_NumberedItem(r[4], r[6]) for r in meeting_rows]
        for order, (row, (number, _header)) in enumerate(zip(meeting_rows, top_numbers(plain))):
            numbers[row[0]] = (number, order)

    wanted = set(ids) if ids is not None else None
    result = []
    for (item_id, meeting_id, slug, _pos, kind, title, app_id, decision_id, outcome, conditions, reason, yes, no,
         abstain, published_at, latest_at, minutes_id) in rows:
        if wanted is not None and item_id not in wanted:
            continue
        amounts: tuple[Amount, ...] = ()
        if app_id is not None:
            amounts = book.amounts(app_id, decision_id, outcome)
        raised, standing = objections.get(decision_id, (0, 0))
        number, order = numbers[item_id]
        result.append(ItemRecord(
            item_id, meeting_id, slug, order, number, kind, title, app_id, outcome, conditions or "", reason or "",
            (yes, no or 0, abstain or 0) if yes is not None else None, amounts, raised, standing,
            published_at or latest_at, latest_at, minutes_id is not None,
        ))
    found = {r.r.agenda_item_id: r.r for r in resolution_records(item_ids=[i.id for i in result if i.published])}
    return [replace(i, resolution=found[i.id]) if i.id in found else i for i in result]


@dataclass(frozen=True)
class _NumberedItem:
    kind: AgendaItemKind
    application_id: int | None


# --- consultations (an application on the agenda of published minutes) ------------------------


@dataclass(frozen=True)
class ConsultationRecord:
    #: The agenda item's id: one consultation per application item.
    id: int
    meeting_id: int
    application_id: int
    slug: str
    outcome: Outcome
    created: datetime
    modified: datetime


def _consultation_select(*columns):
    latest = latest_version()
    return (
        published.decision_select(*columns, Minutes.published_at, latest.c.at)
        .join(latest, latest.c.minutes_id == Minutes.id)
        .where(AgendaItem.application_id == Application.id)
    )


def consultation_index(city_id: int | None = None) -> list[Entry]:
    return entries(db.session.execute(
        _consultation_select(AgendaItem.id).where(in_city(city_id)).order_by(AgendaItem.id)))


def consultations(*, ids: list[int] | None = None,
                  application_ids: list[int] | None = None) -> list[ConsultationRecord]:
    stmt = _consultation_select(AgendaItem.id, Meeting.id, Application.id, Neighbourhood.slug, Decision.outcome) \
        .order_by(Meeting.date, Meeting.id, AgendaItem.position)
    if ids is not None:
        stmt = stmt.where(AgendaItem.id.in_(ids))
    if application_ids is not None:
        stmt = stmt.where(Application.id.in_(application_ids))
    return [ConsultationRecord(item_id, meeting_id, app_id, slug, outcome, published_at or latest, latest)
            for item_id, meeting_id, app_id, slug, outcome, published_at, latest in db.session.execute(stmt)]


# --- papers (applications with a published decision) ----------------------------------------


@dataclass(frozen=True)
class PaperRecord:
    id: int
    slug: str
    reference: str
    title: str
    organisation: str
    summary: str
    year: int
    fields: tuple[str, ...]
    requested: tuple[Amount, ...]
    consultations: tuple[ConsultationRecord, ...]
    created: datetime
    modified: datetime
    #: The invitation of the latest invited meeting with the application on its agenda.
    main_file: InvitationRecord | None = None

    @property
    def approved(self) -> bool:
        return any(c.outcome in APPROVALS for c in self.consultations)


def paper_index(today: date | None = None, city_id: int | None = None) -> list[Entry]:
    """Applications with a published decision, and those on an invited meeting's agenda."""
    sub = _consultation_select(Application.id.label("app_id")).where(in_city(city_id)).subquery()
    spans = {app_id: (created, modified) for app_id, created, modified in db.session.execute(
        sa.select(sub.c.app_id, sa.func.min(sub.c.published_at), sa.func.max(sub.c.at)).group_by(sub.c.app_id))}
    for app_id, invitation in agenda_papers(today=today, city_id=city_id).items():
        created, modified = spans.get(app_id, (invitation.created, invitation.created))
        spans[app_id] = (min(created, invitation.created), max(modified, invitation.created))
    return [Entry(app_id, *spans[app_id]) for app_id in sorted(spans)]


def papers(ids: list[int], today: date | None = None) -> list[PaperRecord]:
    """Applications with their public consultations, requested amounts and invitation: seven queries."""
    found = consultations(application_ids=ids)
    by_app: dict[int, list[ConsultationRecord]] = {}
    for c in found:
        by_app.setdefault(c.application_id, []).append(c)
    mains = agenda_papers(ids, today=today)
    public_ids = set(by_app) | set(mains)
    rows = db.session.execute(
        sa.select(Application.id, Neighbourhood.slug, Application.reference, Application.title, Organisation.name,
                  Application.summary, Application.year)
        .join(Organisation, Application.organisation_id == Organisation.id)
        .join(Neighbourhood, Application.neighbourhood_id == Neighbourhood.id)
        .where(Application.id.in_(list(public_ids)), Neighbourhood.active.is_(True)).order_by(Application.id)
    ).all()
    book = published.load_amounts(public_ids)
    fields = published.fields_of(public_ids)
    result = []
    for app_id, slug, reference, title, org, summary, year in rows:
        cons = tuple(by_app.get(app_id, ()))
        main = mains.get(app_id)
        created = [c.created for c in cons] + ([main.created] if main else [])
        modified = [c.modified for c in cons] + ([main.created] if main else [])
        result.append(PaperRecord(
            app_id, slug, reference, title, org, summary or "", year, fields.get(app_id, ()), book.amounts(app_id),
            cons, min(created), max(modified), main,
        ))
    return result

"""Reads of the public portal: neighbourhoods, meetings, budget years, published minutes.

Decisions are read through ``minutes.published``, the one read model of what
was published (and the one place that decides what the public may see of a
decision). Names of people are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..applications.models import Application
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger.models import Budget, LedgerEntry
from ..meetings import agenda_money
from ..meetings import queries as meeting_queries
from ..meetings.models import AGENDA_PUBLIC_STATES, AgendaItem, Decision, Meeting, MeetingState
from ..minutes import published
from ..minutes.models import Minutes, MinutesState, MinutesVersion
from ..neighbourhoods import queries as area_queries
from ..neighbourhoods.models import City, FieldOfAction, Neighbourhood, Programme


def neighbourhood(slug: str) -> Neighbourhood | None:
    return db.session.execute(
        sa.select(Neighbourhood).where(Neighbourhood.slug == slug, Neighbourhood.active.is_(True))
    ).scalar_one_or_none()


def neighbourhoods(city_id: int | None = None) -> list[Neighbourhood]:
    stmt = sa.select(Neighbourhood).where(Neighbourhood.active.is_(True)).order_by(Neighbourhood.name)
    if city_id is not None:
        stmt = stmt.where(Neighbourhood.city_id == city_id)
    return list(db.session.execute(stmt).scalars())


def by_city(neighbourhoods: list[Neighbourhood]) -> dict[City, list[Neighbourhood]]:
    """The neighbourhoods grouped by their city, cities in their order: one query however many cities."""
    grouped: dict[City, list[Neighbourhood]] = {c: [] for c in db.session.execute(
        sa.select(City).order_by(City.position, City.name)).scalars()}
    by_id = {c.id: c for c in grouped}
    for nb in neighbourhoods:
        grouped[by_id[nb.city_id]].append(nb)
    return {c: members for c, members in grouped.items() if members}


def current_areas() -> list[Neighbourhood]:
    """The neighbourhoods funded today (no Frühere Fördergebiete): where the explanations send applicants."""
    return area_queries.split_current_and_past(neighbourhoods())[0]


AGENDA_PUBLIC = AGENDA_PUBLIC_STATES


@dataclass(frozen=True)
class UpcomingMeeting:
    date: date
    starts_at: time | None
    place: str
    address: str
    online: bool
    id: int
    state: MeetingState

    @property
    def agenda_public(self) -> bool:
        return self.state in AGENDA_PUBLIC


def upcoming_meetings(neighbourhood_id: int, today: date) -> list[UpcomingMeeting]:
    rows = db.session.execute(
        sa.select(Meeting.date, Meeting.starts_at, Meeting.place, Meeting.address, Meeting.online, Meeting.id,
                  Meeting.state)
        .where(Meeting.neighbourhood_id == neighbourhood_id, Meeting.date >= today,
               Meeting.state.in_([MeetingState.PLANNED, MeetingState.INVITED]))
        .order_by(Meeting.date, Meeting.starts_at).limit(5)
    ).all()
    return [UpcomingMeeting(*row) for row in rows]


def budget_years(neighbourhood_id: int) -> list[int]:
    return list(db.session.execute(
        sa.select(Budget.year).where(Budget.neighbourhood_id == neighbourhood_id).distinct()
        .order_by(Budget.year.desc())
    ).scalars())


def public_meeting(today: date):
    """SQL condition on ``Meeting``: a meeting the public may know of — announced and not past
    (what the portal lists as "Nächste Sitzungen"), or with published minutes (calendar, OParl)."""
    minutes = aliased(Minutes)  # the caller may join Minutes itself
    published = sa.exists().where(minutes.meeting_id == Meeting.id, minutes.state == MinutesState.PUBLISHED)
    announced = sa.and_(Meeting.state.in_([MeetingState.PLANNED, MeetingState.INVITED]), Meeting.date >= today)
    return sa.or_(announced, published)


@dataclass
class MeetingPage:
    """A meeting as the portal shows it: no decisions (those come with the published minutes)."""

    meeting: Meeting
    #: Empty while the meeting is only planned.
    rows: list = field(default_factory=list)
    projection: agenda_money.AgendaProjection = field(default_factory=agenda_money.AgendaProjection)
    minutes_published: bool = False

    @property
    def agenda_public(self) -> bool:
        return self.meeting.state in AGENDA_PUBLIC

    @property
    def before_meeting(self) -> bool:
        """Not held yet: "available now" is what the budgets show today."""
        return self.meeting.state in (MeetingState.PLANNED, MeetingState.INVITED)


def meeting_page(neighbourhood_id: int, meeting_id: int, today: date) -> MeetingPage | None:
    """A public meeting of this neighbourhood, with its agenda and money once invited: bounded queries."""
    meeting = db.session.execute(
        # Once invited, a meeting keeps its public page (held, waiting for its minutes, or
        # published): its agenda went public with the invitation.
        sa.select(Meeting).where(Meeting.id == meeting_id, Meeting.neighbourhood_id == neighbourhood_id,
                                 sa.or_(public_meeting(today), Meeting.state.in_(AGENDA_PUBLIC)))
    ).scalar_one_or_none()
    if meeting is None:
        return None
    page = MeetingPage(meeting, minutes_published=bool(published_minutes(neighbourhood_id, meeting_id=meeting.id)))
    if page.agenda_public:
        page.rows = meeting_queries.agenda(meeting, public=True)
        page.projection = agenda_money.agenda_projection(meeting, page.rows)
    return page


def filter_choices(neighbourhood_id: int) -> tuple[list[int], list[Programme], list[FieldOfAction]]:
    """Years, programmes and fields of action that occur in the published decisions."""
    # The neighbourhood's application years (an index range on (neighbourhood_id, year)), each
    # kept if one published decision exists for it: the EXISTS stops at the first hit, so the
    # cost grows with the years, not with every decision of every year.
    candidates = (sa.select(Application.year.label("year")).where(Application.neighbourhood_id == neighbourhood_id)
                  .distinct().subquery())
    decided = published.decision_select(Decision.id).where(
        Application.neighbourhood_id == neighbourhood_id, Application.year == candidates.c.year)
    years = list(db.session.execute(
        sa.select(candidates.c.year).where(decided.exists()).order_by(candidates.c.year.desc())
    ).scalars())
    programmes = list(db.session.execute(
        sa.select(Programme).where(Programme.active.is_(True)).order_by(Programme.position, Programme.code)
    ).scalars())
    fields = list(db.session.execute(
        sa.select(FieldOfAction).join(Programme, FieldOfAction.programme_id == Programme.id)
        .where(Programme.active.is_(True)).order_by(Programme.position, FieldOfAction.position, FieldOfAction.name)
    ).scalars())
    return years, programmes, fields


@dataclass(frozen=True)
class PendingMeeting:
    """Money bound at a meeting whose minutes are not published yet ("Protokoll folgt")."""

    meeting_id: int
    date: date
    cents: int


@dataclass(frozen=True)
class BoundMoney:
    """Where a year's bound money (the budgets' "gebunden") comes from, so the public can trace
    every euro: to a published decision, or to the meeting that bound it while its minutes follow.

    ``total`` equals the budgets' net committed sum; the portal and the yearly report show the
    parts next to it, so the decisions list and the budget never disagree without a reason given.
    """

    #: Bound by decisions in published minutes (the public decisions of the year).
    published: int = 0
    #: Bound at meetings whose minutes are not published yet, oldest meeting first.
    pending: tuple[PendingMeeting, ...] = ()
    #: Given back (Rückfluss): money a decision bound and the project did not need.
    released: int = 0
    #: Booked without a decision (not done by the application; shown so the sum still holds).
    other: int = 0

    @property
    def pending_total(self) -> int:
        return sum(p.cents for p in self.pending)

    @property
    def total(self) -> int:
        return self.published + self.pending_total + self.other - self.released


def bound_money(neighbourhood_id: int, year: int) -> BoundMoney:
    """The year's bound money of a neighbourhood, split by whether its decision is public: three queries.

    Amounts come from the ledger (what the budgets count), publication from
    ``minutes.published`` (what the decisions list shows), so both sides use their one rule.
    """
    budgets = sa.select(Budget.id).where(Budget.neighbourhood_id == neighbourhood_id, Budget.year == year)
    by_decision = ledger_queries.committed_by_decision(budgets)
    released = sum(b.released for b in ledger_queries.balances(extra_filter=LedgerEntry.budget_id.in_(budgets))
                   .values())
    ids = [d for d in by_decision if d is not None]
    # Which of these decisions are public: the one rule, asked about these ids only. Unrestricted,
    # SQLite ran the whole public-decisions join for every row (68 s for a neighbourhood at 100×).
    public_ids = published.published_decision_ids().where(Decision.id.in_(ids))
    meeting_dates: dict[int, date] = {}
    decisions: dict[int, tuple[int, bool]] = {}  # decision id -> (meeting id, public?)
    for decision_id, meeting_id, meeting_date, is_public in db.session.execute(
        sa.select(Decision.id, Meeting.id, Meeting.date, Decision.id.in_(public_ids))
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(Decision.id.in_(ids))
    ):
        decisions[decision_id] = (meeting_id, bool(is_public))
        meeting_dates[meeting_id] = meeting_date
    public = 0
    other = by_decision.get(None, 0)
    pending: dict[int, int] = {}
    for decision_id, cents in by_decision.items():
        if decision_id is None:
            continue
        if decision_id not in decisions:
            other += cents
            continue
        meeting_id, is_public = decisions[decision_id]
        if is_public:
            public += cents
        else:
            pending[meeting_id] = pending.get(meeting_id, 0) + cents
    rows = sorted((PendingMeeting(mid, meeting_dates[mid], cents) for mid, cents in pending.items() if cents),
                  key=lambda p: (p.date, p.meeting_id))
    return BoundMoney(public, tuple(rows), released, other)


@dataclass(frozen=True)
class PublishedVersion:
    number: int
    reason: str
    sha256: str
    size_bytes: int
    created_at: datetime


@dataclass(frozen=True)
class PublishedMinutes:
    meeting_id: int
    meeting_date: date
    place: str
    published_at: datetime | None
    versions: tuple[PublishedVersion, ...]

    @property
    def current(self) -> PublishedVersion:
        return self.versions[-1]


def published_minutes(neighbourhood_id: int, meeting_id: int | None = None,
                      year: int | None = None) -> list[PublishedMinutes]:
    """Published minutes with every version and its checksum, newest meeting first: one query.

    ``year``: only the minutes of meetings held in that year (the portal shows one year at a time).
    """
    stmt = (
        sa.select(Meeting.id, Meeting.date, Meeting.place, Minutes.published_at, MinutesVersion.number,
                  MinutesVersion.reason, MinutesVersion.sha256, MinutesVersion.size_bytes, MinutesVersion.created_at)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .join(MinutesVersion, MinutesVersion.minutes_id == Minutes.id)
        .where(Meeting.neighbourhood_id == neighbourhood_id, Minutes.state == MinutesState.PUBLISHED)
        .order_by(Meeting.date.desc(), Meeting.id.desc(), MinutesVersion.number)
    )
    if meeting_id is not None:
        stmt = stmt.where(Meeting.id == meeting_id)
    if year is not None:
        stmt = stmt.where(Meeting.date.between(date(year, 1, 1), date(year, 12, 31)))
    grouped: dict[int, list] = {}
    heads: dict[int, tuple] = {}
    for mid, mdate, place, published_at, number, reason, sha, size, created in db.session.execute(stmt):
        heads.setdefault(mid, (mdate, place or "", published_at))
        grouped.setdefault(mid, []).append(PublishedVersion(number, reason or "", sha, size, created))
    return [PublishedMinutes(mid, *heads[mid], tuple(grouped[mid])) for mid in heads]


def published_version(neighbourhood_id: int, meeting_id: int, number: int) -> MinutesVersion | None:
    """A stored version of published minutes of this neighbourhood — nothing else."""
    return db.session.execute(
        sa.select(MinutesVersion)
        .join(Minutes, MinutesVersion.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(Meeting.id == meeting_id, Meeting.neighbourhood_id == neighbourhood_id,
               Minutes.state == MinutesState.PUBLISHED, MinutesVersion.number == number)
    ).scalar_one_or_none()

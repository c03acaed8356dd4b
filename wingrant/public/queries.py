"""Reads of the public portal.

The portal shows decisions only from **published** minutes: every query that
touches a decision joins through its agenda item and meeting to a Minutes row
in state ``published``. Names of people are never read here; applications
contribute their public fields only (title, organisation name, summary,
year, fields of action), never contact data or internal texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..applications.models import Application, FinancingItem, FundingSource, application_field
from ..extensions import db
from ..ledger.models import Budget
from ..meetings.models import AgendaItem, Decision, DecisionAmount, Meeting, MeetingState, Outcome
from ..minutes.models import Minutes, MinutesState, MinutesVersion
from ..neighbourhoods.models import FieldOfAction, Neighbourhood, Programme
from ..organisations.models import Organisation

APPROVALS = (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)


def neighbourhood(slug: str) -> Neighbourhood | None:
    return db.session.execute(
        sa.select(Neighbourhood).where(Neighbourhood.slug == slug, Neighbourhood.active.is_(True))
    ).scalar_one_or_none()


def neighbourhoods() -> list[Neighbourhood]:
    return list(db.session.execute(
        sa.select(Neighbourhood).where(Neighbourhood.active.is_(True)).order_by(Neighbourhood.name)
    ).scalars())


@dataclass(frozen=True)
class UpcomingMeeting:
    date: date
    starts_at: time | None
    place: str
    address: str
    online: bool


def upcoming_meetings(neighbourhood_id: int, today: date) -> list[UpcomingMeeting]:
    rows = db.session.execute(
        sa.select(Meeting.date, Meeting.starts_at, Meeting.place, Meeting.address, Meeting.online)
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


def _published():
    """Decisions that belong to published minutes (the only ones the public may see)."""
    return (
        sa.select(Decision.id)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .join(Minutes, Minutes.meeting_id == AgendaItem.meeting_id)
        .where(Minutes.state == MinutesState.PUBLISHED, Decision.outcome.is_not(None))
    )


#: The same rule for the other readers of published data (open-data downloads, OParl feed).
published_decision_ids = _published


def public_meeting(today: date):
    """SQL condition on ``Meeting``: a meeting the public may know of — announced and not past
    (what the portal lists as "Nächste Sitzungen"), or with published minutes (calendar, OParl)."""
    minutes = aliased(Minutes)  # the caller may join Minutes itself
    published = sa.exists().where(minutes.meeting_id == Meeting.id, minutes.state == MinutesState.PUBLISHED)
    announced = sa.and_(Meeting.state.in_([MeetingState.PLANNED, MeetingState.INVITED]), Meeting.date >= today)
    return sa.or_(announced, published)


@dataclass(frozen=True)
class AmountLine:
    code: str
    name: str
    requested: int
    approved: int


@dataclass(frozen=True)
class PublicDecision:
    decision_id: int
    application_id: int
    meeting_id: int
    meeting_date: date
    title: str
    organisation: str
    summary: str
    year: int
    outcome: Outcome
    conditions: str
    amounts: tuple[AmountLine, ...]
    fields: tuple[str, ...]

    @property
    def approved(self) -> bool:
        return self.outcome in APPROVALS

    @property
    def approved_total(self) -> int:
        return sum(a.approved for a in self.amounts)

    @property
    def requested_total(self) -> int:
        return sum(a.requested for a in self.amounts)


def _decisions_query(neighbourhood_id: int, *, year: int | None = None, programme_id: int | None = None,
                     field_id: int | None = None, application_id: int | None = None,
                     meeting_id: int | None = None):
    """The published decisions of one neighbourhood, filtered, newest meeting first.

    Published = the meeting's minutes are (joined here rather than an ``IN`` over every
    published decision of every neighbourhood, so the cost stays with this neighbourhood).
    """
    stmt = (
        sa.select(Decision.id, Decision.outcome, Decision.conditions, Application.id, Application.title,
                  Application.summary, Application.year, Organisation.name, Meeting.id, Meeting.date)
        .join(Application, Decision.application_id == Application.id)
        .join(Organisation, Application.organisation_id == Organisation.id)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Minutes.state == MinutesState.PUBLISHED, Decision.outcome.is_not(None),
               Meeting.neighbourhood_id == neighbourhood_id, Application.neighbourhood_id == neighbourhood_id)
        .order_by(Meeting.date.desc(), AgendaItem.position, Decision.id)
    )
    if year is not None:
        stmt = stmt.where(Application.year == year)
    if application_id is not None:
        stmt = stmt.where(Application.id == application_id)
    if meeting_id is not None:
        stmt = stmt.where(Meeting.id == meeting_id)
    if programme_id is not None:
        stmt = stmt.where(sa.or_(
            sa.exists().where(DecisionAmount.decision_id == Decision.id, DecisionAmount.programme_id == programme_id),
            sa.exists().where(FinancingItem.application_id == Application.id,
                              FinancingItem.source == FundingSource.PROGRAMME,
                              FinancingItem.programme_id == programme_id),
        ))
    if field_id is not None:
        stmt = stmt.where(sa.exists().where(application_field.c.application_id == Application.id,
                                            application_field.c.field_of_action_id == field_id))
    return stmt


def count_published_decisions(neighbourhood_id: int, **filters) -> int:
    """How many published decisions match (for the pages of the list): one query."""
    stmt = _decisions_query(neighbourhood_id, **filters).order_by(None)
    return db.session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one()


def published_decisions(neighbourhood_id: int, *, year: int | None = None, programme_id: int | None = None,
                        field_id: int | None = None, application_id: int | None = None,
                        meeting_id: int | None = None, limit: int | None = None,
                        offset: int = 0) -> list[PublicDecision]:
    """Published decisions, newest meeting first: four queries however many there are.

    ``limit``/``offset``: one page of them (years of decisions pile up; a page must not grow with them).
    """
    stmt = _decisions_query(neighbourhood_id, year=year, programme_id=programme_id, field_id=field_id,
                            application_id=application_id, meeting_id=meeting_id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    rows = db.session.execute(stmt).all()
    decision_ids = [r[0] for r in rows]
    app_ids = list({r[3] for r in rows})

    programmes = {p.id: p for p in db.session.execute(sa.select(Programme)).scalars()}
    requested: dict[int, dict[int, int]] = {}
    for app_id, pid, cents in db.session.execute(
        sa.select(FinancingItem.application_id, FinancingItem.programme_id, sa.func.sum(FinancingItem.amount_cents))
        .where(FinancingItem.application_id.in_(app_ids), FinancingItem.source == FundingSource.PROGRAMME)
        .group_by(FinancingItem.application_id, FinancingItem.programme_id)
    ):
        requested.setdefault(app_id, {})[pid] = int(cents)
    approved: dict[int, dict[int, int]] = {}
    for decision_id, pid, cents in db.session.execute(
        sa.select(DecisionAmount.decision_id, DecisionAmount.programme_id, DecisionAmount.amount_cents)
        .where(DecisionAmount.decision_id.in_(decision_ids))
    ):
        approved.setdefault(decision_id, {})[pid] = int(cents)
    fields: dict[int, list[str]] = {}
    for app_id, name in db.session.execute(
        sa.select(application_field.c.application_id, FieldOfAction.name)
        .join(FieldOfAction, application_field.c.field_of_action_id == FieldOfAction.id)
        .where(application_field.c.application_id.in_(app_ids))
        .order_by(FieldOfAction.position, FieldOfAction.name)
    ):
        fields.setdefault(app_id, []).append(name)

    result = []
    for d_id, outcome, conditions, app_id, title, summary, app_year, org, meeting_id, meeting_date in rows:
        asked, decided = requested.get(app_id, {}), approved.get(d_id, {})
        pids = sorted(set(asked) | set(decided), key=lambda p: (programmes[p].position, programmes[p].code))
        amounts = tuple(AmountLine(programmes[p].code, programmes[p].name, asked.get(p, 0),
                                   decided.get(p, 0) if outcome in APPROVALS else 0) for p in pids)
        result.append(PublicDecision(d_id, app_id, meeting_id, meeting_date, title, org, summary or "", app_year,
                                     outcome, conditions or "", amounts, tuple(fields.get(app_id, ()))))
    return result


def filter_choices(neighbourhood_id: int) -> tuple[list[int], list[Programme], list[FieldOfAction]]:
    """Years, programmes and fields of action that occur in the published decisions."""
    # The neighbourhood's application years (an index range on (neighbourhood_id, year)), each
    # kept if one published decision exists for it: the EXISTS stops at the first hit, so the
    # cost grows with the years, not with every decision of every year.
    candidates = (sa.select(Application.year.label("year")).where(Application.neighbourhood_id == neighbourhood_id)
                  .distinct().subquery())
    decided = (
        sa.select(Decision.id)
        .join(Application, Decision.application_id == Application.id)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .join(Minutes, Minutes.meeting_id == AgendaItem.meeting_id)
        .where(Application.neighbourhood_id == neighbourhood_id, Application.year == candidates.c.year,
               Minutes.state == MinutesState.PUBLISHED, Decision.outcome.is_not(None))
    )
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

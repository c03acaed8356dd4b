"""The administrators' overview of all neighbourhoods for one year (internal data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..applications.models import Application
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..meetings.models import AgendaItem, Decision, DecisionAmount, Meeting, MeetingState, Outcome
from ..neighbourhoods.models import Neighbourhood
from .models import Minutes, MinutesState

APPROVALS = (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)


@dataclass
class NeighbourhoodYear:
    neighbourhood: Neighbourhood
    allocated: int = 0
    committed: int = 0
    available: int = 0
    meetings: int = 0
    drafts: int = 0
    approved_minutes: int = 0
    published_minutes: int = 0
    decisions: int = 0
    approvals: int = 0
    approved_cents: int = 0
    programmes: list = field(default_factory=list)


def year_overview(year: int, neighbourhood_ids: list[int] | None = None,
                  city_id: int | None = None) -> list[NeighbourhoodYear]:
    """Every active neighbourhood (of ``neighbourhood_ids``, of a city): money, meetings, minutes and
    decisions of ``year``. Five queries."""
    stmt = sa.select(Neighbourhood).where(Neighbourhood.active.is_(True)).order_by(Neighbourhood.name)
    if neighbourhood_ids is not None:
        stmt = stmt.where(Neighbourhood.id.in_(neighbourhood_ids))
    if city_id is not None:
        stmt = stmt.where(Neighbourhood.city_id == city_id)
    rows = {nb.id: NeighbourhoodYear(nb) for nb in db.session.execute(stmt).scalars()}
    for budget_row in ledger_queries.budget_overview(year, list(rows)):
        row = rows.get(budget_row.neighbourhood.id)
        if row is None:
            continue
        row.allocated += budget_row.balance.allocated
        row.committed += budget_row.balance.net_committed
        row.available += budget_row.balance.available
        row.programmes.append(budget_row)

    state = sa.func.coalesce(Minutes.state, MinutesState.DRAFT.value)
    for nb_id, held, drafts, approved, published in db.session.execute(
        sa.select(Meeting.neighbourhood_id, sa.func.count(Meeting.id),
                  sa.func.count(sa.case((state == MinutesState.DRAFT.value, Meeting.id))),
                  sa.func.count(sa.case((state == MinutesState.APPROVED.value, Meeting.id))),
                  sa.func.count(sa.case((state == MinutesState.PUBLISHED.value, Meeting.id))))
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Meeting.state.in_([MeetingState.HELD, MeetingState.MINUTES_APPROVED]),
               Meeting.date >= date(year, 1, 1), Meeting.date <= date(year, 12, 31))
        .group_by(Meeting.neighbourhood_id)
    ):
        if nb_id in rows:
            rows[nb_id].meetings, rows[nb_id].drafts = held, drafts
            rows[nb_id].approved_minutes, rows[nb_id].published_minutes = approved, published

    approved_sum = (
        sa.select(sa.func.coalesce(sa.func.sum(DecisionAmount.amount_cents), 0))
        .where(DecisionAmount.decision_id == Decision.id).correlate(Decision).scalar_subquery()
    )
    for nb_id, count, approvals, cents in db.session.execute(
        sa.select(Application.neighbourhood_id, sa.func.count(Decision.id),
                  sa.func.count(sa.case((Decision.outcome.in_(APPROVALS), Decision.id))),
                  sa.func.coalesce(sa.func.sum(sa.case((Decision.outcome.in_(APPROVALS), approved_sum))), 0))
        .join(Application, Decision.application_id == Application.id)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .where(Application.year == year, Decision.outcome.is_not(None))
        .group_by(Application.neighbourhood_id)
    ):
        if nb_id in rows:
            rows[nb_id].decisions, rows[nb_id].approvals, rows[nb_id].approved_cents = count, approvals, int(cents)
    return list(rows.values())

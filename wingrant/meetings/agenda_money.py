"""The agenda's money before the meeting, cumulative: the invitation and the public meeting page."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger.models import Budget, EntryKind, LedgerEntry
from ..neighbourhoods.models import Programme, ProgrammeLine
from . import projection
from .models import AgendaItem, Decision, Meeting
from .queries import AgendaRow, programmes_by_id, requested_amounts


def bound_by_meeting(meeting_id: int) -> dict[int, int]:
    """Net money the decisions of one meeting have bound, per budget id."""
    reversed_ids = sa.select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
    rows = db.session.execute(
        sa.select(LedgerEntry.budget_id, sa.func.sum(LedgerEntry.amount_cents))
        .join(Decision, LedgerEntry.decision_id == Decision.id)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id, LedgerEntry.kind == EntryKind.COMMITMENT,
               LedgerEntry.id.not_in(reversed_ids))
        .group_by(LedgerEntry.budget_id)
    )
    return {budget_id: int(total) for budget_id, total in rows}


@dataclass(frozen=True)
class ProjectedRow:
    programme: Programme
    year: int
    requested: int
    #: ``None`` when the neighbourhood has no budget for this programme and year.
    step: projection.Step | None
    #: The Förderschiene, for a programme with lines ("" otherwise).
    line: str = ""


@dataclass
class AgendaProjection:
    """Per application item its requests with the budget before/after it; per budget the whole agenda."""

    items: dict[int, list[ProjectedRow]] = field(default_factory=dict)
    totals: list[ProjectedRow] = field(default_factory=list)

    @property
    def several_years(self) -> bool:
        return len({r.year for r in self.totals}) > 1


def agenda_projection(meeting: Meeting, rows: list[AgendaRow]) -> AgendaProjection:
    """"Verfügbar jetzt → wenn alles auf dieser Tagesordnung beschlossen wird", item after item.

    The start is what was available before this meeting: money its own decisions already
    bound is added back, so the projection reads the same before, during and after the
    meeting. Four queries, whatever the number of items; decisions are not read (the
    public page gives rows without them).
    """
    app_rows = [r for r in rows if r.item.application is not None]
    result = AgendaProjection()
    if not app_rows:
        return result
    programmes = programmes_by_id()
    years = {r.item.application.year for r in app_rows}
    # Keys are (programme, line, year): a programme with lines spends from the line each application asks of.
    budgets, line_names = {}, {}
    for b, line_name in db.session.execute(
            sa.select(Budget, ProgrammeLine.name).outerjoin(ProgrammeLine, Budget.line_id == ProgrammeLine.id)
            .where(Budget.neighbourhood_id == meeting.neighbourhood_id, Budget.year.in_(years))):
        budgets[(b.programme_id, b.line_id, b.year)] = b
        line_names[b.line_id] = line_name or ""
    balances = ledger_queries.balances([b.id for b in budgets.values()])
    bound_here = bound_by_meeting(meeting.id)
    start = {key: (balances[b.id].available if b.id in balances else 0) + bound_here.get(b.id, 0)
             for key, b in budgets.items()}
    requests = [{(pid, r.item.application.line_for(pid), r.item.application.year): cents
                 for pid, cents in requested_amounts(r.item.application).items()} for r in app_rows]

    def order(key: tuple[int, int | None, int]) -> tuple:
        return programmes[key[0]].position, programmes[key[0]].code, line_names.get(key[1], ""), key[2]

    def row(key, requested: int, step) -> ProjectedRow:
        return ProjectedRow(programmes[key[0]], key[2], requested, step, line_names.get(key[1], ""))

    for r, request, steps in zip(app_rows, requests, projection.available_after_agenda(start, requests)):
        result.items[r.item.id] = [row(key, request[key], steps.get(key)) for key in sorted(request, key=order)]
    totals = projection.totals_after_agenda(start, requests)
    asked: dict[tuple[int, int | None, int], int] = {}
    for request in requests:
        for key, cents in request.items():
            asked[key] = asked.get(key, 0) + cents
    result.totals = [row(key, asked[key], totals.get(key)) for key in sorted(asked, key=order)]
    return result

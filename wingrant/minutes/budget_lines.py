"""The budget table of the minutes and the ledger sums behind their amounts.

The minutes show each budget as it stood at their meeting: commitments split
into earlier meetings and this one, so minutes rendered weeks later still read
as of their meeting. Same arithmetic as ``ledger.queries`` (a reversal counts
negatively in the category it cancels), read in a fixed number of queries.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..ledger.models import Budget, EntryKind, LedgerEntry
from ..meetings.models import AgendaItem, Decision, Meeting
from ..neighbourhoods.models import Programme, ProgrammeLine
from .record import BudgetLine


def _category_sum(kind: EntryKind, condition=None):
    """Sum of one ledger category; a reversal counts negatively in the category it cancels.

    Same arithmetic as ``ledger.queries`` (one self-join on the reversed entry);
    callers add the join on ``_REVERSED``.
    """
    category = sa.func.coalesce(_REVERSED.kind, LedgerEntry.kind)
    signed = sa.case((LedgerEntry.kind == EntryKind.REVERSAL, -LedgerEntry.amount_cents),
                     else_=LedgerEntry.amount_cents)
    test = category == kind if condition is None else sa.and_(category == kind, condition)
    return sa.func.coalesce(sa.func.sum(sa.case((test, signed), else_=0)), 0)


_REVERSED = aliased(LedgerEntry, name="reversed_entry")


def budget_lines(meeting: Meeting, years: set[int]) -> list[BudgetLine]:
    """The neighbourhood's budgets of the given years, seen from this meeting: two queries.

    Commitments are split by the meeting their decision belongs to: this one,
    earlier ones (by date, then id) — and later ones, which these minutes do not
    show, so minutes rendered weeks later still read as of their meeting.
    Allocations, releases and bookings without a decision count as they stand.
    """
    rows = db.session.execute(
        sa.select(Budget.id, Budget.year, Programme.id, Programme.code, Programme.name, ProgrammeLine.code,
                  ProgrammeLine.name)
        .join(Programme, Budget.programme_id == Programme.id)
        .outerjoin(ProgrammeLine, Budget.line_id == ProgrammeLine.id)
        .where(Budget.neighbourhood_id == meeting.neighbourhood_id, Budget.year.in_(sorted(years)))
        .order_by(Budget.year, Programme.position, Programme.code, ProgrammeLine.position, ProgrammeLine.code)
    ).all()
    decision_meeting = aliased(Meeting, name="decision_meeting")
    here = decision_meeting.id == meeting.id
    earlier = sa.or_(
        decision_meeting.id.is_(None),
        sa.and_(decision_meeting.id != meeting.id,
                sa.or_(decision_meeting.date < meeting.date,
                       sa.and_(decision_meeting.date == meeting.date, decision_meeting.id < meeting.id))),
    )
    sums = {
        row.budget_id: row
        for row in db.session.execute(
            sa.select(
                LedgerEntry.budget_id,
                _category_sum(EntryKind.ALLOCATION).label("allocated"),
                _category_sum(EntryKind.COMMITMENT, earlier).label("before"),
                _category_sum(EntryKind.COMMITMENT, here).label("here"),
                _category_sum(EntryKind.RELEASE).label("released"),
            )
            .outerjoin(_REVERSED, LedgerEntry.reverses_id == _REVERSED.id)
            .outerjoin(Decision, LedgerEntry.decision_id == Decision.id)
            .outerjoin(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
            .outerjoin(decision_meeting, AgendaItem.meeting_id == decision_meeting.id)
            .where(LedgerEntry.budget_id.in_([r[0] for r in rows]))
            .group_by(LedgerEntry.budget_id)
        )
    }
    lines = []
    for budget_id, year, programme_id, code, name, line_code, line_name in rows:
        s = sums.get(budget_id)
        lines.append(BudgetLine(
            budget_id=budget_id, programme_id=programme_id, code=code, name=name, year=year,
            allocated=int(s.allocated) if s else 0, committed_before=int(s.before) if s else 0,
            committed_here=int(s.here) if s else 0, released=int(s.released) if s else 0,
            line_code=line_code or "", line_name=line_name or "",
        ))
    return roll_up(lines)


def roll_up(lines: list[BudgetLine]) -> list[BudgetLine]:
    """One row per programme and year; a programme's lines become its sub-rows and add up to it."""
    grouped: dict[tuple[int, int], list[BudgetLine]] = {}
    for line in lines:
        grouped.setdefault((line.year, line.programme_id), []).append(line)
    result = []
    for parts in grouped.values():
        first = parts[0]
        if not first.line_code:
            result.append(first)
            continue
        result.append(BudgetLine(
            budget_id=first.budget_id, programme_id=first.programme_id, code=first.code, name=first.name,
            year=first.year, allocated=sum(p.allocated for p in parts),
            committed_before=sum(p.committed_before for p in parts),
            committed_here=sum(p.committed_here for p in parts), released=sum(p.released for p in parts),
            lines=tuple(parts)))
    return result


def committed_by_decision(decision_ids: list[int]) -> dict[tuple[int, int], int]:
    """Net commitments per (decision id, programme id), straight from the ledger."""
    stmt = (
        sa.select(LedgerEntry.decision_id, Budget.programme_id,
                  _category_sum(EntryKind.COMMITMENT).label("committed"))
        .outerjoin(_REVERSED, LedgerEntry.reverses_id == _REVERSED.id)
        .join(Budget, LedgerEntry.budget_id == Budget.id)
        .where(LedgerEntry.decision_id.in_(decision_ids))
        .group_by(LedgerEntry.decision_id, Budget.programme_id)
    )
    return {(d, p): int(c) for d, p, c in db.session.execute(stmt)}

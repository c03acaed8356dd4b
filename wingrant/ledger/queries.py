"""Budget balances, computed by SQL aggregates over the ledger."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..neighbourhoods.models import Neighbourhood, Programme
from .models import Budget, EntryKind, LedgerEntry


@dataclass(frozen=True)
class Balance:
    budget_id: int
    allocated: int = 0
    committed: int = 0
    released: int = 0

    @property
    def available(self) -> int:
        return self.allocated - self.committed + self.released

    @property
    def net_committed(self) -> int:
        """Money bound by decisions and not given back."""
        return self.committed - self.released


def _balance_columns():
    """``allocated``, ``committed``, ``released`` per budget in one pass.

    A reversal counts negatively in the category of the entry it cancels, so the
    aggregate needs the reversed entry's kind: one join on its primary key.
    """
    target = aliased(LedgerEntry)
    category = sa.func.coalesce(target.kind, LedgerEntry.kind)
    signed = sa.case(
        (LedgerEntry.kind == EntryKind.REVERSAL, -LedgerEntry.amount_cents), else_=LedgerEntry.amount_cents
    )

    def total(kind: EntryKind):
        return sa.func.coalesce(sa.func.sum(sa.case((category == kind, signed), else_=0)), 0)

    return target, [
        total(EntryKind.ALLOCATION).label("allocated"),
        total(EntryKind.COMMITMENT).label("committed"),
        total(EntryKind.RELEASE).label("released"),
    ]


def balances(budget_ids: list[int] | None = None, *, extra_filter=None) -> dict[int, Balance]:
    """Balances keyed by budget id; budgets without entries are absent (all zero)."""
    target, cols = _balance_columns()
    stmt = (
        sa.select(LedgerEntry.budget_id, *cols)
        .outerjoin(target, LedgerEntry.reverses_id == target.id)
        .group_by(LedgerEntry.budget_id)
    )
    if budget_ids is not None:
        stmt = stmt.where(LedgerEntry.budget_id.in_(budget_ids))
    if extra_filter is not None:
        stmt = stmt.where(extra_filter)
    return {
        row.budget_id: Balance(row.budget_id, int(row.allocated), int(row.committed), int(row.released))
        for row in db.session.execute(stmt)
    }


def balance(budget_id: int) -> Balance:
    return balances([budget_id]).get(budget_id, Balance(budget_id))


def application_balance(budget_id: int, application_id: int) -> Balance:
    """What one application has bound in one budget (for releases)."""
    result = balances([budget_id], extra_filter=LedgerEntry.application_id == application_id)
    return result.get(budget_id, Balance(budget_id))


@dataclass(frozen=True)
class BudgetRow:
    budget: Budget
    neighbourhood: Neighbourhood
    programme: Programme
    balance: Balance


def budget_overview(year: int, neighbourhood_ids: list[int] | None = None) -> list[BudgetRow]:
    """Every budget of a year with its balance, ordered for display: two queries in all."""
    stmt = (
        sa.select(Budget, Neighbourhood, Programme)
        .join(Neighbourhood, Budget.neighbourhood_id == Neighbourhood.id)
        .join(Programme, Budget.programme_id == Programme.id)
        .where(Budget.year == year)
        .order_by(Neighbourhood.name, Programme.position, Programme.code)
    )
    if neighbourhood_ids is not None:
        stmt = stmt.where(Budget.neighbourhood_id.in_(neighbourhood_ids))
    rows = db.session.execute(stmt).all()
    # Only the budgets shown: a neighbourhood's page must not add up every neighbourhood's ledger.
    shown = sa.select(Budget.id).where(Budget.year == year)
    if neighbourhood_ids is not None:
        shown = shown.where(Budget.neighbourhood_id.in_(neighbourhood_ids))
    sums = balances(extra_filter=LedgerEntry.budget_id.in_(shown))
    return [BudgetRow(b, n, p, sums.get(b.id, Balance(b.id))) for b, n, p in rows]

"""Budget balances, computed by SQL aggregates over the ledger."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..core.pagination import Window
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood, Programme, ProgrammeLine
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


def _balance_statement() -> sa.Select:
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

    return (
        sa.select(LedgerEntry.budget_id, total(EntryKind.ALLOCATION).label("allocated"),
                  total(EntryKind.COMMITMENT).label("committed"), total(EntryKind.RELEASE).label("released"))
        .outerjoin(target, LedgerEntry.reverses_id == target.id)
        .group_by(LedgerEntry.budget_id)
    )


#: Built once: every page that shows a budget asks for balances, some pages three times, and
#: building the expression cost more than SQLAlchemy's cached compilation of it.
BALANCES = _balance_statement()


def balances(budget_ids: list[int] | None = None, *, extra_filter=None) -> dict[int, Balance]:
    """Balances keyed by budget id; budgets without entries are absent (all zero)."""
    stmt = BALANCES
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


def application_budgets(application, programme_ids: list[int]) -> dict[int, Budget]:
    """The budget each programme's money of ``application`` is booked on: the line it asks of, or the
    programme itself (line NULL); one query. Programmes without such a budget are absent."""
    if not programme_ids:
        return {}
    wanted = {pid: application.line_for(pid) for pid in programme_ids}
    rows = db.session.execute(
        sa.select(Budget).where(Budget.neighbourhood_id == application.neighbourhood_id,
                                Budget.year == application.year, Budget.programme_id.in_(programme_ids))
    ).scalars()
    return {b.programme_id: b for b in rows if b.line_id == wanted[b.programme_id]}


@dataclass(frozen=True)
class BudgetRow:
    """One programme's budget in one neighbourhood and year. For a programme with lines it is the
    roll-up: ``balance`` adds up the lines, ``lines`` holds one row per line (its budget and balance),
    and ``budget`` is the first line's budget (year and closing are the same for all)."""

    budget: Budget
    neighbourhood: Neighbourhood
    programme: Programme
    balance: Balance
    line: ProgrammeLine | None = None
    lines: tuple[BudgetRow, ...] = ()

    @property
    def budgets(self) -> list[Budget]:
        return [r.budget for r in self.lines] if self.lines else [self.budget]


def added(budget_id: int, parts: list[Balance]) -> Balance:
    """The sum of some balances, e.g. a programme's lines."""
    return Balance(budget_id, sum(b.allocated for b in parts), sum(b.committed for b in parts),
                   sum(b.released for b in parts))


def roll_up(rows: list[BudgetRow]) -> list[BudgetRow]:
    """Line rows folded into one row per neighbourhood × programme (in the rows' order)."""
    grouped: dict[tuple[int, int], list[BudgetRow]] = {}
    for row in rows:
        grouped.setdefault((row.neighbourhood.id, row.programme.id), []).append(row)
    result = []
    for parts in grouped.values():
        first = parts[0]
        if first.line is None and len(parts) == 1:
            result.append(first)
            continue
        lines = tuple(p for p in parts if p.line is not None)
        result.append(BudgetRow(first.budget, first.neighbourhood, first.programme,
                                added(first.budget.id, [p.balance for p in parts]), None, lines))
    return result


def budget_overview(year: int, neighbourhood_ids: list[int] | None = None, *,
                    programme_ids=None) -> list[BudgetRow]:
    """Every budget of a year with its balance, one row per programme (lines rolled up, see
    :class:`BudgetRow`), ordered for display: two queries in all. ``programme_ids`` limits it to
    some programmes (a programme owner's)."""
    stmt = (
        sa.select(Budget, Neighbourhood, Programme, ProgrammeLine)
        .join(Neighbourhood, Budget.neighbourhood_id == Neighbourhood.id)
        .join(Programme, Budget.programme_id == Programme.id)
        .outerjoin(ProgrammeLine, Budget.line_id == ProgrammeLine.id)
        .where(Budget.year == year)
        .order_by(Neighbourhood.name, Programme.position, Programme.code, ProgrammeLine.position,
                  ProgrammeLine.code)
    )
    shown = sa.select(Budget.id).where(Budget.year == year)
    if neighbourhood_ids is not None:
        stmt = stmt.where(Budget.neighbourhood_id.in_(neighbourhood_ids))
        shown = shown.where(Budget.neighbourhood_id.in_(neighbourhood_ids))
    if programme_ids is not None:
        stmt = stmt.where(Budget.programme_id.in_(list(programme_ids)))
        shown = shown.where(Budget.programme_id.in_(list(programme_ids)))
    rows = db.session.execute(stmt).all()
    # Only the budgets shown: a neighbourhood's page must not add up every neighbourhood's ledger.
    sums = balances(extra_filter=LedgerEntry.budget_id.in_(shown))
    return roll_up([BudgetRow(b, n, p, sums.get(b.id, Balance(b.id)), line) for b, n, p, line in rows])


@dataclass(frozen=True)
class OverviewPage:
    """One page of the year's budget overview: neighbourhoods by name, each with its budgets."""

    by_neighbourhood: dict[Neighbourhood, list[BudgetRow]]
    #: Neighbourhoods with budgets this year that match the search (all pages).
    total: int
    page: int
    pages: int


def overview_page(year: int, *, page: int = 1, per_page: int = 20, name: str = "",
                  city_id: int | None = None) -> OverviewPage:
    """A page of neighbourhoods with budgets in ``year``, optionally those whose name contains ``name``.

    The overview grows with every neighbourhood (and every city) that adopts wingrant;
    a page does not: three queries (count, the page's neighbourhoods, their budgets and
    balances), each bounded by ``per_page``.
    """
    has_budget = sa.exists().where(Budget.neighbourhood_id == Neighbourhood.id, Budget.year == year)
    conditions = [Neighbourhood.active.is_(True), has_budget]
    if city_id is not None:
        conditions.append(Neighbourhood.city_id == city_id)
    if name:
        conditions.append(sa.func.lower(Neighbourhood.name).contains(name.lower(), autoescape=True))
    total = db.session.execute(sa.select(sa.func.count()).select_from(Neighbourhood).where(*conditions)).scalar_one()
    window = Window.of(total, page, per_page)
    ids = list(db.session.execute(
        sa.select(Neighbourhood.id).where(*conditions).order_by(Neighbourhood.name, Neighbourhood.id)
        .limit(per_page).offset(window.offset)
    ).scalars())
    return OverviewPage(by_neighbourhood(budget_overview(year, ids)) if ids else {}, total, window.page, window.pages)


def by_neighbourhood(rows: list[BudgetRow]) -> dict[Neighbourhood, list[BudgetRow]]:
    """Budget rows grouped by neighbourhood, in the rows' order."""
    grouped: dict[Neighbourhood, list[BudgetRow]] = {}
    for row in rows:
        grouped.setdefault(row.neighbourhood, []).append(row)
    return grouped


def totals(balances_: list[Balance]) -> dict[str, int]:
    """Allocated, net committed and available cents over some balances (a pure sum)."""
    return {
        "allocated_cents": sum(b.allocated for b in balances_),
        "committed_cents": sum(b.net_committed for b in balances_),
        "available_cents": sum(b.available for b in balances_),
    }


def year_totals(year: int) -> dict[str, int]:
    """:func:`totals` over every budget of a year: one aggregate."""
    sums = balances(extra_filter=LedgerEntry.budget_id.in_(sa.select(Budget.id).where(Budget.year == year)))
    return totals(list(sums.values()))


def committed_by_decision(budget_ids) -> dict[int | None, int]:
    """Net cents bound per decision (commitments minus their reversals) in some budgets: one query.

    ``budget_ids``: a list or a select of budget ids. Commitments booked without a decision are
    keyed ``None``. Releases are not here: a release gives back an application's money, not a
    decision's (see :func:`balances`).
    """
    rows = db.session.execute(_COMMITTED_BY_DECISION.where(LedgerEntry.budget_id.in_(budget_ids)))
    return {decision_id: int(cents) for decision_id, cents in rows if cents}


def _committed_by_decision_statement() -> sa.Select:
    target = aliased(LedgerEntry)
    category = sa.func.coalesce(target.kind, LedgerEntry.kind)
    signed = sa.case(
        (LedgerEntry.kind == EntryKind.REVERSAL, -LedgerEntry.amount_cents), else_=LedgerEntry.amount_cents
    )
    return (sa.select(LedgerEntry.decision_id, sa.func.sum(signed))
            .outerjoin(target, LedgerEntry.reverses_id == target.id)
            .where(category == EntryKind.COMMITMENT)
            .group_by(LedgerEntry.decision_id))


_COMMITTED_BY_DECISION = _committed_by_decision_statement()

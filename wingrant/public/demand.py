"""Unmet demand: what was asked for, what the forums gave, and what they could not give — and why.

The one read model of these figures, for the portal (per neighbourhood and city-wide), the
yearly reports, the open data and the API. Public by construction: an application counts once
a decision on it is published (``minutes.published`` decides that, nowhere else), and its latest
published decision says where its money stands. Amounts are integer cents.

Per neighbourhood × programme × field of action × budget year, the money asked for splits
without remainder::

    requested = approved + reduced + deferred + refused + withdrawn + open

- ``approved``: what an approval bound (the decision's amounts; the ledger's commitments);
- ``reduced``: asked for but cut by an approval "with changes";
- ``deferred``: the latest decision deferred it (it may come back to a later meeting);
- ``refused`` / ``withdrawn``: refused by the forum (or by the administration on a referred case),
  withdrawn by the applicant;
- ``open``: referred to the WiN-Geschäftsführung, which has not decided yet.

Of ``reduced``, ``deferred`` and ``refused``, the ``…_lack_of_money`` figures are the part whose
decision gave "Mittel nicht ausreichend" as its reason category: the money the forums would
have given had there been more.

An application's money is counted under one field of action per programme — its first field
of that programme (by the programme's order), or none — so the fields of a programme add up
to the programme. What was available comes from the ledger (``ledger.queries.balances``) per
neighbourhood × programme × year, beside the demand, never summed over fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

import sqlalchemy as sa

from ..applications.models import Application, application_field
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger.models import Budget, LedgerEntry
from ..meetings.consensus import APPROVALS, Outcome, ReasonCategory
from ..meetings.models import AgendaItem, Decision, Meeting
from ..minutes import published
from ..neighbourhoods.models import FieldOfAction, Neighbourhood, Programme, ProgrammeLine

#: The money columns of a row, in the order the tables and the open data show them.
MONEY = ("requested", "approved", "reduced", "deferred", "refused", "withdrawn", "open",
         "reduced_lack_of_money", "deferred_lack_of_money", "refused_lack_of_money")


@dataclass(frozen=True)
class Figures:
    """Counts and cents of one cell (or of a sum of cells)."""

    applications: int = 0
    requested: int = 0
    approved: int = 0
    reduced: int = 0
    deferred: int = 0
    refused: int = 0
    withdrawn: int = 0
    open: int = 0
    reduced_lack_of_money: int = 0
    deferred_lack_of_money: int = 0
    refused_lack_of_money: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Figures)))

    @property
    def not_given(self) -> int:
        """Asked for and not given (cut, deferred, refused): the unmet demand."""
        return self.reduced + self.deferred + self.refused

    @property
    def lack_of_money(self) -> int:
        """Cut, deferred or refused because the money was not enough."""
        return self.reduced_lack_of_money + self.deferred_lack_of_money + self.refused_lack_of_money


@dataclass(frozen=True)
class BudgetFigures:
    """What the ledger says of one budget (neighbourhood × programme × year)."""

    allocated: int = 0
    committed: int = 0
    released: int = 0

    @property
    def available(self) -> int:
        return self.allocated - self.committed + self.released

    def __add__(self, other: BudgetFigures) -> BudgetFigures:
        return BudgetFigures(self.allocated + other.allocated, self.committed + other.committed,
                             self.released + other.released)


@dataclass(frozen=True)
class Cell:
    neighbourhood_id: int
    neighbourhood: str
    neighbourhood_slug: str
    programme_id: int
    programme_code: str
    programme: str
    programme_position: int
    #: The field of action's name; "" for money of applications without a field of that programme.
    field: str
    year: int
    figures: Figures


@dataclass(frozen=True)
class BudgetCell:
    neighbourhood_id: int
    neighbourhood: str
    neighbourhood_slug: str
    programme_id: int
    programme_code: str
    programme: str
    programme_position: int
    year: int
    budget: BudgetFigures
    #: A programme with lines: (line name, its figures) per line; ``budget`` adds them up.
    lines: tuple[tuple[str, BudgetFigures], ...] = ()


@dataclass(frozen=True)
class Demand:
    """Cells of demand (ordered by neighbourhood, year, programme, field) and the budgets beside them."""

    cells: tuple[Cell, ...]
    budgets: tuple[BudgetCell, ...]

    def total(self) -> Figures:
        return sum((c.figures for c in self.cells), Figures())

    def budget_total(self) -> BudgetFigures:
        return sum((b.budget for b in self.budgets), BudgetFigures())

    def by_programme(self) -> list[tuple[BudgetCell | None, Cell]]:
        """Per neighbourhood × programme × year: the demand summed over fields, with its budget."""
        summed: dict[tuple, Cell] = {}
        for c in self.cells:
            key = (c.neighbourhood_id, c.programme_id, c.year)
            prior = summed.get(key)
            summed[key] = replace(c, field="", figures=c.figures + prior.figures) if prior else replace(c, field="")
        budgets = {(b.neighbourhood_id, b.programme_id, b.year): b for b in self.budgets}
        keys = sorted(set(summed) | set(budgets), key=lambda k: _order(summed.get(k) or budgets[k]))
        return [(budgets.get(k), summed.get(k) or _empty_cell(budgets[k])) for k in keys]

    def by_field(self) -> list[tuple[str, str, Figures]]:
        """Per programme × field of action, over every neighbourhood and year: (programme, field, figures)."""
        summed: dict[tuple[str, str], Figures] = {}
        order: dict[tuple[str, str], tuple] = {}
        for c in self.cells:
            key = (c.programme, c.field)
            summed[key] = summed.get(key, Figures()) + c.figures
            order.setdefault(key, (c.programme_position, c.programme_code, c.field == "", c.field))
        return [(p, f, summed[(p, f)]) for p, f in sorted(summed, key=lambda k: order[k])]

    def by_neighbourhood(self) -> list[tuple[str, str, Figures, BudgetFigures]]:
        """Per neighbourhood, over programmes, fields and years: (name, slug, figures, budget)."""
        rows: dict[str, list] = {}
        for c in self.cells:
            entry = rows.setdefault(c.neighbourhood, [c.neighbourhood_slug, Figures(), BudgetFigures()])
            entry[1] = entry[1] + c.figures
        for b in self.budgets:
            entry = rows.setdefault(b.neighbourhood, [b.neighbourhood_slug, Figures(), BudgetFigures()])
            entry[2] = entry[2] + b.budget
        return [(name, *rows[name]) for name in sorted(rows)]


def _order(c) -> tuple:
    return (c.neighbourhood, c.year, c.programme_position, c.programme_code)


def _empty_cell(b: BudgetCell) -> Cell:
    return Cell(b.neighbourhood_id, b.neighbourhood, b.neighbourhood_slug, b.programme_id, b.programme_code,
                b.programme, b.programme_position, "", b.year, Figures())


# --- the pure tally --------------------------------------------------------------------------


def effective_outcome(outcome: Outcome, admin_outcome: Outcome | None) -> Outcome:
    """A referred case is what the administration decided, once it has."""
    return admin_outcome if outcome == Outcome.REFERRED and admin_outcome is not None else outcome


def figures_of(outcome: Outcome, category: ReasonCategory | None, requested: int, approved: int) -> Figures:
    """Where one application's money from one programme stands after its latest decision."""
    lack = category == ReasonCategory.LACK_OF_MONEY
    if outcome in APPROVALS:
        cut = max(requested - approved, 0)
        return Figures(1, requested, approved, reduced=cut, reduced_lack_of_money=cut if lack else 0)
    if outcome == Outcome.DEFERRED:
        return Figures(1, requested, deferred=requested, deferred_lack_of_money=requested if lack else 0)
    if outcome == Outcome.REJECTED:
        return Figures(1, requested, refused=requested, refused_lack_of_money=requested if lack else 0)
    if outcome == Outcome.WITHDRAWN:
        return Figures(1, requested, withdrawn=requested)
    return Figures(1, requested, open=requested)


# --- the reads ----------------------------------------------------------------------------


def unmet_demand(*, year: int | None = None, neighbourhood_id: int | None = None,
                 city_id: int | None = None) -> Demand:
    """The figures of a year (or all years) of one neighbourhood (or all active ones, or those of a
    city): six queries."""
    stmt = published.decision_select(
        Decision.id, Decision.outcome, Decision.admin_outcome, Decision.reason_category, Application.id,
        Application.year, Neighbourhood.id,
    ).order_by(Meeting.date, Meeting.id, AgendaItem.position, Decision.id)
    if year is not None:
        stmt = stmt.where(Application.year == year)
    if neighbourhood_id is not None:
        stmt = stmt.where(Meeting.neighbourhood_id == neighbourhood_id)
    if city_id is not None:
        stmt = stmt.where(Neighbourhood.city_id == city_id)
    latest: dict[int, tuple] = {}  # application id -> its latest public decision (later rows win)
    for d_id, outcome, admin_outcome, category, app_id, app_year, nb_id in db.session.execute(stmt):
        latest[app_id] = (d_id, effective_outcome(outcome, admin_outcome), category, app_year, nb_id)
    book = published.load_amounts(latest, [d[0] for d in latest.values()])
    first_field = _first_fields(latest)
    neighbourhoods = _neighbourhoods(neighbourhood_id, city_id)
    cells: dict[tuple[int, int, str, int], Figures] = {}
    for app_id, (d_id, outcome, category, app_year, nb_id) in latest.items():
        for amount in book.amounts(app_id, d_id, outcome):
            key = (nb_id, amount.programme_id, first_field.get((app_id, amount.programme_id), ""), app_year)
            cells[key] = cells.get(key, Figures()) + figures_of(outcome, category, amount.requested, amount.approved)
    p = book.programmes
    demand_cells = tuple(sorted(
        (Cell(nb, neighbourhoods[nb].name, neighbourhoods[nb].slug, pid, p[pid].code, p[pid].name, p[pid].position,
              field, yr, f) for (nb, pid, field, yr), f in cells.items()),
        key=lambda c: (*_order(c), c.field == "", c.field)))
    return Demand(demand_cells, _budgets(year, neighbourhood_id, neighbourhoods, p))


def _first_fields(applications: Iterable[int]) -> dict[tuple[int, int], str]:
    """(application id, programme id) -> the application's first field of action of that programme: one query."""
    first: dict[tuple[int, int], str] = {}
    for app_id, pid, name in db.session.execute(
        sa.select(application_field.c.application_id, FieldOfAction.programme_id, FieldOfAction.name)
        .join(FieldOfAction, application_field.c.field_of_action_id == FieldOfAction.id)
        .where(application_field.c.application_id.in_(list(applications)))
        .order_by(FieldOfAction.position, FieldOfAction.name)
    ):
        first.setdefault((app_id, pid), name)
    return first


def _neighbourhoods(neighbourhood_id: int | None, city_id: int | None = None) -> dict[int, Neighbourhood]:
    stmt = sa.select(Neighbourhood).where(Neighbourhood.active.is_(True))
    if neighbourhood_id is not None:
        stmt = stmt.where(Neighbourhood.id == neighbourhood_id)
    if city_id is not None:
        stmt = stmt.where(Neighbourhood.city_id == city_id)
    return {n.id: n for n in db.session.execute(stmt).scalars()}


def _budgets(year: int | None, neighbourhood_id: int | None, neighbourhoods: dict[int, Neighbourhood],
             programmes: dict[int, Programme]) -> tuple[BudgetCell, ...]:
    """Every budget of the selection with its ledger balance: one query for the budgets, one aggregate."""
    shown = sa.select(Budget.id).where(Budget.neighbourhood_id.in_(list(neighbourhoods)))
    if year is not None:
        shown = shown.where(Budget.year == year)
    if neighbourhood_id is not None:
        shown = shown.where(Budget.neighbourhood_id == neighbourhood_id)
    budgets = db.session.execute(
        sa.select(Budget.id, Budget.neighbourhood_id, Budget.programme_id, Budget.year, ProgrammeLine.name)
        .outerjoin(ProgrammeLine, Budget.line_id == ProgrammeLine.id).where(Budget.id.in_(shown))
        .order_by(ProgrammeLine.position, ProgrammeLine.code)
    ).all()
    sums = ledger_queries.balances(extra_filter=LedgerEntry.budget_id.in_(shown))
    # A programme's lines add up to one row per neighbourhood × programme × year.
    figures: dict[tuple[int, int, int], list[tuple[str | None, BudgetFigures]]] = {}
    for budget_id, nb_id, pid, yr, line_name in budgets:
        b = sums.get(budget_id, ledger_queries.Balance(budget_id))
        figures.setdefault((nb_id, pid, yr), []).append((line_name, BudgetFigures(b.allocated, b.committed,
                                                                                  b.released)))
    rows = []
    for (nb_id, pid, yr), parts in figures.items():
        nb, prog = neighbourhoods[nb_id], programmes[pid]
        rows.append(BudgetCell(nb_id, nb.name, nb.slug, pid, prog.code, prog.name, prog.position, yr,
                               sum((f for _name, f in parts), BudgetFigures()),
                               tuple((name, f) for name, f in parts if name is not None)))
    return tuple(sorted(rows, key=_order))

"""Writes to the ledger: allocate, commit, release, reverse.

Every write locks the budget row first (``lock_row``: ``FOR UPDATE`` on
PostgreSQL, the write lock taken by ``unit_of_work`` on SQLite), then checks
the balance and appends its entry, so two requests can never both spend the
last euro. Each function joins the caller's unit of work when there is one:
a decision and its commitment are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import lock_row, row_id, unit_of_work
from ..errors import Conflict, DomainError
from ..extensions import db
from ..money import format_eur
from ..neighbourhoods import services as neighbourhood_services
from ..neighbourhoods.models import Neighbourhood, Programme, ProgrammeLine
from . import queries
from .models import Budget, EntryKind, LedgerEntry


class LedgerError(DomainError):
    pass


class InsufficientFunds(LedgerError, Conflict):
    def __init__(self, available: int, requested: int, budget: Budget):
        self.available = available
        self.requested = requested
        self.budget = budget
        super().__init__(
            _(
                "Nicht genug Mittel: Im Budget %(budget)s sind noch %(available)s verfügbar, "
                "benötigt werden %(requested)s.",
                budget=_budget_label(budget),
                available=format_eur(available),
                requested=format_eur(requested),
            )
        )


def _budget_label(budget: Budget) -> str:
    line = f" – {budget.line.name}" if budget.line_id else ""
    return f"{budget.programme.name}{line} {budget.neighbourhood.name} {budget.year}"


def _check_amount(amount_cents: int) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError("amount_cents must be int cents")
    if amount_cents <= 0:
        raise LedgerError(_("Der Betrag muss größer als 0 sein."), field="amount")


def _append(budget: Budget, kind: EntryKind, amount_cents: int, *, user, memo: str = "", **refs) -> LedgerEntry:
    entry = LedgerEntry(budget_id=budget.id, kind=kind, amount_cents=amount_cents, memo=memo,
                        created_by_id=row_id(user), **refs)
    db.session.add(entry)
    db.session.flush()
    audit.record(
        f"ledger.{kind.value}", user=user, obj=entry, neighbourhood_id=budget.neighbourhood_id,
        after={"budget_id": budget.id, "amount_cents": amount_cents, "memo": memo,
               **{k: v for k, v in refs.items() if v is not None}},
    )
    return entry


def check_line(programme: Programme, line_id: int | None) -> ProgrammeLine | None:
    """The line a budget of ``programme`` is kept on: one of its lines if it has any, else none."""
    if line_id is None:
        if any(line.active for line in programme.lines):
            raise LedgerError(_("%(programme)s hat Förderschienen: Bitte eine Förderschiene wählen.",
                                programme=programme.name), field="line")
        return None
    line = db.session.get(ProgrammeLine, line_id)
    if line is None or line.programme_id != programme.id:
        raise LedgerError(_("Diese Förderschiene gehört nicht zu %(programme)s.", programme=programme.name),
                          field="line")
    return line


def get_or_create_budget(neighbourhood: Neighbourhood, programme: Programme, year: int, *, user=None,
                         line_id: int | None = None) -> Budget:
    with unit_of_work():
        line = check_line(programme, line_id)
        budget = db.session.execute(
            sa.select(Budget).filter_by(neighbourhood_id=neighbourhood.id, programme_id=programme.id,
                                        line_id=line_id, year=year)
        ).scalar_one_or_none()
        if budget is None:
            neighbourhood_services.require_funded_year(neighbourhood, year, [programme.id])
            budget = Budget(neighbourhood_id=neighbourhood.id, programme_id=programme.id, line_id=line_id, year=year)
            db.session.add(budget)
            db.session.flush()
            audit.record("budget.create", user=user, obj=budget, neighbourhood_id=neighbourhood.id,
                         after={"programme": programme.code, "line": line.code if line else None, "year": year})
    return budget


def allocate(budget_id: int, amount_cents: int, *, user, memo: str = "") -> LedgerEntry:
    """Put money into a budget (Zuweisung)."""
    _check_amount(amount_cents)
    with unit_of_work():
        budget = lock_row(Budget, budget_id)
        if budget.closed:
            raise LedgerError(_("Das Haushaltsjahr %(year)s ist abgeschlossen.", year=budget.year))
        return _append(budget, EntryKind.ALLOCATION, amount_cents, user=user, memo=memo)


def commit(budget_id: int, amount_cents: int, *, user, application_id: int | None = None,
           decision_id: int | None = None, memo: str = "") -> LedgerEntry:
    """Bind money for a decision (Mittelbindung); refused if it would overspend."""
    _check_amount(amount_cents)
    with unit_of_work():
        budget = lock_row(Budget, budget_id)
        if budget.closed:
            raise LedgerError(_("Das Haushaltsjahr %(year)s ist abgeschlossen.", year=budget.year))
        available = queries.balance(budget.id).available
        if amount_cents > available:
            raise InsufficientFunds(available, amount_cents, budget)
        return _append(budget, EntryKind.COMMITMENT, amount_cents, user=user, memo=memo,
                       application_id=application_id, decision_id=decision_id)


def lock_budgets(neighbourhood_id: int, year: int, programme_ids,
                 line_for: Callable[[int], int | None] = lambda _pid: None) -> dict[int, Budget]:
    """The year's budgets of these programmes, keyed by programme id, locked in one statement: the
    budget of the line ``line_for(programme_id)`` names (an application's request), or the
    programme's own (line NULL).

    Rows are locked in id order (``ORDER BY id … FOR UPDATE``), the order every writer of several
    budgets takes, so two of them cannot deadlock. A programme without such a budget is absent.
    """
    stmt = (sa.select(Budget).where(Budget.neighbourhood_id == neighbourhood_id, Budget.year == year,
                                    Budget.programme_id.in_(list(programme_ids)))
            .order_by(Budget.id).execution_options(populate_existing=True))
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return {b.programme_id: b for b in db.session.execute(stmt).scalars() if b.line_id == line_for(b.programme_id)}


def commit_many(amounts: list[tuple[Budget, int]], *, user, application_id: int | None = None,
                decision_id: int | None = None, memo: str = "") -> list[LedgerEntry]:
    """``commit`` for several budgets locked by ``lock_budgets`` in this unit of work: one balance
    query for all of them, then every entry appended in one flush. Refused (nothing written) if
    any budget would be overspent; the first such budget in id order is named."""
    for _budget, cents in amounts:
        _check_amount(cents)
    with unit_of_work():
        ordered = sorted(amounts, key=lambda pair: pair[0].id)
        found = queries.balances([b.id for b, _cents in ordered])
        for budget, cents in ordered:
            if budget.closed:
                raise LedgerError(_("Das Haushaltsjahr %(year)s ist abgeschlossen.", year=budget.year))
            available = found.get(budget.id, queries.Balance(budget.id)).available
            if cents > available:
                raise InsufficientFunds(available, cents, budget)
        entries = [LedgerEntry(budget_id=b.id, kind=EntryKind.COMMITMENT, amount_cents=cents, memo=memo,
                               created_by_id=row_id(user), application_id=application_id,
                               decision_id=decision_id) for b, cents in ordered]
        db.session.add_all(entries)
        db.session.flush()
        refs = {k: v for k, v in {"application_id": application_id, "decision_id": decision_id}.items()
                if v is not None}
        for (budget, cents), entry in zip(ordered, entries, strict=True):
            audit.record(f"ledger.{EntryKind.COMMITMENT.value}", user=user, obj=entry,
                         neighbourhood_id=budget.neighbourhood_id,
                         after={"budget_id": budget.id, "amount_cents": cents, "memo": memo, **refs})
        return entries


def release(budget_id: int, amount_cents: int, *, user, application_id: int, memo: str = "") -> LedgerEntry:
    """Give bound money back to the budget (Rückfluss): the project cost less or was withdrawn."""
    _check_amount(amount_cents)
    with unit_of_work():
        budget = lock_row(Budget, budget_id)
        bound = queries.application_balance(budget.id, application_id).net_committed
        if amount_cents > bound:
            raise LedgerError(
                _("Es können höchstens %(bound)s zurückgebucht werden – so viel ist für dieses Projekt gebunden.",
                  bound=format_eur(bound)),
                field="amount",
            )
        return _append(budget, EntryKind.RELEASE, amount_cents, user=user, memo=memo,
                       application_id=application_id)


def reverse(entry_id: int, *, user, reason: str) -> LedgerEntry:
    """Cancel one entry with a reversal (Storno) — the only way to correct the ledger."""
    if not reason or not reason.strip():
        raise LedgerError(_("Bitte einen Grund für das Storno angeben."), field="reason")
    with unit_of_work():
        entry = db.session.get(LedgerEntry, entry_id)
        if entry is None:
            raise LedgerError(_("Diese Buchung gibt es nicht."))
        budget = lock_row(Budget, entry.budget_id)
        if entry.kind == EntryKind.REVERSAL:
            raise LedgerError(_("Ein Storno kann nicht storniert werden; bitte neu buchen."))
        already = db.session.execute(
            sa.select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry.id)
        ).first()
        if already:
            raise LedgerError(_("Diese Buchung ist bereits storniert."))
        balance = queries.balance(budget.id)
        # Reversing money that came in must not leave the budget below zero.
        if entry.kind in (EntryKind.ALLOCATION, EntryKind.RELEASE) and entry.amount_cents > balance.available:
            raise InsufficientFunds(balance.available, entry.amount_cents, budget)
        if entry.kind == EntryKind.COMMITMENT and entry.application_id is not None:
            bound = queries.application_balance(budget.id, entry.application_id).net_committed
            if entry.amount_cents > bound:
                raise LedgerError(_("Von dieser Mittelbindung wurde bereits Geld zurückgebucht; "
                                    "bitte zuerst den Rückfluss stornieren."))
        return _append(budget, EntryKind.REVERSAL, entry.amount_cents, user=user, memo=reason.strip(),
                       reverses_id=entry.id, application_id=entry.application_id, decision_id=entry.decision_id)


def allocate_to(neighbourhood_id: int, programme_id: int, year: int, amount_cents: int, *, user,
                memo: str = "", line_id: int | None = None) -> LedgerEntry:
    """Create the budget if needed and allocate to it, as one write."""
    neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
    programme = db.session.get(Programme, programme_id)
    if neighbourhood is None or programme is None:
        raise LedgerError(_("Bitte Quartier und Förderprogramm wählen."))
    _check_amount(amount_cents)
    with unit_of_work():
        budget = get_or_create_budget(neighbourhood, programme, year, user=user, line_id=line_id)
        return allocate(budget.id, amount_cents, user=user, memo=memo)


def year_is_over(year: int, today: date | None = None) -> bool:
    """A budget year can be closed once it is over."""
    return year < (today or date.today()).year


def _set_closed(year: int, closed: bool) -> list[int]:
    """Lock every budget of ``year`` that is not yet in the wanted state (by id, like every other
    writer: no deadlock) and set it; the ids changed."""
    ids = list(db.session.execute(
        sa.select(Budget.id).where(Budget.year == year, Budget.closed.is_(not closed)).order_by(Budget.id)
    ).scalars())
    for budget_id in ids:
        lock_row(Budget, budget_id).closed = closed
    return ids


def close_year(year: int, *, user, today: date | None = None) -> int:
    """Close a budget year (Jahresabschluss): its budgets take no new allocations or decisions.

    Only a year that is over can be closed. What is still available lapses; money a
    project got but did not spend becomes a repayment claim instead of flowing back
    (``funding.services``). Returns how many budgets were closed.
    """
    if not year_is_over(year, today):
        raise LedgerError(_("Ein Haushaltsjahr kann erst nach seinem Ende abgeschlossen werden "
                            "(%(year)s also ab dem 1. Januar %(next)s).", year=year, next=year + 1))
    with unit_of_work():
        ids = _set_closed(year, True)
        if not ids:
            raise LedgerError(_("Für %(year)s ist kein Budget mehr offen.", year=year))
        totals = queries.year_totals(year)
        audit.record("ledger.close_year", user=user,
                     after={"year": year, "budgets": len(ids), **totals})
    return len(ids)


def reopen_year(year: int, reason: str, *, user) -> int:
    """Open a closed budget year again — to correct a mistaken close; the reason is logged."""
    if not reason or not reason.strip():
        raise LedgerError(_("Bitte angeben, warum das Haushaltsjahr wieder geöffnet wird."), field="reason")
    with unit_of_work():
        ids = _set_closed(year, False)
        if not ids:
            raise LedgerError(_("Das Haushaltsjahr %(year)s ist nicht abgeschlossen.", year=year))
        audit.record("ledger.reopen_year", user=user,
                     after={"year": year, "budgets": len(ids), "reason": reason.strip()})
    return len(ids)

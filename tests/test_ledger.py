"""The budget ledger's rules: append-only, integer cents, no overspend."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from wingrant.ledger import queries
from wingrant.ledger import services as ledger
from wingrant.ledger.models import EntryKind, LedgerEntry
from wingrant.ledger.services import InsufficientFunds, LedgerError


def test_allocation_makes_money_available(make_budget):
    budget = make_budget(150_000_00)
    balance = queries.balance(budget.id)
    assert (balance.allocated, balance.committed, balance.released, balance.available) == (150_000_00, 0, 0, 150_000_00)


def test_commitment_binds_money(make_budget):
    budget = make_budget(10_000_00)
    ledger.commit(budget.id, 4_800_00, user=None, memo="Hochbeete")
    balance = queries.balance(budget.id)
    assert balance.committed == 4_800_00
    assert balance.available == 5_200_00


def test_overspend_is_refused_naming_the_available_amount(db, make_budget):
    budget = make_budget(1_000_00)
    ledger.commit(budget.id, 600_00, user=None)
    with pytest.raises(InsufficientFunds) as error:
        ledger.commit(budget.id, 400_01, user=None)
    assert "400,00\u00a0€" in str(error.value)
    assert "400,01\u00a0€" in str(error.value)
    assert error.value.available == 400_00
    assert queries.balance(budget.id).committed == 600_00  # nothing half-written


def test_commitment_of_exactly_the_available_amount_is_allowed(make_budget):
    budget = make_budget(1_000_00)
    ledger.commit(budget.id, 1_000_00, user=None)
    assert queries.balance(budget.id).available == 0


def test_release_gives_bound_money_back(make_budget, db):
    budget = make_budget(10_000_00)
    app_id = _application_id(db, budget)
    ledger.commit(budget.id, 5_000_00, user=None, application_id=app_id)
    ledger.release(budget.id, 1_234_56, user=None, application_id=app_id, memo="Projekt günstiger")
    balance = queries.balance(budget.id)
    assert balance.released == 1_234_56
    assert balance.net_committed == 3_765_44
    assert balance.available == 6_234_56


def test_release_cannot_exceed_what_the_project_has_bound(make_budget, db):
    budget = make_budget(10_000_00)
    app_id = _application_id(db, budget)
    ledger.commit(budget.id, 1_000_00, user=None, application_id=app_id)
    with pytest.raises(LedgerError, match="höchstens 1.000,00"):
        ledger.release(budget.id, 1_000_01, user=None, application_id=app_id)


def test_reversal_cancels_the_entry_in_its_own_category(make_budget):
    budget = make_budget(10_000_00)
    entry = ledger.commit(budget.id, 2_500_00, user=None)
    ledger.reverse(entry.id, user=None, reason="Beschluss korrigiert")
    balance = queries.balance(budget.id)
    assert (balance.allocated, balance.committed, balance.available) == (10_000_00, 0, 10_000_00)


def test_entry_can_be_reversed_only_once(make_budget):
    budget = make_budget(10_000_00)
    entry = ledger.commit(budget.id, 2_500_00, user=None)
    ledger.reverse(entry.id, user=None, reason="Fehler")
    with pytest.raises(LedgerError, match="bereits storniert"):
        ledger.reverse(entry.id, user=None, reason="noch einmal")


def test_reversal_cannot_be_reversed(make_budget):
    budget = make_budget(10_000_00)
    entry = ledger.commit(budget.id, 100_00, user=None)
    reversal = ledger.reverse(entry.id, user=None, reason="Fehler")
    with pytest.raises(LedgerError, match="Storno kann nicht storniert"):
        ledger.reverse(reversal.id, user=None, reason="zurück")


def test_reversal_needs_a_reason(make_budget):
    budget = make_budget(10_000_00)
    entry = ledger.commit(budget.id, 100_00, user=None)
    with pytest.raises(LedgerError, match="Grund"):
        ledger.reverse(entry.id, user=None, reason="  ")


def test_reversing_an_allocation_cannot_overdraw_the_budget(make_budget):
    budget = make_budget(1_000_00)
    allocation = queries_first_entry(budget.id, EntryKind.ALLOCATION)
    ledger.commit(budget.id, 600_00, user=None)
    with pytest.raises(InsufficientFunds):
        ledger.reverse(allocation, user=None, reason="falsches Jahr")


@pytest.mark.parametrize("amount", [0, -1, -100_00])
def test_amounts_must_be_positive(make_budget, amount):
    budget = make_budget(1_000_00)
    with pytest.raises(LedgerError, match="größer als 0"):
        ledger.commit(budget.id, amount, user=None)


def test_amounts_are_integer_cents_never_floats(make_budget):
    budget = make_budget(1_000_00)
    with pytest.raises(TypeError):
        ledger.commit(budget.id, 10.5, user=None)


def test_closed_year_takes_no_commitments(make_budget, db):
    budget = make_budget(1_000_00)
    budget.closed = True
    db.session.commit()
    with pytest.raises(LedgerError, match="abgeschlossen"):
        ledger.commit(budget.id, 1_00, user=None)


def test_every_ledger_write_is_audited(make_budget, db):
    from wingrant.audit.models import AuditEvent

    budget = make_budget(1_000_00)
    entry = ledger.commit(budget.id, 1_00, user=None)
    actions = db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_id)).all()
    assert ("ledger.allocation", queries_first_entry(budget.id, EntryKind.ALLOCATION)) in actions
    assert ("ledger.commitment", entry.id) in actions


def test_database_refuses_update_of_ledger_entry(make_budget, db):
    budget = make_budget(1_000_00)
    entry_id = queries_first_entry(budget.id, EntryKind.ALLOCATION)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(sa.text("UPDATE ledger_entry SET amount_cents = 999999999 WHERE id = :id"), {"id": entry_id})
        db.session.commit()
    db.session.rollback()
    assert queries.balance(budget.id).allocated == 1_000_00


def test_database_refuses_delete_of_ledger_entry(make_budget, db):
    budget = make_budget(1_000_00)
    ledger.commit(budget.id, 500_00, user=None)
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM ledger_entry WHERE kind = 'commitment'"))
        db.session.commit()
    db.session.rollback()
    assert queries.balance(budget.id).committed == 500_00


def test_balances_come_from_one_aggregate_query_whatever_the_number_of_budgets(
        db, make_budget, make_neighbourhood, count_queries):
    for _ in range(6):
        budget = make_budget(1_000_00, neighbourhood=make_neighbourhood())
        ledger.commit(budget.id, 1_00, user=None)
    db.session.commit()
    with count_queries() as q:
        rows = queries.budget_overview(2026)
    assert len(rows) == 6
    assert all(r.balance.available == 999_00 for r in rows)
    assert q.count == 2


def queries_first_entry(budget_id, kind):
    from wingrant.extensions import db

    return db.session.execute(
        sa.select(LedgerEntry.id).filter_by(budget_id=budget_id, kind=kind).order_by(LedgerEntry.id)
    ).scalars().first()


def _application_id(db, budget):
    from wingrant.applications.models import Application
    from wingrant.organisations.models import Organisation

    org = Organisation(name="Träger e. V.")
    db.session.add(org)
    db.session.flush()
    application = Application(reference=f"T-{budget.id}", neighbourhood_id=budget.neighbourhood_id,
                              organisation_id=org.id, year=budget.year, title="Testprojekt")
    db.session.add(application)
    db.session.commit()
    return application.id

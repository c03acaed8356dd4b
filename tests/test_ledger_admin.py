"""Budget administration through the web: allocate, inspect, reverse."""

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.auth.models import Role
from wingrant.ledger import queries
from wingrant.ledger import services as ledger
from wingrant.ledger.models import Budget, EntryKind, LedgerEntry


@pytest.fixture
def admin(auth, make_user):
    make_user("admin@example.org", is_admin=True)
    auth.login("admin@example.org")


def _allocate(client, **data):
    token = csrf_token_from(client.get("/verwaltung/budgets/?jahr=2026").get_data(as_text=True))
    return client.post("/verwaltung/budgets/?jahr=2026", data={"csrf_token": token, "year": "2026", **data})


def test_administrator_allocates_german_amount_into_new_budget(admin, client, db, make_neighbourhood,
                                                               make_programme):
    nb, programme = make_neighbourhood("Huchting"), make_programme("WIN")
    response = _allocate(client, neighbourhood=str(nb.id), programme=str(programme.id), amount="150.000",
                         memo="Mittelansatz")
    assert response.status_code == 302
    db.session.rollback()
    budget = db.session.execute(sa.select(Budget)).scalar_one()
    assert queries.balance(budget.id).allocated == 150_000_00


@pytest.mark.parametrize(("amount", "message"), [
    ("", "Bitte einen Betrag eingeben."),
    ("12,607.00", "Komma als Dezimaltrennzeichen"),
    ("abc", "kein gültiger Betrag"),
    ("-5", "Negative Beträge"),
    ("0", "größer als 0"),
])
def test_bad_amount_gets_a_german_message_and_books_nothing(admin, client, db, make_neighbourhood,
                                                            make_programme, amount, message):
    nb, programme = make_neighbourhood("Huchting"), make_programme("WIN")
    page = _allocate(client, neighbourhood=str(nb.id), programme=str(programme.id), amount=amount)
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(LedgerEntry.id))).scalar_one() == 0
    assert db.session.execute(sa.select(sa.func.count(Budget.id))).scalar_one() == 0


def test_reversal_through_the_web_needs_a_reason(admin, client, db, make_budget):
    budget = make_budget(1_000_00)
    entry = ledger.commit(budget.id, 300_00, user=None)
    url = f"/verwaltung/budgets/{budget.id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    client.post(f"{url}/buchungen/{entry.id}/storno", data={"csrf_token": token, "reason": ""})
    db.session.rollback()
    assert queries.balance(budget.id).committed == 300_00
    page = client.post(f"{url}/buchungen/{entry.id}/storno", data={"csrf_token": token, "reason": "Doppelt gebucht"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Buchung storniert." in page
    db.session.rollback()
    assert queries.balance(budget.id).committed == 0
    assert db.session.execute(sa.select(LedgerEntry).filter_by(kind=EntryKind.REVERSAL)).scalar_one()


def test_entry_of_another_budget_cannot_be_reversed_through_this_url(admin, client, db, make_budget,
                                                                     make_neighbourhood):
    mine, other = make_budget(1_000_00), make_budget(1_000_00, neighbourhood=make_neighbourhood())
    entry = ledger.commit(other.id, 100_00, user=None)
    token = csrf_token_from(client.get(f"/verwaltung/budgets/{mine.id}").get_data(as_text=True))
    response = client.post(f"/verwaltung/budgets/{mine.id}/buchungen/{entry.id}/storno",
                           data={"csrf_token": token, "reason": "x"})
    assert response.status_code == 404


def test_quartiersmanager_cannot_administer_budgets(auth, client, make_user, make_neighbourhood):
    nb = make_neighbourhood("Huchting")
    make_user("qm@example.org", roles={nb: Role.MANAGER})
    auth.login("qm@example.org")
    assert client.get("/verwaltung/budgets/").status_code == 403


def test_budget_page_queries_do_not_grow_with_entries(admin, client, make_budget, count_queries):
    budget = make_budget(10_000_00)
    for _ in range(3):
        ledger.commit(budget.id, 1_00, user=None)
    with count_queries() as few:
        client.get(f"/verwaltung/budgets/{budget.id}")
    for _ in range(20):
        ledger.commit(budget.id, 1_00, user=None)
    with count_queries() as many:
        client.get(f"/verwaltung/budgets/{budget.id}")
    assert many.count == few.count

"""Budget administration through the web: allocate, inspect, reverse."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.audit.models import AuditEvent
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
    assert page.status_code == 422
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


# --- Jahresabschluss ----------------------------------------------------------------------------


def _post_year(client, year, step, data):
    page = client.get(f"/verwaltung/budgets/?jahr={year}").get_data(as_text=True)
    prefix = "close" if step == "abschliessen" else "reopen"
    token = re.search(rf'name="{prefix}-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post(f"/verwaltung/budgets/jahr/{year}/{step}", data={f"{prefix}-csrf_token": token, **data})


def _closed(db, year) -> list[bool]:
    db.session.rollback()
    return [b.closed for b in db.session.execute(sa.select(Budget).filter_by(year=year).order_by(Budget.id)).scalars()]


def test_a_closed_year_takes_no_allocations_and_no_decisions(db, make_budget, make_neighbourhood):
    year = date.today().year - 1
    budget = make_budget(10_000_00, neighbourhood=make_neighbourhood("Huchting"), year=year)
    assert ledger.close_year(year, user=None) == 1
    with pytest.raises(ledger.LedgerError, match="abgeschlossen"):
        ledger.allocate(budget.id, 1_00, user=None)
    with pytest.raises(ledger.LedgerError, match="abgeschlossen"):
        ledger.commit(budget.id, 1_00, user=None)
    assert queries.balance(budget.id).allocated == 10_000_00


def test_the_running_year_cannot_be_closed(db, make_budget, make_neighbourhood):
    year = date.today().year
    make_budget(10_000_00, neighbourhood=make_neighbourhood("Huchting"), year=year)
    with pytest.raises(ledger.LedgerError, match=f"ab dem 1. Januar {year + 1}"):
        ledger.close_year(year, user=None)
    assert _closed(db, year) == [False]


def test_closing_a_year_needs_the_confirmation_then_closes_every_budget_and_is_audited(
        admin, client, db, make_budget, make_neighbourhood, make_programme):
    year = date.today().year - 1
    win, soz = make_programme("WIN"), make_programme("SOZ")
    huchting, grohn = make_neighbourhood("Huchting"), make_neighbourhood("Grohn")
    for nb, programme in ((huchting, win), (huchting, soz), (grohn, win)):
        make_budget(10_000_00, neighbourhood=nb, programme=programme, year=year)
    make_budget(10_000_00, neighbourhood=huchting, programme=win, year=year - 1)  # another year stays open
    page = client.get(f"/verwaltung/budgets/?jahr={year}").get_data(as_text=True)
    assert "zugewiesen 30.000,00\u00a0€" in page and f"Haushaltsjahr {year} abschließen" in page

    refused = _post_year(client, year, "abschliessen", {})
    assert refused.status_code == 422
    assert "Bitte bestätigen Sie, dass Sie die Salden geprüft haben." in refused.get_data(as_text=True)
    assert _closed(db, year) == [False, False, False]

    done = _post_year(client, year, "abschliessen", {"close-confirm": "y"})
    assert done.status_code == 302
    assert _closed(db, year) == [True, True, True] and _closed(db, year - 1) == [False]
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="ledger.close_year")).scalar_one()
    assert event.after == {"year": year, "budgets": 3, "allocated_cents": 30_000_00, "committed_cents": 0,
                           "available_cents": 30_000_00}
    page = client.get(f"/verwaltung/budgets/?jahr={year}").get_data(as_text=True)
    assert f"Das Haushaltsjahr {year} ist abgeschlossen" in page and page.count(">abgeschlossen</span>") == 3


def test_reopening_a_closed_year_needs_a_reason(admin, client, db, make_budget, make_neighbourhood):
    year = date.today().year - 1
    make_budget(10_000_00, neighbourhood=make_neighbourhood("Huchting"), year=year)
    ledger.close_year(year, user=None)
    refused = _post_year(client, year, "oeffnen", {"reopen-reason": "   "})
    assert refused.status_code == 422
    assert "Bitte angeben, warum das Haushaltsjahr wieder geöffnet wird." in refused.get_data(as_text=True)
    assert _closed(db, year) == [True]
    assert _post_year(client, year, "oeffnen", {"reopen-reason": "Irrtümlich abgeschlossen"}).status_code == 302
    assert _closed(db, year) == [False]
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="ledger.reopen_year")).scalar_one()
    assert event.after["reason"] == "Irrtümlich abgeschlossen"


def test_closing_a_year_twice_says_so(db, make_budget, make_neighbourhood):
    year = date.today().year - 1
    make_budget(10_000_00, neighbourhood=make_neighbourhood("Huchting"), year=year)
    ledger.close_year(year, user=None)
    with pytest.raises(ledger.LedgerError, match="kein Budget mehr offen"):
        ledger.close_year(year, user=None)


def test_a_running_year_offers_no_closing_button(admin, client, make_budget, make_neighbourhood):
    year = date.today().year
    make_budget(10_000_00, neighbourhood=make_neighbourhood("Huchting"), year=year)
    page = client.get(f"/verwaltung/budgets/?jahr={year}").get_data(as_text=True)
    assert f"ab dem 1. Januar {year + 1}" in page and "abschliessen" not in page


def test_budgets_are_allocated_only_to_years_applications_can_use(client, db, make_user, auth):
    """One rule for both sides (ledger.years): an allocation to 2031 would be money nobody can apply for."""
    from datetime import date

    from wingrant.ledger.forms import AllocationForm
    from wingrant.ledger.years import usable_years

    this_year = date.today().year
    assert usable_years() == [this_year - 1, this_year, this_year + 1, this_year + 2]
    with client.application.test_request_context():
        form = AllocationForm(formdata=None, meta={"csrf": False})
        form.year.data = this_year + 5
        form.year.errors = []
        try:
            form.validate_year(form.year)
        except Exception as error:  # noqa: BLE001 - WTForms' ValidationError
            message = str(error)
        assert f"{this_year - 1} bis {this_year + 2}" in message

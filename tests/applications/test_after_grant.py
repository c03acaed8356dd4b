"""After the grant: payouts, the proof of use (Verwendungsnachweis) and where unspent money goes."""

from __future__ import annotations

import itertools
import re
import threading
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.applications.models import (
    ApplicationState as S,
)
from wingrant.applications.models import ApplicationTransition
from wingrant.errors import DomainError
from wingrant.extensions import db as _db
from wingrant.funding import queries as funding_queries
from wingrant.funding import rules as funding_rules
from wingrant.funding import services as funding
from wingrant.funding.models import Grant, Payout, UseOfFundsLine, UseOfFundsReport
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import EntryKind, LedgerEntry

from .conftest import YEAR, count, detail_url, error_near, reload

ON = date(YEAR, 6, 1)


@pytest.fixture
def make_granted(db, make_application, make_budget, huchting, win):
    """A granted application: per programme a commitment in the budget of its year and a Grant."""
    from wingrant.ledger import services as ledger

    numbers = itertools.count(1)

    def make(granted=None, *, closed=False, state=S.GRANTED):
        granted = granted or {win: 1_000_00}
        app = make_application(state=state, requests=dict(granted))
        for programme, cents in granted.items():
            budget = make_budget(50_000_00, neighbourhood=huchting, programme=programme, year=YEAR)
            ledger.commit(budget.id, cents, user=None, application_id=app.id, memo="Beschluss")
            db.session.add(Grant(application_id=app.id, programme_id=programme.id, number=f"ZB-{next(numbers)}",
                                 granted_on=date(YEAR, 5, 1), amount_cents=cents))
            if closed:
                budget.closed = True
            db.session.commit()  # before the next budget's unit of work starts afresh
        return app

    return make


def grant_of(db, app, programme=None) -> Grant:
    db.session.rollback()
    query = sa.select(Grant).filter_by(application_id=app.id)
    if programme is not None:
        query = query.filter_by(programme_id=programme.id)
    return db.session.execute(query).scalar_one()


def budget_of(db, programme, huchting):
    from wingrant.ledger.models import Budget

    db.session.rollback()
    return db.session.execute(sa.select(Budget).filter_by(neighbourhood_id=huchting.id, programme_id=programme.id,
                                                          year=YEAR)).scalar_one()


def pay(db, app, cents, user, programme=None):
    return funding.record_payout(app, grant_of(db, app, programme).id, cents, ON, user=user)


def report(db, app, user, *, spent, actual=2_000_00):
    db.session.rollback()
    grants = db.session.execute(sa.select(Grant).filter_by(application_id=app.id).order_by(Grant.id)).scalars().all()
    spent = spent if isinstance(spent, dict) else {grants[0].programme_id: spent}
    return funding.submit_report(app, submitted_on=date(YEAR, 12, 1), actual_cost_cents=actual,
                                     spent={g.id: spent[g.programme_id] for g in grants}, user=user)


def states(db, app) -> list[S]:
    db.session.rollback()
    return db.session.execute(sa.select(ApplicationTransition.to_state).filter_by(application_id=app.id)
                              .order_by(ApplicationTransition.id)).scalars().all()


# --- payouts --------------------------------------------------------------------------------


def test_payouts_never_exceed_the_grant_in_total(db, make_granted, manager):
    app = make_granted()
    pay(db, app, 600_00, manager)
    with pytest.raises(funding.InvalidAfterGrant) as refused:
        pay(db, app, 500_00, manager)
    assert refused.value.problems[0].message == (
        "Es können höchstens noch 400,00\u00a0€ ausgezahlt werden: Bewilligt sind 1.000,00\u00a0€, ausgezahlt sind "
        "600,00\u00a0€.")
    pay(db, app, 400_00, manager)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.sum(Payout.amount_cents))).scalar_one() == 1_000_00
    with pytest.raises(funding.InvalidAfterGrant):
        pay(db, app, 1, manager)


def test_the_first_payout_sets_the_granted_project_running(db, make_granted, manager):
    app = make_granted()
    pay(db, app, 100_00, manager)
    assert reload(db, app).state == S.RUNNING
    assert states(db, app)[-1] == S.RUNNING
    pay(db, app, 100_00, manager)
    assert states(db, app).count(S.RUNNING) == 1


def test_nothing_is_paid_out_before_the_grant_without_a_grant_or_after_closing(db, make_application, make_granted,
                                                                               manager):
    approved = make_application(state=S.APPROVED)
    with pytest.raises(DomainError, match="Ausgezahlt werden kann nur"):
        funding.record_payout(approved, 1, 100_00, ON, user=manager)
    imported = make_application(state=S.GRANTED)  # e.g. imported history: the state, but no Zuwendungsbescheid
    with pytest.raises(DomainError, match="keine Bewilligung"):
        funding.record_payout(imported, 1, 100_00, ON, user=manager)
    closed = make_granted(state=S.CLOSED)
    with pytest.raises(DomainError, match="Ausgezahlt werden kann nur"):
        pay(db, closed, 100_00, manager)
    assert count(db, Payout) == 0


def test_a_grant_of_another_application_cannot_be_paid_out_through_this_one(db, make_granted, manager):
    mine, other = make_granted(), make_granted()
    with pytest.raises(funding.InvalidAfterGrant) as refused:
        funding.record_payout(mine, grant_of(db, other).id, 100_00, ON, user=manager)
    assert [p.field for p in refused.value.problems] == ["grant_id"]
    assert count(db, Payout) == 0


@pytest.fixture
def slow_sums(monkeypatch):
    """Widen the window between reading what was paid out and booking the payout, as a slow server would:
    without the lock on the application, parallel requests would all see the same sum and overpay."""
    import time

    real = funding_queries.grant_rows

    def slow(application):
        rows = real(application)
        time.sleep(0.02)
        return rows

    monkeypatch.setattr(funding, "grant_rows", slow)


def test_parallel_payouts_never_exceed_the_grant(app, db, make_granted, make_user, slow_sums):
    admin = make_user(is_admin=True)
    actor = SimpleNamespace(id=admin.id, is_authenticated=True, is_admin=True, name="Verwaltung")
    application = make_granted()
    grant_id = grant_of(db, application).id
    barrier, outcomes, lock = threading.Barrier(8), [], threading.Lock()

    def worker():
        with app.app_context():
            barrier.wait()
            try:
                funding.record_payout(application, grant_id, 300_00, ON, user=actor)
                result = "ok"
            except funding.InvalidAfterGrant:
                result = "refused"
            except Exception as error:  # pragma: no cover - reported by the assertion
                result = f"error: {error!r}"
            with lock:
                outcomes.append(result)
            _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 5
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.sum(Payout.amount_cents))).scalar_one() == 900_00


# --- the proof of use -------------------------------------------------------------------------


def test_the_proof_of_use_moves_a_running_project_to_report_submitted(db, make_granted, manager):
    app = make_granted()
    pay(db, app, 1_000_00, manager)
    saved = report(db, app, manager, spent=800_00, actual=1_900_00)
    assert reload(db, app).state == S.REPORT_SUBMITTED
    assert (saved.actual_cost_cents, saved.spent_cents, saved.repayment_claim_cents) == (1_900_00, 800_00, 0)
    assert states(db, app)[-2:] == [S.RUNNING, S.REPORT_SUBMITTED]


def test_a_proof_of_use_without_any_payout_runs_the_project_first(db, make_granted, manager):
    app = make_granted()
    report(db, app, manager, spent=0)
    assert states(db, app)[-3:] == [S.GRANTED, S.RUNNING, S.REPORT_SUBMITTED]


def test_spent_programme_money_may_not_exceed_the_grant(db, make_granted, manager):
    app = make_granted()
    with pytest.raises(funding.InvalidAfterGrant) as refused:
        report(db, app, manager, spent=1_000_01)
    problem, = refused.value.problems
    assert problem.message == "Ausgegeben werden können höchstens die bewilligten 1.000,00\u00a0€."
    assert reload(db, app).state == S.GRANTED
    assert count(db, UseOfFundsReport) == 0


def test_spent_programme_money_may_not_exceed_the_actual_costs(db, make_granted, manager):
    app = make_granted()
    with pytest.raises(funding.InvalidAfterGrant) as refused:
        report(db, app, manager, spent=900_00, actual=800_00)
    assert [p.field for p in refused.value.problems] == ["actual_cost"]
    assert "nicht höher sein als die tatsächlichen Gesamtkosten (800,00\u00a0€)" in refused.value.problems[0].message


def test_a_proof_of_use_sent_back_for_correction_can_be_corrected(db, make_granted, manager):
    app = make_granted()
    report(db, app, manager, spent=700_00)
    with pytest.raises(DomainError) as no_reason:
        funding.return_report(app, user=manager, reason="  ")
    assert no_reason.value.field == "reason"
    funding.return_report(app, user=manager, reason="Belege für die Honorare fehlen")
    assert reload(db, app).state == S.RUNNING
    report(db, app, manager, spent=750_00)
    assert reload(db, app).state == S.REPORT_SUBMITTED
    assert count(db, UseOfFundsReport) == 1
    assert db.session.execute(sa.select(UseOfFundsLine.spent_cents)).scalars().all() == [750_00]


def test_after_the_proof_of_use_at_most_the_spent_money_is_paid_out(db, make_granted, manager):
    app = make_granted()
    pay(db, app, 500_00, manager)
    report(db, app, manager, spent=600_00)
    with pytest.raises(funding.InvalidAfterGrant) as refused:
        pay(db, app, 200_00, manager)
    assert "Laut Verwendungsnachweis wurden 600,00\u00a0€ ausgegeben" in refused.value.problems[0].message
    pay(db, app, 100_00, manager)  # the final payment (Schlusszahlung)


# --- closing: where unspent money goes --------------------------------------------------------


def _released(db, app) -> int:
    db.session.rollback()
    return int(db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).filter_by(
        application_id=app.id, kind=EntryKind.RELEASE)).scalar_one())


def test_accepting_the_proof_of_use_closes_and_gives_unspent_money_back_to_the_budget_of_its_year(
        db, make_granted, manager, win, huchting):
    app = make_granted()
    budget = budget_of(db, win, huchting)
    available = ledger_queries.balance(budget.id).available
    pay(db, app, 700_00, manager)
    report(db, app, manager, spent=700_00)
    closed = funding.accept_report(app, user=manager)
    assert reload(db, app).state == S.CLOSED
    assert _released(db, app) == 300_00
    assert ledger_queries.balance(budget.id).available == available + 300_00
    assert closed.repayment_claim_cents == 0
    line = db.session.execute(sa.select(UseOfFundsLine)).scalar_one()
    assert (line.released_cents, line.repayment_claim_cents) == (300_00, 0)


def test_money_paid_out_but_not_spent_is_claimed_back_from_the_traeger(db, make_granted, manager):
    app = make_granted()
    pay(db, app, 1_000_00, manager)
    report(db, app, manager, spent=700_00)
    closed = funding.accept_report(app, user=manager)
    assert _released(db, app) == 300_00  # the budget of the open year can plan with it again …
    assert closed.repayment_claim_cents == 300_00  # … and the Träger has to pay it back


def test_in_a_closed_year_unspent_money_is_not_released_but_claimed_back(db, make_granted, manager, win, huchting):
    app = make_granted(closed=True)
    entries = count(db, LedgerEntry)
    pay(db, app, 1_000_00, manager)
    report(db, app, manager, spent=700_00)
    closed = funding.accept_report(app, user=manager)
    assert reload(db, app).state == S.CLOSED
    assert count(db, LedgerEntry) == entries
    assert closed.repayment_claim_cents == 300_00


def test_in_a_closed_year_money_that_was_never_paid_out_is_not_claimed(db, make_granted, manager):
    app = make_granted(closed=True)
    pay(db, app, 700_00, manager)
    report(db, app, manager, spent=700_00)
    closed = funding.accept_report(app, user=manager)
    assert _released(db, app) == 0
    assert closed.repayment_claim_cents == 0
    assert funding_rules.settle(granted_cents=1_000_00, spent_cents=700_00, paid_cents=700_00,
                              budget_open=False).lapsed_cents == 300_00


def test_each_programme_gives_its_rest_back_to_its_own_budget(db, make_granted, manager, win, soz, huchting):
    app = make_granted({win: 1_000_00, soz: 2_000_00})
    pay(db, app, 1_000_00, manager, win)
    pay(db, app, 1_500_00, manager, soz)
    report(db, app, manager, spent={win.id: 1_000_00, soz.id: 1_500_00}, actual=5_000_00)
    funding.accept_report(app, user=manager)
    released = dict(db.session.execute(sa.select(LedgerEntry.budget_id, LedgerEntry.amount_cents).filter_by(
        application_id=app.id, kind=EntryKind.RELEASE)).all())
    assert released == {budget_of(db, soz, huchting).id: 500_00}


def test_only_a_submitted_proof_of_use_can_be_accepted(db, make_granted, manager):
    app = make_granted()
    pay(db, app, 100_00, manager)
    with pytest.raises(DomainError, match="kein eingereichter Verwendungsnachweis"):
        funding.accept_report(app, user=manager)
    assert reload(db, app).state == S.RUNNING


# --- the page -------------------------------------------------------------------------------


def page_url(app, slug="huchting") -> str:
    return f"{detail_url(app, slug)}/abwicklung"


def post(client, app, step, prefix, data):
    """Press a button of the page: each of its forms carries its own (prefixed) CSRF field."""
    token = csrf_token_from(client.get(page_url(app)).get_data(as_text=True))
    return client.post(f"{page_url(app)}/{step}", data={f"{prefix}-csrf_token": token, **data})


def test_a_payout_over_the_grant_shows_the_german_message_at_the_amount(as_manager, db, make_granted):
    app = make_granted()
    grant_id = str(grant_of(db, app).id)
    response = post(as_manager, app, "auszahlung", "payout", {
        "payout-grant_id": grant_id, "payout-paid_on": "2026-06-01", "payout-amount": "1.000,01"})
    assert response.status_code == 422
    assert error_near(response.get_data(as_text=True), "payout-amount").startswith(
        "Es können höchstens noch 1.000,00\u00a0€ ausgezahlt werden")
    assert count(db, Payout) == 0
    ok = post(as_manager, app, "auszahlung", "payout", {
        "payout-grant_id": grant_id, "payout-paid_on": "01.06.2026", "payout-amount": "250"})
    assert ok.status_code == 302
    assert "250,00\u00a0€" in as_manager.get(page_url(app)).get_data(as_text=True)
    assert reload(db, app).state == S.RUNNING


def test_the_proof_of_use_form_takes_german_amounts_and_closing_releases_the_rest(as_manager, db, make_granted):
    app = make_granted()
    field = f"report-spent_{grant_of(db, app).id}"
    response = post(as_manager, app, "verwendungsnachweis", "report", {
        "report-submitted_on": "2026-12-01", "report-actual_cost": "1.800,00", field: "1.250,00"})
    assert response.status_code == 422
    assert error_near(response.get_data(as_text=True), field) == (
        "Ausgegeben werden können höchstens die bewilligten 1.000,00\u00a0€.")
    post(as_manager, app, "verwendungsnachweis", "report", {
        "report-submitted_on": "2026-12-01", "report-actual_cost": "1.800,00", field: "900"})
    assert reload(db, app).state == S.REPORT_SUBMITTED
    post(as_manager, app, "abschluss", "accept", {})
    assert reload(db, app).state == S.CLOSED
    assert _released(db, app) == 100_00
    assert "Abgeschlossen" in as_manager.get(page_url(app)).get_data(as_text=True)


def test_sending_the_proof_of_use_back_needs_a_reason_at_the_field(as_manager, db, make_granted, manager):
    app = make_granted()
    report(db, app, manager, spent=500_00)
    response = post(as_manager, app, "korrektur", "back", {"back-reason": ""})
    assert response.status_code == 422
    assert error_near(response.get_data(as_text=True), "back-reason") == (
        "Bitte angeben, was am Verwendungsnachweis zu korrigieren ist.")
    post(as_manager, app, "korrektur", "back", {"back-reason": "Belege fehlen"})
    assert reload(db, app).state == S.RUNNING


def test_the_detail_page_of_a_granted_application_links_to_the_after_grant_page(as_manager, db, make_granted,
                                                                               make_application):
    granted, draft = make_granted(), make_application()
    assert page_url(granted) in as_manager.get(detail_url(granted)).get_data(as_text=True)
    assert page_url(draft) not in as_manager.get(detail_url(draft)).get_data(as_text=True)


def test_a_reader_sees_the_page_but_cannot_pay_out(client, auth, db, reader, make_granted):
    from .conftest import any_token, login

    app = make_granted()
    login(db, auth, reader)
    page = client.get(page_url(app))
    assert page.status_code == 200
    assert "Auszahlung erfassen" not in page.get_data(as_text=True)
    response = client.post(f"{page_url(app)}/auszahlung", data={
        "csrf_token": any_token(client), "payout-grant_id": str(grant_of(db, app).id),
        "payout-paid_on": "2026-06-01", "payout-amount": "100"})
    assert response.status_code == 403
    assert count(db, Payout) == 0


def test_another_neighbourhood_cannot_reach_the_page_or_pay_out(client, auth, db, other_manager, make_granted):
    from .conftest import any_token, login

    app = make_granted()
    login(db, auth, other_manager)
    assert client.get(page_url(app)).status_code == 403
    assert client.get(page_url(app, slug="groepelingen")).status_code == 404  # not an application of theirs
    for step in ("auszahlung", "verwendungsnachweis", "abschluss", "korrektur"):
        response = client.post(f"{page_url(app, slug='groepelingen')}/{step}",
                               data={"csrf_token": any_token(client), "payout-amount": "100"})
        assert response.status_code == 404
    assert count(db, Payout) == 0


def test_the_closed_page_says_where_the_unspent_money_went(as_manager, db, make_granted, manager, soz):
    open_year, closed_year = make_granted(), make_granted({soz: 1_000_00}, closed=True)  # budgets: WIN open, SOZ closed
    for app in (open_year, closed_year):
        pay(db, app, 1_000_00, manager)
        report(db, app, manager, spent=600_00)
        funding.accept_report(app, user=manager)
    shown = as_manager.get(page_url(open_year)).get_data(as_text=True)
    assert "zurück ins Budget 2026 gebucht (Rückfluss)" in shown
    closed = as_manager.get(page_url(closed_year)).get_data(as_text=True)
    assert "nicht zurückgebucht: Das Haushaltsjahr 2026 ist abgeschlossen" in closed
    assert re.search(r"Rückforderung vom Träger</dt><dd>400,00\u00a0€", closed)


def _timeline(html: str) -> list[str]:
    section = html[html.index('id="timeline-title"'):]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split())  # (NBSPs become spaces too)
            for item in re.findall(r'<li class="event[^"]*">(.*?)</li>', section, re.S)]


def test_grants_and_payouts_appear_in_the_timeline_in_order(as_manager, db, make_granted, manager, win, soz):
    app = make_granted({win: 1_000_00, soz: 2_000_00})
    pay(db, app, 400_00, manager, win)
    funding.record_payout(app, grant_of(db, app, soz).id, 2_000_00, date(YEAR, 7, 15), user=manager,
                              memo="Zweite Rate für die Bühne")
    events = _timeline(as_manager.get(detail_url(app)).get_data(as_text=True))
    grants = [e for e in events if "Zuwendungsbescheid" in e]
    payouts = [e for e in events if "Ausgezahlt am" in e]
    assert len(grants) == 2 and len(payouts) == 2, events
    assert any("ZB-1 vom 01.05.2026: 1.000,00 € aus WiN" in g for g in grants)
    assert any("ZB-2 vom 01.05.2026: 2.000,00 € aus Soziale Stadt" in g for g in grants)
    assert "Ausgezahlt am 01.06.2026: 400,00 € aus WiN (Bescheid ZB-1)" in payouts[0]
    assert "Maren Hollmann" in payouts[0]
    assert "Ausgezahlt am 15.07.2026: 2.000,00 € aus Soziale Stadt (Bescheid ZB-2)" in payouts[1]
    assert "Zweite Rate für die Bühne" in payouts[1]
    assert events.index(payouts[0]) > max(events.index(g) for g in grants)


def test_timeline_queries_do_not_grow_with_payouts(as_manager, db, make_granted, manager, count_queries):
    app = make_granted()
    with count_queries() as few:
        as_manager.get(detail_url(app))
    for _ in range(3):
        pay(db, app, 100_00, manager)
    with count_queries() as many:
        as_manager.get(detail_url(app))
    assert many.count == few.count

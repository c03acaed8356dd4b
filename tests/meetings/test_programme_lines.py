"""Programme lines (Förderschienen) and programme owners (issue 21): budgets per line, requests that
name a line, decisions and grants booked on the line's budget, balances rolled up to the programme,
and an owner who decides its own programme's referred cases and grants, nothing else."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import AuthActions, IsolatedClient
from tests.meetings.conftest import YEAR, item_for, post
from wingrant.applications.models import Application, FundingSource
from wingrant.applications.models import ApplicationState as S
from wingrant.auth.models import ProgrammeOwner
from wingrant.errors import DomainError
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger import services as ledger
from wingrant.ledger.models import Budget
from wingrant.meetings import administration, decisions, services
from wingrant.meetings.models import Outcome
from wingrant.minutes.budget_lines import budget_lines
from wingrant.neighbourhoods.models import ProgrammeLine


@pytest.fixture
def topf(db, forum, make_programme, make_user):
    """The Innovationstopf with two lines: Kleinprojekte 5.000 €, Beteiligung 8.000 € in the forum's
    neighbourhood; its owner at the Senatskanzlei; an administrator."""
    inno = make_programme("INNO", name="Innovationstopf", position=5)
    small = ProgrammeLine(programme_id=inno.id, code="KLEIN", name="Kleinprojekte", position=0)
    part = ProgrammeLine(programme_id=inno.id, code="BETEIL", name="Beteiligung", position=1)
    db.session.add_all([small, part])
    db.session.commit()
    admin = make_user("admin@example.org", is_admin=True)
    owner = make_user("topf@example.org", name="Senatskanzlei")
    db.session.add(ProgrammeOwner(user_id=owner.id, programme_id=inno.id))
    db.session.commit()
    budgets = {}
    for line, euros in ((small, 5_000), (part, 8_000)):
        entry = ledger.allocate_to(forum.neighbourhood.id, inno.id, YEAR, euros * 100, user=admin, line_id=line.id)
        budgets[line.code] = db.session.get(Budget, entry.budget_id)
    return inno, small, part, budgets, owner, admin


def _asking(db, make_application, forum, requested, line=None):
    application = make_application(neighbourhood=forum.neighbourhood, requested=requested)
    if line is not None:
        for item in application.financing_items:
            if item.source == FundingSource.PROGRAMME and item.programme_id == line.programme_id:
                item.line_id = line.id
        db.session.commit()
    return application


def _decide(db, forum, application, outcome=Outcome.APPROVED):
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    item = item_for(db, forum.meeting, application)
    if outcome == Outcome.REFERRED:
        decisions.record_objection(forum.meeting, item.id, decisions.ObjectionData(group="residents"),
                                   user=forum.manager)
    return item, decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(outcome), user=forum.manager)


def _available(budget) -> int:
    return ledger_queries.balance(budget.id).available


def test_one_budget_per_neighbourhood_programme_line_and_year_even_with_null_lines(db, forum, topf):
    inno, small, part, budgets, owner, admin = topf
    db.session.add(Budget(neighbourhood_id=forum.neighbourhood.id, programme_id=forum.win.id, year=YEAR))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Budget(neighbourhood_id=forum.neighbourhood.id, programme_id=inno.id, line_id=small.id, year=YEAR))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    ledger.get_or_create_budget(forum.neighbourhood, inno, YEAR + 1, line_id=part.id)  # another year: fine


def test_a_programme_with_lines_takes_money_only_on_one_of_its_lines(db, forum, topf):
    inno, small, part, budgets, owner, admin = topf
    with pytest.raises(DomainError, match="Förderschiene wählen"):
        ledger.allocate_to(forum.neighbourhood.id, inno.id, YEAR, 100_00, user=admin)
    with pytest.raises(DomainError, match="gehört nicht zu"):
        ledger.allocate_to(forum.neighbourhood.id, forum.win.id, YEAR, 100_00, user=admin, line_id=small.id)


def test_a_decision_books_on_the_line_the_request_names_and_cannot_overspend_it(db, forum, topf, make_application):
    inno, small, part, budgets, owner, admin = topf
    application = _asking(db, make_application, forum, {inno: 4_000_00}, line=small)
    _decide(db, forum, application)
    assert _available(budgets["KLEIN"]) == 1_000_00
    assert _available(budgets["BETEIL"]) == 8_000_00
    # 2.000 € more from Kleinprojekte: the programme has 9.000 € left, the line only 1.000 €.
    second = _asking(db, make_application, forum, {inno: 2_000_00}, line=small)
    with pytest.raises(ledger.InsufficientFunds, match="Kleinprojekte"):
        _decide(db, forum, second)
    assert _available(budgets["KLEIN"]) == 1_000_00


def test_a_request_of_a_programme_with_lines_must_name_its_line(db, forum, topf, make_application):
    inno, *_ = topf
    application = _asking(db, make_application, forum, {inno: 1_000_00})
    with pytest.raises(DomainError, match="Förderschiene"):
        _decide(db, forum, application)


def test_balances_and_the_minutes_roll_the_lines_up_to_the_programme(db, forum, topf, make_application):
    inno, small, part, budgets, owner, admin = topf
    _decide(db, forum, _asking(db, make_application, forum, {inno: 3_000_00}, line=part))
    rows = [r for r in ledger_queries.budget_overview(YEAR, [forum.neighbourhood.id]) if r.programme.id == inno.id]
    assert len(rows) == 1
    assert (rows[0].balance.allocated, rows[0].balance.available) == (13_000_00, 10_000_00)
    assert [(r.line.code, r.balance.available) for r in rows[0].lines] == [("KLEIN", 5_000_00), ("BETEIL", 5_000_00)]
    table = [b for b in budget_lines(forum.meeting, {YEAR}) if b.programme_id == inno.id]
    assert len(table) == 1 and table[0].committed_here == 3_000_00
    assert [(b.line_name, b.committed_here) for b in table[0].lines] == [("Kleinprojekte", 0),
                                                                          ("Beteiligung", 3_000_00)]


def test_the_programme_owner_decides_referred_cases_of_its_programme_only(db, forum, topf, make_application):
    inno, small, part, budgets, owner, admin = topf
    _item, ours = _decide(db, forum, _asking(db, make_application, forum, {inno: 2_000_00}, line=small),
                          Outcome.REFERRED)
    _item, win_case = _decide(db, forum, _asking(db, make_application, forum, {forum.win: 1_000_00}),
                              Outcome.REFERRED)
    _item, mixed = _decide(db, forum, _asking(db, make_application, forum, {inno: 1_000_00, forum.win: 1_000_00},
                                              line=part), Outcome.REFERRED)
    for decision in (win_case, mixed):
        with pytest.raises(DomainError, match="zuständige Stelle"):
            administration.record_admin_decision(decision.id, decisions.OutcomeData(Outcome.APPROVED), user=owner)
    administration.record_admin_decision(ours.id, decisions.OutcomeData(Outcome.APPROVED), user=owner)
    assert _available(budgets["KLEIN"]) == 3_000_00
    db.session.expire_all()
    assert db.session.get(Application, ours.application_id).state == S.APPROVED
    administration.record_admin_decision(mixed.id, decisions.OutcomeData(Outcome.APPROVED), user=admin)


def test_the_programme_owner_grants_its_programme_and_a_smaller_grant_returns_to_the_line(db, forum, topf,
                                                                                           make_application):
    inno, small, part, budgets, owner, admin = topf
    _item, decision = _decide(db, forum, _asking(db, make_application, forum, {inno: 4_000_00}, line=part))
    _item, win_decision = _decide(db, forum, _asking(db, make_application, forum, {forum.win: 1_000_00}))
    with pytest.raises(DomainError, match="zuständige Stelle"):
        administration.record_grant(win_decision.id, [administration.GrantLine(
            forum.win.id, "ZB-W-1", date(YEAR, 12, 1), 1_000_00)], user=owner)
    administration.record_grant(decision.id, [administration.GrantLine(
        inno.id, "SK-2026-1", date(YEAR, 12, 1), 3_500_00)], user=owner)
    assert _available(budgets["BETEIL"]) == 4_500_00


def _login(app, email):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def test_the_programme_owner_sees_its_programmes_budgets_and_cases_and_nothing_else(app, db, forum, topf,
                                                                                  make_application):
    inno, small, part, budgets, owner, admin = topf
    item, _decision = _decide(db, forum, _asking(db, make_application, forum, {inno: 2_000_00}, line=small),
                              Outcome.REFERRED)
    win_item, _win = _decide(db, forum, _asking(db, make_application, forum, {forum.win: 1_000_00}),
                             Outcome.REFERRED)
    client = _login(app, "topf@example.org")
    index = client.get(f"/verwaltung/budgets/?jahr={YEAR}").get_data(as_text=True)
    assert "Kleinprojekte" in index and "Beteiligung" in index
    assert ">WIN<" not in index and ">SOZ<" not in index
    assert "Mittel zuweisen" not in index
    assert client.get(f"/verwaltung/budgets/{budgets['KLEIN'].id}").status_code == 200
    assert client.get(f"/verwaltung/budgets/{forum.win_budget.id}").status_code == 403
    assert post(client, f"/verwaltung/budgets/?jahr={YEAR}", {"amount": "100"}).status_code == 403
    cases = client.get("/verwaltung/programmfaelle/").get_data(as_text=True)
    assert item.application.title in cases and win_item.application.title not in cases
    assert client.get(f"{forum.base}/top/{item.id}/verwaltung").status_code == 200
    assert client.get(f"{forum.base}/top/{win_item.id}/verwaltung").status_code == 403
    assert client.get(f"/quartiere/{forum.neighbourhood.slug}/antraege").status_code in (403, 404)
    response = post(client, f"{forum.base}/top/{item.id}/verwaltung/entscheidung", {"outcome": "approved"},
                    prefix="admin", follow_redirects=True)
    assert "Die Entscheidung der Geschäftsführung ist erfasst" in response.get_data(as_text=True)
    db.session.rollback()  # the test's read transaction would still see the ledger before the request
    assert _available(budgets["KLEIN"]) == 3_000_00


def test_the_administration_assigns_departments_lines_and_owners(app, db, forum, topf, make_user):
    inno, small, part, budgets, owner, admin = topf
    client = _login(app, "admin@example.org")
    post(client, "/verwaltung/programme/ressorts", {"name": "Senatskanzlei", "short_name": "SK"})
    from wingrant.neighbourhoods.models import Department, Programme

    db.session.rollback()
    department = db.session.execute(sa.select(Department)).scalar_one()
    post(client, f"/verwaltung/programme/{inno.id}/ressort", {"department": str(department.id)})
    post(client, f"/verwaltung/programme/{inno.id}/schienen", {"code": "quartier", "name": "Quartiere im Werden"})
    make_user("zweite@example.org")
    post(client, f"/verwaltung/programme/{inno.id}/verantwortliche", {"email": "Zweite@example.org"})
    page = client.get("/verwaltung/programme/").get_data(as_text=True)
    assert "Quartiere im Werden" in page and "zweite@example.org" in page
    db.session.rollback()
    assert db.session.get(Programme, inno.id).department_id == department.id
    assert [line.code for line in db.session.get(Programme, inno.id).lines] == ["KLEIN", "BETEIL", "QUARTIER"]
    refused = post(client, f"/verwaltung/programme/{inno.id}/verantwortliche", {"email": "niemand@example.org"},
                   follow_redirects=True)
    assert "Ein Konto mit dieser E-Mail-Adresse gibt es nicht." in refused.get_data(as_text=True)
    assert _login(app, "topf@example.org").get("/verwaltung/programme/").status_code == 403


def test_an_application_names_the_line_it_asks_of_and_must_name_one_before_the_forum(db, forum, topf,
                                                                                      make_organisation):
    from wingrant.applications import rules
    from wingrant.applications import services as application_services
    from wingrant.applications.models import CostCategory

    inno, small, part, budgets, owner, admin = topf
    organisation = make_organisation()

    def data(**lines):
        return rules.ApplicationInput(
            organisation_id=organisation.id, title="Nachbarschaftsfest", year=YEAR, summary="Ein Fest.",
            description="Ein Fest für alle.", start_date=date(YEAR, 6, 1), end_date=date(YEAR, 6, 2),
            costs=[rules.CostLine(CostCategory.MATERIAL, "Zelt", 1_000_00)], requests={inno.id: 1_000_00},
            request_lines=lines.get("lines", {}))

    without = application_services.create_application(forum.neighbourhood, data(), user=forum.manager)
    problems = application_services.problems_before_forum(without)
    assert [p.field for p in problems if "Förderschiene" in p.message] == [f"line_{inno.id}"]
    with pytest.raises(DomainError):  # a line of another programme
        application_services.create_application(forum.neighbourhood, data(lines={forum.win.id: small.id}),
                                                user=forum.manager)
    named = application_services.create_application(forum.neighbourhood, data(lines={inno.id: part.id}),
                                                    user=forum.manager)
    assert named.line_for(inno.id) == part.id
    assert not [p for p in application_services.problems_before_forum(named) if "Förderschiene" in p.message]


def test_a_referred_case_is_mailed_to_the_owner_of_the_programme_it_asks_of(db, forum, topf, make_application):
    from wingrant.mail.models import OutboxMail

    inno, small, part, budgets, owner, admin = topf
    _decide(db, forum, _asking(db, make_application, forum, {inno: 1_000_00}, line=small), Outcome.REFERRED)
    _decide(db, forum, _asking(db, make_application, forum, {inno: 1_000_00, forum.win: 1_000_00}, line=small),
            Outcome.REFERRED)
    db.session.rollback()
    mails = db.session.execute(sa.select(OutboxMail.recipient, OutboxMail.body_text)
                               .where(OutboxMail.kind == "admin.referral").order_by(OutboxMail.id)).all()
    # The INNO case reaches the administrator and the owner; the mixed case only the administrator.
    assert [recipient for recipient, _body in mails] == ["admin@example.org", "topf@example.org", "admin@example.org"]
    assert "/verwaltung/programmfaelle/" in mails[1].body_text

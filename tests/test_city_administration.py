"""A city administrator (``User.admin_city_id``) administers one city: its neighbourhoods, budgets,
accounts, mail and audit trail; another city's objects do not exist for them, and what spans every
city (the cities, closing the budget year) stays with the WiN-Geschäftsführung."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.audit.models import AuditEvent
from wingrant.auth.models import Role
from wingrant.auth.permissions import Action, can, neighbourhood_ids_for
from wingrant.mail.models import OutboxMail
from wingrant.neighbourhoods.models import City, Neighbourhood

YEAR = 2026


@pytest.fixture
def cities(db, make_neighbourhood, make_budget, make_user):
    huchting = make_neighbourhood("Huchting", code="HUC")  # the first city, Bremen, is made on demand
    bremerhaven = City(slug="bremerhaven", name="Bremerhaven", ags="04012000", position=2)
    db.session.add(bremerhaven)
    db.session.commit()
    lehe = make_neighbourhood("Lehe", code="LEH", city_id=bremerhaven.id)
    budgets = {nb.slug: make_budget(10_000_00, neighbourhood=nb, year=YEAR) for nb in (huchting, lehe)}
    people = {
        "global": make_user("gf@example.org", is_admin=True),
        "city": make_user("stadt@example.org", is_admin=True, admin_city_id=bremerhaven.id),
        "qm_huchting": make_user("qm.huchting@example.org", roles={huchting: Role.MANAGER}),
        "qm_lehe": make_user("qm.lehe@example.org", roles={lehe: Role.MANAGER}),
    }
    return huchting, lehe, bremerhaven, budgets, people


def test_every_neighbourhood_lies_in_a_city_and_the_first_is_bremen(db, cities):
    huchting, lehe, bremerhaven, *_ = cities
    assert (huchting.city.slug, huchting.city.ags) == ("bremen", "04011000")
    assert lehe.city_id == bremerhaven.id


def test_city_administrator_may_administer_the_own_city_only(app, cities):
    huchting, lehe, _city, _budgets, people = cities
    with app.test_request_context():
        city_admin = people["city"]
        assert can(city_admin, lehe.id, Action.ADMINISTER) and can(city_admin, lehe.id, Action.READ)
        assert not can(city_admin, huchting.id, Action.READ)
        assert not can(city_admin, huchting.id, Action.ADMINISTER)
        assert neighbourhood_ids_for(city_admin, Action.ADMINISTER) == [lehe.id]
        assert neighbourhood_ids_for(people["global"], Action.ADMINISTER) is None


def test_city_administrator_sees_and_books_the_own_citys_budgets_only(client, auth, cities):
    huchting, lehe, _city, budgets, _people = cities
    auth.login("stadt@example.org")
    page = client.get(f"/verwaltung/budgets/?jahr={YEAR}").get_data(as_text=True)
    assert "Lehe" in page and "Huchting" not in page
    assert "abschließen" not in page  # the year is closed for every city by the Geschäftsführung
    assert client.get(f"/verwaltung/budgets/{budgets['huchting'].id}").status_code == 404
    assert client.get(f"/verwaltung/budgets/{budgets['lehe'].id}").status_code == 200
    token = csrf_token_from(page)
    refused = client.post(f"/verwaltung/budgets/?jahr={YEAR}", data={
        "csrf_token": token, "neighbourhood": huchting.id, "programme": budgets["huchting"].programme_id,
        "year": YEAR, "amount": "100"})
    assert refused.status_code == 422  # Huchting is no choice for Bremerhaven's administrator
    closing = client.post(f"/verwaltung/budgets/jahr/{YEAR}/abschliessen", data={"csrf_token": token,
                                                                                  "close-confirm": "y"})
    assert closing.status_code == 403


def test_city_administrator_manages_the_accounts_of_the_own_city_only(client, auth, db, cities):
    huchting, lehe, _city, _budgets, people = cities
    auth.login("stadt@example.org")
    page = client.get("/verwaltung/benutzer/").get_data(as_text=True)
    assert "qm.lehe@example.org" in page
    assert "qm.huchting@example.org" not in page and "gf@example.org" not in page
    assert client.get(f"/verwaltung/benutzer/{people['qm_huchting'].id}").status_code == 404
    assert client.get(f"/verwaltung/benutzer/{people['global'].id}").status_code == 404
    detail = client.get(f"/verwaltung/benutzer/{people['qm_lehe'].id}")
    assert detail.status_code == 200
    token = csrf_token_from(detail.get_data(as_text=True))
    client.post(f"/verwaltung/benutzer/{people['qm_lehe'].id}",
                data={"csrf_token": token, "neighbourhood": huchting.id, "role": "manager"})
    db.session.rollback()
    assert people["qm_lehe"].role_in(huchting.id) is None  # no role handed out in another city


def test_city_administrator_creates_accounts_and_administrators_of_the_own_city(client, auth, db, cities):
    from wingrant.auth.models import User

    _huchting, lehe, bremerhaven, _budgets, _people = cities
    auth.login("stadt@example.org")
    token = csrf_token_from(client.get("/verwaltung/benutzer/neu").get_data(as_text=True))
    response = client.post("/verwaltung/benutzer/neu", data={
        "csrf_token": token, "email": "neu@example.org", "name": "Neu", "password": "lange genug und sicher 42",
        "is_admin": "y", "admin_city": bremerhaven.id, "neighbourhood": lehe.id, "role": "reader"})
    assert response.status_code == 302
    db.session.rollback()  # a new snapshot: the request wrote through its own connection
    created = db.session.execute(sa.select(User).filter_by(email="neu@example.org")).scalar_one()
    assert created.is_admin and created.admin_city_id == bremerhaven.id  # never a global administrator


def test_cities_are_the_geschaeftsfuehrungs(client, auth, db, cities):
    huchting, _lehe, bremerhaven, _budgets, _people = cities
    auth.login("stadt@example.org")
    assert client.get("/verwaltung/staedte").status_code == 403
    auth.logout()
    auth.login("gf@example.org")
    page = client.get("/verwaltung/staedte")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    wrong = client.post("/verwaltung/staedte", data={"csrf_token": token, "name": "Hamburg", "slug": "hamburg",
                                                     "ags": "0200000", "position": "3"})
    assert wrong.status_code == 422 and "acht Ziffern" in wrong.get_data(as_text=True)
    assert client.post("/verwaltung/staedte", data={"csrf_token": token, "name": "Hamburg", "slug": "hamburg",
                                                    "ags": "02000000", "position": "3"}).status_code == 302
    assert client.post("/verwaltung/staedte/quartier", data={
        "csrf_token": token, "neighbourhood": huchting.id, "city": bremerhaven.id}).status_code == 302
    db.session.rollback()
    assert db.session.get(Neighbourhood, huchting.id).city_id == bremerhaven.id
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="neighbourhood.city")).scalar_one()


def test_city_administrator_reads_the_own_citys_mail_and_audit_trail_only(client, auth, db, cities):
    huchting, lehe, *_ = cities
    for nb in (huchting, lehe):
        db.session.add(OutboxMail(kind="test", recipient=f"x@{nb.slug}.example", subject=f"Post {nb.name}",
                                  body_text="x", neighbourhood_id=nb.id, language="de",
                                  message_id=f"<{nb.slug}@example>"))
    db.session.commit()
    auth.login("stadt@example.org")
    outbox = client.get("/verwaltung/postausgang/").get_data(as_text=True)
    assert "Post Lehe" in outbox and "Post Huchting" not in outbox
    other = db.session.execute(sa.select(OutboxMail.id).filter_by(neighbourhood_id=huchting.id)).scalar_one()
    assert client.get(f"/verwaltung/postausgang/{other}").status_code == 404
    audit = client.get("/verwaltung/audit/").get_data(as_text=True)
    assert "Huchting" not in audit

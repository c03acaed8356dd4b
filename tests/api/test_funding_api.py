"""Grants and payouts through the API: the Abwicklung page's rules (never more than granted, integer
cents, payouts only while the project is granted or running, nothing ever changed afterwards), its
permissions, and no payout of one neighbourhood reachable from another."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer
from tests.applications.conftest import (  # noqa: F401  (fixtures)
    YEAR,
    groepelingen,
    huchting,
    make_application,
    make_organisation,
    win,
)
from wingrant.applications.models import ApplicationState as S
from wingrant.funding.models import Grant, Payout

PAID_ON = f"{YEAR}-06-01"


@pytest.fixture
def make_granted(db, make_application, make_budget, huchting, win):
    """A granted application of ``neighbourhood``: a commitment in its WiN budget and a Grant."""
    from wingrant.ledger import services as ledger

    numbers = itertools.count(1)

    def make(cents=1_000_00, *, neighbourhood=None, state=S.GRANTED):
        neighbourhood = neighbourhood or huchting
        app = make_application(state=state, neighbourhood=neighbourhood, requests={win: cents})
        budget = make_budget(50_000_00, neighbourhood=neighbourhood, programme=win, year=YEAR)
        ledger.commit(budget.id, cents, user=None, application_id=app.id, memo="Beschluss")
        grant = Grant(application_id=app.id, programme_id=win.id, number=f"ZB-{next(numbers)}",
                      granted_on=date(YEAR, 5, 1), amount_cents=cents)
        db.session.add(grant)
        db.session.commit()
        return app, grant.id

    return make


@pytest.fixture
def world(db, huchting, groepelingen, make_granted, make_user, make_token):
    from wingrant.auth.models import Role

    app, grant_id = make_granted()
    tokens = {
        "manager": bearer(make_token(make_user(roles={huchting: Role.MANAGER}))),
        "minutes": bearer(make_token(make_user(roles={huchting: Role.MINUTES}))),
        "reader": bearer(make_token(make_user(roles={huchting: Role.READER}))),
        "other_manager": bearer(make_token(make_user(roles={groepelingen: Role.MANAGER}))),
        "admin": bearer(make_token(make_user(is_admin=True))),
    }
    base = f"/api/v1/neighbourhoods/huchting/applications/{app.id}"
    return tokens, base, app, grant_id


def pay(client, base, headers, grant_id, cents, **extra):
    return client.post(f"{base}/payouts", headers=headers,
                       json={"grant_id": grant_id, "amount_cents": cents, "paid_on": PAID_ON, **extra})


def payouts(db) -> int:
    db.session.rollback()
    return db.session.execute(sa.select(sa.func.count(Payout.id))).scalar()


def test_a_payout_is_recorded_and_the_first_one_sets_the_project_running(client, db, world):
    tokens, base, _app, grant_id = world
    response = pay(client, base, tokens["manager"], grant_id, 400_00, memo="Mittelabruf 1")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["amount_cents"] == 400_00 and body["grant_id"] == grant_id and body["paid_on"] == PAID_ON
    assert body["grant_number"] == "ZB-1" and body["memo"] == "Mittelabruf 1"
    [grant] = client.get(f"{base}/grants", headers=tokens["reader"]).get_json()["items"]
    assert grant["amount_cents"] == 1_000_00 and grant["paid_cents"] == 400_00 and grant["spent_cents"] is None
    assert client.get(base, headers=tokens["reader"]).get_json()["state"] == "running"
    assert client.get(f"{base}/payouts", headers=tokens["reader"]).get_json()["items"] == [body]


def test_no_more_than_granted_is_paid_out(client, db, world):
    tokens, base, _app, grant_id = world
    assert pay(client, base, tokens["manager"], grant_id, 700_00).status_code == 201
    response = pay(client, base, tokens["manager"], grant_id, 300_01)
    assert response.status_code == 422
    [message] = response.get_json()["errors"]["amount_cents"]
    assert "höchstens noch 300,00" in message
    assert payouts(db) == 1
    assert pay(client, base, tokens["manager"], grant_id, 300_00).status_code == 201


def test_amounts_are_whole_positive_cents(client, db, world):
    tokens, base, _app, grant_id = world
    for amount in (0, 12.5, "12,50"):
        response = pay(client, base, tokens["manager"], grant_id, amount)
        assert response.status_code == 422 and "amount_cents" in response.get_json()["errors"], amount
    assert payouts(db) == 0


def test_a_payout_names_a_grant_of_this_application_and_a_date(client, db, world, make_granted):
    tokens, base, _app, _grant_id = world
    _other_app, other_grant = make_granted()
    response = pay(client, base, tokens["manager"], other_grant, 100_00)
    assert response.status_code == 422 and "grant_id" in response.get_json()["errors"]
    response = client.post(f"{base}/payouts", headers=tokens["manager"], json={"grant_id": other_grant,
                                                                               "amount_cents": 100_00})
    assert response.status_code == 422 and response.get_json()["errors"]["paid_on"] == ["Dieses Feld fehlt."]
    assert payouts(db) == 0


def test_an_application_not_granted_pays_nothing_it_is_a_conflict(client, db, world, make_granted):
    tokens, _base, _app, _grant_id = world
    app, grant_id = make_granted(state=S.CLOSED)
    base = f"/api/v1/neighbourhoods/huchting/applications/{app.id}"
    response = pay(client, base, tokens["manager"], grant_id, 100_00)
    assert response.status_code == 409 and "bewilligten, laufenden" in response.get_json()["message"]
    assert payouts(db) == 0


def test_recording_a_payout_needs_the_managers_role_as_on_the_page(client, db, world):
    tokens, base, _app, grant_id = world
    for role in ("reader", "minutes"):
        assert pay(client, base, tokens[role], grant_id, 100_00).status_code == 403
        assert client.get(f"{base}/payouts", headers=tokens[role]).status_code == 200
    assert pay(client, base, tokens["admin"], grant_id, 100_00).status_code == 201


def test_payouts_are_never_changed_or_deleted_through_the_api(client, world):
    tokens, base, _app, grant_id = world
    payout = pay(client, base, tokens["manager"], grant_id, 100_00).get_json()
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.open(f"{base}/payouts", method=method, headers=tokens["admin"]).status_code == 405
        assert client.open(f"{base}/payouts/{payout['id']}", method=method,
                           headers=tokens["admin"]).status_code == 404


def test_another_neighbourhoods_token_can_neither_read_nor_record_payouts(client, db, world, groepelingen,
                                                                          make_granted):
    tokens, base, app, grant_id = world
    other = tokens["other_manager"]
    assert client.get(f"{base}/payouts", headers=other).status_code == 403
    assert client.get(f"{base}/grants", headers=other).status_code == 403
    assert pay(client, base, other, grant_id, 100_00).status_code == 403
    foreign = f"/api/v1/neighbourhoods/groepelingen/applications/{app.id}"
    assert client.get(f"{foreign}/payouts", headers=other).status_code == 404
    assert client.get(f"{foreign}/grants", headers=other).status_code == 404
    assert pay(client, foreign, other, grant_id, 100_00).status_code == 404
    # Their own application does not take a Huchting grant either.
    own_app, _own_grant = make_granted(neighbourhood=groepelingen)
    own = f"/api/v1/neighbourhoods/groepelingen/applications/{own_app.id}"
    response = pay(client, own, other, grant_id, 100_00)
    assert response.status_code == 422 and "grant_id" in response.get_json()["errors"]
    assert payouts(db) == 0


def test_listing_payouts_costs_the_same_queries_for_one_or_many(client, world, count_queries):
    tokens, base, _app, grant_id = world
    pay(client, base, tokens["manager"], grant_id, 100_00)
    client.get(f"{base}/payouts", headers=tokens["reader"])  # the token's first use writes its last use
    with count_queries() as one:
        assert client.get(f"{base}/payouts", headers=tokens["reader"]).get_json()["total"] == 1
    for _n in range(4):
        pay(client, base, tokens["manager"], grant_id, 100_00)
    with count_queries() as many:
        assert client.get(f"{base}/payouts?grant_id={grant_id}", headers=tokens["reader"]).get_json()["total"] == 5
    assert many.count == one.count

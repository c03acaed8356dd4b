"""The decision endpoint says what it does (issue 19, item 10): "approved" with other amounts is
refused, a spent budget is a 409 conflict, an undecided item reads as undecided."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.api.conftest import bearer

YEAR = date.today().year


@pytest.fixture
def item(client, db, make_neighbourhood, make_programme, make_budget, make_user, make_token):
    """An application for 2.500 € WiN on the agenda of yesterday's held meeting; the budget holds 2.000 €
    unless the test raises it."""
    from wingrant.auth.models import Role

    nb = make_neighbourhood("Huchting", code="HUC")
    win = make_programme("WIN", name="WiN", max_share_percent=50)
    budget = make_budget(2_000_00, neighbourhood=nb, programme=win, year=YEAR)
    h = bearer(make_token(make_user(roles={nb: Role.MANAGER})))
    base = "/api/v1/neighbourhoods/huchting"

    def call(method, url, json=None):
        return client.open(url, method=method, json=json, headers=h)

    org = call("POST", "/api/v1/organisations", {"name": "Kulturverein Huchting e. V."}).get_json()
    app = call("POST", f"{base}/applications", {
        "organisation_id": org["id"], "title": "Stadtteilfest", "year": YEAR, "summary": "Ein Fest.",
        "start_date": f"{YEAR}-06-01", "end_date": f"{YEAR}-06-30",
        "costs": [{"category": "material", "description": "Bühne", "amount_cents": 5_000_00}],
        "funding": [{"source": "own_funds", "description": "Kasse", "amount_cents": 2_500_00}],
        "requests": [{"programme_id": win.id, "amount_cents": 2_500_00}]}).get_json()
    for step in ("submit", "review", "ready"):
        call("POST", f"{base}/applications/{app['id']}/steps", {"step": step})
    meeting = call("POST", f"{base}/meetings", {"date": (date.today() - timedelta(days=1)).isoformat(),
                                               "starts_at": "18:00", "place": "Bürgerhaus"}).get_json()
    murl = f"{base}/meetings/{meeting['id']}"
    item_id = call("POST", f"{murl}/agenda-items/applications",
                   {"application_ids": [app["id"]]}).get_json()["items"][0]["id"]
    call("PUT", f"{murl}/attendance/head-counts", {"residents": 12})
    for state in ("invited", "held"):
        call("POST", f"{murl}/state", {"state": state})
    return call, f"{murl}/agenda-items/{item_id}/decision", win, budget


def test_undecided_item_reads_as_undecided_not_as_missing(item):
    call, url, _win, _budget = item
    response = call("GET", url)
    assert response.status_code == 200
    assert response.get_json()["outcome"] is None and response.get_json()["amounts"] == []


def test_approved_with_other_amounts_is_refused_and_books_nothing(item):
    call, url, win, _budget = item
    response = call("PUT", url, {"outcome": "approved", "amounts": [{"programme_id": win.id, "amount_cents": 0}]})
    assert response.status_code == 422
    body = response.get_json()
    assert "approved_with_changes" in body["message"] and "amounts[0].amount_cents" in body["errors"]
    assert call("GET", url).get_json()["outcome"] is None


def test_spent_budget_is_a_conflict_with_the_reason(item):
    call, url, _win, _budget = item
    response = call("PUT", url, {"outcome": "approved"})  # 2.500 € asked, 2.000 € left
    assert response.status_code == 409
    assert "Nicht genug Mittel" in response.get_json()["message"]

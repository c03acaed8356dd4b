"""The whole workflow through the JSON API alone: application → agenda → decision (with the
ledger commitment) → minutes approved and published → PDF downloaded. After the setup of users,
a budget and a token, every step is an HTTP request."""

from __future__ import annotations

from datetime import date, timedelta

from tests.api.conftest import bearer

YEAR = date.today().year


def test_full_journey_runs_over_http_alone(client, db, make_neighbourhood, make_programme, make_budget, make_user,
                                           make_token):
    from wingrant.auth.models import Role

    nb = make_neighbourhood("Huchting", code="HUC", objection_period_days=0)
    win = make_programme("WIN", name="WiN", max_share_percent=50)
    make_budget(150_000_00, neighbourhood=nb, programme=win, year=YEAR)
    manager = make_user(roles={nb: Role.MANAGER})
    h = bearer(make_token(manager))
    base = "/api/v1/neighbourhoods/huchting"

    def call(method, url, json=None, expect=200):
        response = client.open(url, method=method, json=json, headers=h)
        assert response.status_code == expect, (method, url, response.status_code, response.get_json())
        assert "Set-Cookie" not in response.headers  # the API never sets a session cookie
        return response.get_json() if response.is_json else response

    org = call("POST", "/api/v1/organisations", {"name": "Kulturverein Huchting e. V.", "non_profit": True},
               expect=201)
    app = call("POST", f"{base}/applications", {
        "organisation_id": org["id"], "title": "Stadtteilfest 2026", "year": YEAR,
        "summary": "Ein Fest für alle Nachbar:innen.",
        "start_date": f"{YEAR}-06-01", "end_date": f"{YEAR}-06-30",
        "costs": [{"category": "material", "description": "Bühne und Technik", "amount_cents": 4_000_00},
                  {"category": "fees", "description": "Musik", "amount_cents": 1_000_00}],
        "funding": [{"source": "own_funds", "description": "Vereinskasse", "amount_cents": 2_500_00}],
        "requests": [{"programme_id": win.id, "amount_cents": 2_500_00}],
    }, expect=201)
    assert app["state"] == "draft" and app["total_cost_cents"] == 5_000_00 and app["problems"] == []
    url = f"{base}/applications/{app['id']}"
    for step, state in (("submit", "submitted"), ("review", "in_review"), ("ready", "ready")):
        assert call("POST", f"{url}/steps", {"step": step})["state"] == state

    meeting = call("POST", f"{base}/meetings", {"date": (date.today() - timedelta(days=1)).isoformat(),
                                               "starts_at": "18:00", "ends_at": "20:00", "place": "Bürgerhaus"},
                   expect=201)
    murl = f"{base}/meetings/{meeting['id']}"
    items = call("POST", f"{murl}/agenda-items/applications", {"application_ids": [app["id"]]}, expect=201)["items"]
    item_id = items[0]["id"]
    call("PUT", f"{murl}/attendance/head-counts", {"residents": 12, "institutions": 5})
    call("POST", f"{murl}/attendees", {"name": "Erika Muster", "group": "institutions"}, expect=201)
    assert call("GET", f"{murl}/attendance")["total"] == 17
    for state in ("invited", "held"):
        assert call("POST", f"{murl}/state", {"state": state})["state"] == state

    decision = call("PUT", f"{murl}/agenda-items/{item_id}/decision", {"outcome": "approved"})
    assert decision["outcome"] == "approved"
    assert decision["amounts"] == [{"programme_id": win.id, "amount_cents": 2_500_00}]
    budget = call("GET", f"{base}/budgets?year={YEAR}")["items"][0]
    assert budget["committed_cents"] == 2_500_00 and budget["available_cents"] == 147_500_00
    entries = call("GET", f"{base}/ledger-entries?kind=commitment&application_id={app['id']}")["items"]
    assert [(e["amount_cents"], e["decision_id"]) for e in entries] == [(2_500_00, decision["id"])]
    assert call("GET", url)["state"] == "approved"

    minutes = call("POST", f"{murl}/minutes/approve", {"how": "period", "no_objections": True})
    assert minutes["state"] == "approved" and minutes["meeting_state"] == "minutes_approved"
    version = call("POST", f"{murl}/minutes/publish", expect=201)
    assert version["number"] == 1
    pdf = call("GET", version["pdf_url"])
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert call("GET", f"{murl}/minutes")["state"] == "published"

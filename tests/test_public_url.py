"""Absolute links name the configured public address, never the request's Host header (issue 19, item 5):
OParl ids and the calendar's UIDs and links."""

from __future__ import annotations

BASE = "https://win.bremen.example/foerderung"


def test_oparl_and_calendar_ignore_a_forged_host_header(app, client, demo):
    app.config["PUBLIC_URL"] = BASE
    forged = {"Host": "evil.example"}
    system = client.get("/oparl/v1.1/system", headers=forged)
    assert system.status_code == 200
    assert system.get_json()["id"] == f"{BASE}/oparl/v1.1/system"
    bodies = client.get("/oparl/v1.1/body", headers=forged).get_data(as_text=True)
    assert "evil.example" not in bodies and f"{BASE}/oparl/v1.1/body/" in bodies
    calendar = client.get("/portal/huchting/termine.ics", headers=forged).get_data(as_text=True)
    assert "evil.example" not in calendar
    assert "@win.bremen.example" in calendar and f"URL:{BASE}/portal/huchting/sitzungen/" in calendar

"""The permission matrix of the JSON API: every /api/v1 rule, walked with the token of an
administrator, of Huchting's manager, minute-taker and reader, of Gröpelingen's manager, and
without a token, against the demo data.

Rules proven (for every rule, so a new API route must be classified here the day it is added):
- without a token everything but the OpenAPI document answers 401;
- a role may exactly what it may in the UI (``ROLE_ACTIONS``): allowed requests are never
  answered 401/403, refused ones always 403 — before the body is even looked at;
- a manager of another neighbourhood reaches nothing of Huchting, nor does the city administrator
  of Bremerhaven (whose outbox holds Bremerhaven's mail only);
- a programme owner reads budgets (its programmes' only: other budgets are not found), nothing else;
- no request answers 500;
- an object reached through a URL must belong to the neighbourhood in the URL (404 otherwise,
  even for an administrator).
"""

from __future__ import annotations

import re

from tests.api.conftest import bearer
from wingrant.applications import attachments
from wingrant.auth.models import Role
from wingrant.auth.permissions import ROLE_ACTIONS, Action

A = Action
#: What each API endpoint needs: an Action in the neighbourhood of the URL, or one of
#: "public", "account" (any valid token), "administration" (administrators, a city's too),
#: "organisations" (may keep the list of Träger),
#: "edit_organisation" (may change this Träger).
REQUIRES = {
    "openapi": "public", "unmet_demand": "public", "me": "account", "list_neighbourhoods": "account",
    "list_programmes": "account",
    "list_organisations": "organisations", "get_organisation": "organisations",
    "create_organisation": "organisations", "update_organisation": "edit_organisation",
    "get_neighbourhood": A.READ, "list_budgets": "budgets", "get_budget": "budgets", "list_ledger_entries": A.READ,
    "allocate": A.ADMINISTER, "reverse": A.ADMINISTER, "list_outbox": "administration",
    "get_notifications": "account", "put_notifications": "account",
    "list_applications": A.READ, "get_application": A.READ, "create_application": A.MANAGE_APPLICATIONS,
    "update_application": A.MANAGE_APPLICATIONS, "take_step": A.MANAGE_APPLICATIONS,
    "list_meetings": A.READ, "get_meeting": A.READ, "create_meeting": A.MANAGE_MEETINGS,
    "update_meeting": A.MANAGE_MEETINGS, "change_state": A.MANAGE_MEETINGS,
    "list_agenda_items": A.READ, "get_agenda_item": A.READ, "add_agenda_item": A.MANAGE_MEETINGS,
    "add_agenda_applications": A.MANAGE_MEETINGS, "move_agenda_item": A.MANAGE_MEETINGS,
    "remove_agenda_item": A.MANAGE_MEETINGS,
    "get_attendance": A.READ, "set_head_counts": A.RECORD_MEETING, "add_attendee": A.RECORD_MEETING,
    "remove_attendee": A.RECORD_MEETING,
    "list_decisions": A.READ, "get_decision": A.READ, "record_outcome": A.RECORD_MEETING,
    "reopen_decision": A.RECORD_MEETING, "add_objection": A.RECORD_MEETING,
    "withdraw_objection": A.RECORD_MEETING, "add_recusal": A.RECORD_MEETING, "remove_recusal": A.RECORD_MEETING,
    "list_minutes": A.READ, "get_minutes": A.READ, "update_minutes": A.EDIT_MINUTES,
    "approve_minutes": A.APPROVE_MINUTES, "publish_minutes": A.APPROVE_MINUTES, "minutes_pdf": A.READ,
    "list_minutes_versions": A.READ, "correct_minutes": A.APPROVE_MINUTES,
    "list_attachments": A.READ, "download_attachment": A.READ, "upload_attachment": A.MANAGE_APPLICATIONS,
    "list_grants": A.READ, "list_payouts": A.READ, "record_payout": A.MANAGE_APPLICATIONS,
    "get_live": A.READ, "set_live": A.RECORD_MEETING, "move_live": A.RECORD_MEETING,
}

#: The actions each token holder has in Huchting.
ACTIONS_IN_HUCHTING = {
    "admin": set(Action), "manager": set(ROLE_ACTIONS[Role.MANAGER]), "minutes": set(ROLE_ACTIONS[Role.MINUTES]),
    "reader": set(ROLE_ACTIONS[Role.READER]), "other_manager": set(), "anonymous": set(), "city_admin": set(),
    "programme_owner": set(),
}


def _api_routes(app, values):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint.removeprefix("api_v1."), method, url


def _allowed(role: str, requirement) -> bool:
    if requirement == "public":
        return True
    if role == "anonymous":
        return False
    if requirement == "account":
        return True
    if requirement == "organisations":
        return role in ("admin", "manager", "other_manager", "city_admin")
    if requirement == "administration":  # outside any neighbourhood; a city administrator sees the city's
        return role in ("admin", "city_admin")
    if requirement == "budgets":  # readers of the neighbourhood, and programme owners (their programmes')
        return role == "programme_owner" or A.READ in ACTIONS_IN_HUCHTING[role]
    if requirement == "edit_organisation":  # the demo Träger applies in Huchting only
        return role in ("admin", "manager")
    return requirement in ACTIONS_IN_HUCHTING[role]


def _send(client, method, url, secret):
    body = {} if method in ("POST", "PUT") else None
    response = client.open(url, method=method, json=body, headers=bearer(secret))
    response.close()
    return response


#: What a download may be besides JSON: a minutes PDF, an attachment.
DOWNLOADS = {"application/pdf", *attachments.EXTENSIONS}

ROLES = ["anonymous", "admin", "manager", "minutes", "reader", "other_manager", "programme_owner", "city_admin"]


def test_a_programme_owner_reads_its_programmes_budgets_through_the_api(client, demo_world):
    owner = demo_world.tokens["programme_owner"]
    budgets = client.get("/api/v1/neighbourhoods/groepelingen/budgets", headers=bearer(owner)).get_json()
    assert {(b["programme"]["code"], b["line"]["code"]) for b in budgets["items"]} == {("INNO", "KLEIN"),
                                                                                         ("INNO", "BETEIL")}
    admin = client.get("/api/v1/neighbourhoods/groepelingen/budgets", headers=bearer(demo_world.tokens["admin"]))
    assert {b["programme"]["code"] for b in admin.get_json()["items"]} >= {"WIN", "SOZ", "INNO"}


def test_each_role_may_exactly_what_the_ui_allows(app, client, demo_world):
    """One demo world for all roles (loading it is the slow part): with the body ``{}`` no request
    changes it — the demo meeting is locked, its minutes published, and every body is incomplete."""
    routes = list(_api_routes(app, demo_world.values))
    assert {endpoint for endpoint, _m, _u in routes} == set(REQUIRES), "classify every API route in REQUIRES"
    wrong = []
    for role in ROLES:
        for endpoint, method, url in routes:
            response = _send(client, method, url, demo_world.tokens[role])
            status = response.status_code
            if _allowed(role, REQUIRES[endpoint]):
                ok = status not in (401, 403) and status < 500
            else:
                ok = status == (401 if role == "anonymous" else 403)
            if not ok:
                wrong.append(f"{role}: {method} {url} ({endpoint}) -> {status}")
            if not (response.is_json or response.mimetype in DOWNLOADS or status == 204):
                wrong.append(f"{role}: {method} {url} ({endpoint}) answered {response.mimetype}")
    assert wrong == []


def test_objects_of_huchting_are_not_found_through_another_neighbourhoods_url(app, client, demo_world):
    values = {**demo_world.values, "slug": "groepelingen"}
    wrong = []
    for endpoint, method, url in _api_routes(app, values):
        if "/neighbourhoods/groepelingen/" not in url or not re.search(r"/\d+", url):
            continue
        if endpoint in ("list_ledger_entries", "list_applications", "list_decisions"):
            continue
        response = _send(client, method, url, demo_world.tokens["admin"])
        if response.status_code != 404:
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []

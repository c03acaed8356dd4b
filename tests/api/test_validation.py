"""The API's one validation path for JSON bodies: the structure against the published schema
(``jsonschema``), then the UI's own form, fed without any CSRF token; errors per JSON field, in German."""

from __future__ import annotations

import pytest

from tests.api.conftest import bearer
from wingrant.api.v1.forms_input import FormInput, Keyed, Rows, many, money

ORGANISATIONS = "/api/v1/organisations"


@pytest.fixture
def manager_token(make_neighbourhood, make_user, make_token):
    from wingrant.auth.models import Role

    nb = make_neighbourhood("Huchting", code="HUC")
    return make_token(make_user("qm@example.org", roles={nb: Role.MANAGER}))


def _post(client, url, body, secret, **kwargs):
    return client.post(url, json=body, headers=bearer(secret), **kwargs)


def test_api_needs_no_csrf_token_and_the_form_rules_still_apply(app, client, manager_token, monkeypatch):
    import flask_wtf.csrf

    def no_token(*args, **kwargs):
        raise AssertionError("the API made or checked a CSRF token")

    monkeypatch.setattr(flask_wtf.csrf, "generate_csrf", no_token)
    monkeypatch.setattr(flask_wtf.csrf, "validate_csrf", no_token)
    assert app.config.get("WTF_CSRF_ENABLED", True)  # on for the UI, as in production

    response = _post(client, ORGANISATIONS, {"name": "Verein", "postcode": "123"}, manager_token)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"postcode": ["Bitte eine fünfstellige Postleitzahl angeben."]}
    response = _post(client, ORGANISATIONS, {"name": "  "}, manager_token)
    assert response.get_json()["errors"] == {"name": ["Bitte den Namen des Trägers angeben."]}  # the form's filter too

    response = _post(client, ORGANISATIONS, {"name": " Verein ", "postcode": "28259"}, manager_token)
    assert response.status_code == 201 and "Set-Cookie" not in response.headers
    assert response.get_json()["name"] == "Verein" and response.get_json()["city"] == "Bremen"


@pytest.mark.parametrize(("body", "errors"), [
    ([{"name": "Verein"}], {"body": ["Erwartet: Objekt."]}),
    ("Verein", {"body": ["Erwartet: Objekt."]}),
    ({}, {"name": ["Dieses Feld fehlt."]}),
    ({"name": "Verein", "nonprofit": True}, {"nonprofit": ["Dieses Feld gibt es nicht."]}),
    ({"name": 7, "non_profit": "ja"}, {"name": ["Erwartet: Text."], "non_profit": ["Erwartet: true oder false."]}),
    ({"name": "x" * 201}, {"name": ["Höchstens 200 Zeichen."]}),
    ({"name": "Verein\u0000"}, {"name": ["Der Text enthält unzulässige Zeichen."]}),
    ({"name": "Verein\ud800"}, {"name": ["Der Text enthält unzulässige Zeichen."]}),
])
def test_a_malformed_body_is_refused_in_german_at_its_field(client, manager_token, body, errors):
    response = _post(client, ORGANISATIONS, body, manager_token)
    assert response.status_code == 422 and response.is_json
    assert response.get_json() == {"message": "Die Angaben sind nicht gültig.", "errors": errors}


def test_a_body_that_is_no_json_is_a_400_in_german(client, manager_token):
    response = client.post(ORGANISATIONS, data=b"\xff{", content_type="application/json",
                           headers=bearer(manager_token))
    assert response.status_code == 400
    assert response.get_json() == {"message": "Der Inhalt ist kein gültiges JSON.", "errors": {}}


def test_the_schema_is_checked_as_published_then_the_form(client, manager_token):
    """Whole numbers are whole, dates are dates, times match their pattern; an empty date is the form's."""
    meetings = "/api/v1/neighbourhoods/huchting/meetings"
    response = _post(client, meetings, {"date": "2026-13-01", "starts_at": "25:00"}, manager_token)
    assert response.get_json()["errors"] == {
        "date": ["Kein gültiges Datum; erwartet wird JJJJ-MM-TT, z. B. 2026-05-31."], "starts_at": ["Erwartet: HH:MM."]}
    response = _post(client, meetings, {"date": ""}, manager_token)
    assert response.get_json()["errors"] == {"date": ["Bitte das Datum der Sitzung angeben."]}  # MeetingForm's
    response = _post(client, "/api/v1/neighbourhoods/huchting/applications",
                     {"organisation_id": 1.0, "title": "Fest", "year": 2026}, manager_token)
    assert response.get_json()["errors"] == {"organisation_id": ["Erwartet: ganze Zahl."]}


def test_form_and_service_field_names_come_back_as_json_names(client, make_neighbourhood, make_programme,
                                                               make_user, make_token):
    """Allocation: the form's ``programme``/``amount`` and the service's ``amount`` are the JSON's
    ``programme_id``/``amount_cents``, as the operation declares once."""
    make_neighbourhood("Huchting", code="HUC")
    win = make_programme("WIN")
    secret = make_token(make_user("admin@example.org", is_admin=True))
    url = "/api/v1/neighbourhoods/huchting/ledger-entries/allocations"
    response = _post(client, url, {"programme_id": win.id + 1, "year": 2026, "amount_cents": 100}, secret)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"programme_id"}
    response = _post(client, url, {"programme_id": win.id, "year": 2026, "amount_cents": 0}, secret)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"amount_cents"}
    response = _post(client, url, {"programme_id": win.id, "year": 2026, "amount_cents": 150_000_00}, secret)
    assert response.status_code == 201 and response.get_json()["amount_cents"] == 150_000_00


APPLICATION = FormInput({
    "title": "title", "field_of_action_ids": many("fields_of_action"),
    "costs": Rows("costs", {"category": "kind", "amount_cents": money("amount")}),
    "requests": Keyed("programme_id", "amount_cents", "request_", money("x").convert),
    "non_profit": "non_profit",
}, prefix="app", problem_fields={"plan": "costs"})


def test_form_input_posts_what_a_browser_would_and_maps_the_names_back():
    body = {"title": None, "non_profit": False, "costs": [{"category": "fees", "amount_cents": 1234_56}],
            "requests": [{"programme_id": 7, "amount_cents": 100}, {"programme_id": 3, "amount_cents": 5}]}
    assert list(APPLICATION.formdata(body, {"neighbourhood": "1"}).items(multi=True)) == [
        ("app-title", ""), ("app-costs-0-kind", "fees"), ("app-costs-0-amount", "1234,56"),
        ("app-request_7", "1,00"), ("app-request_3", "0,05"), ("app-neighbourhood", "1")]
    assert list(APPLICATION.formdata({"field_of_action_ids": [4, 5], "non_profit": True}).items(multi=True)) == [
        ("app-title", ""), ("app-fields_of_action", "4"), ("app-fields_of_action", "5"), ("app-non_profit", "y")]
    names = {form_name: APPLICATION.json_name(form_name, body) for form_name in (
        "title", "fields_of_action", "costs-0-amount", "costs-0-kind", "request_3", "request_9", "plan", "other")}
    assert names == {"title": "title", "fields_of_action": "field_of_action_ids",
                     "costs-0-amount": "costs[0].amount_cents", "costs-0-kind": "costs[0].category",
                     "request_3": "requests[1].amount_cents", "request_9": "requests", "plan": "costs",
                     "other": "other"}


def test_defaults_fill_what_the_body_leaves_out_and_keyed_lists_merge_by_key():
    notes = FormInput({"intro": "intro", "notes": Keyed("agenda_item_id", "notes", "note_")})
    merged = notes.with_defaults({"notes": [{"agenda_item_id": 2, "notes": "neu"}]}, {
        "intro": "alt", "notes": [{"agenda_item_id": 1, "notes": "eins"}, {"agenda_item_id": 2, "notes": "zwei"}]})
    assert merged == {"intro": "alt", "notes": [{"agenda_item_id": 2, "notes": "neu"},
                                                {"agenda_item_id": 1, "notes": "eins"}]}

"""API tokens (created and revoked in the UI, stored hashed) and the API's HTTP behaviour:
authentication, no session cookie, JSON errors, validation per field, pagination."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer
from tests.conftest import csrf_token_from


@pytest.fixture
def manager(make_neighbourhood, make_user):
    from wingrant.auth.models import Role

    nb = make_neighbourhood("Huchting", code="HUC")
    return make_user("qm@example.org", roles={nb: Role.MANAGER})


def _create_in_ui(client, auth, name="Auswertung"):
    auth.login("qm@example.org")
    page = client.get("/konto/api-tokens")
    response = client.post("/konto/api-tokens", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                                       "name": name, "valid_days": "30"})
    assert response.status_code == 200
    match = re.search(r'value="(wg_[A-Za-z0-9_-]+)"', response.get_data(as_text=True))
    assert match, "the new secret is shown"
    return match.group(1), response


def test_token_secret_is_shown_once_and_only_its_hash_is_stored(client, auth, db, manager):
    from wingrant.api.models import ApiToken

    secret, response = _create_in_ui(client, auth)
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.execute(sa.select(ApiToken)).scalar_one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix} and secret.startswith(token.prefix)
    assert secret not in client.get("/konto/api-tokens").get_data(as_text=True)
    assert client.get("/api/v1/me", headers=bearer(secret)).get_json()["email"] == "qm@example.org"


def test_revoked_token_is_refused(app, auth, db, manager):
    from wingrant.api.models import ApiToken

    browser = app.test_client()
    secret, _response = _create_in_ui(browser, auth.__class__(browser))
    token_id = db.session.execute(sa.select(ApiToken.id)).scalar_one()
    page = browser.get("/konto/api-tokens")
    browser.post(f"/konto/api-tokens/{token_id}/widerrufen",
                 data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    api = app.test_client()
    response = api.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401 and response.get_json()["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_another_users_token_cannot_be_revoked(client, auth, db, manager, make_user, make_token):
    from wingrant.api.models import ApiToken

    other = make_user("other@example.org")
    secret = make_token(other)
    token_id = db.session.execute(sa.select(ApiToken.id)).scalar_one()
    auth.login("qm@example.org")
    page = client.get("/konto/api-tokens")
    client.post(f"/konto/api-tokens/{token_id}/widerrufen",
                data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_expired_token_is_refused(client, db, manager, make_token):
    from wingrant.api.models import ApiToken
    from wingrant.database import utcnow

    secret = make_token(manager, valid_days=1)
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_token_of_disabled_user_is_refused(client, db, manager, make_token):
    secret = make_token(manager)
    manager.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_api_ignores_the_session_cookie_and_sets_none(client, auth, manager, make_token):
    auth.login("qm@example.org")
    assert client.get("/api/v1/me").status_code == 401
    response = client.post("/api/v1/organisations", json={"name": "Verein"})
    assert response.status_code == 401
    secret = make_token(manager)
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_failed_token_attempts_are_throttled_per_ip(client, manager, make_token):
    from wingrant.api import tokens

    for _ in range(tokens.FAILED_LIMIT):
        assert client.get("/api/v1/me", headers=bearer("wg_wrong")).status_code == 401
    secret = make_token(manager)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 429


def test_token_creation_revocation_and_api_writes_are_audited(client, db, manager, make_token):
    from wingrant.api import tokens
    from wingrant.audit.models import AuditEvent

    secret = make_token(manager)
    response = client.post("/api/v1/organisations", json={"name": "Nachbarschaftsverein e. V."},
                           headers=bearer(secret))
    assert response.status_code == 201
    token_id = db.session.execute(sa.select(sa.text("id")).select_from(sa.table("api_token"))).scalar_one()
    tokens.revoke_token(token_id, user=manager)
    actions = db.session.execute(sa.select(AuditEvent.action, AuditEvent.user_id)).all()
    assert {("api_token.create", manager.id), ("organisation.create", manager.id),
            ("api_token.revoke", manager.id)} <= set(actions)


def test_errors_inside_the_api_are_json(app, client, manager, make_token):
    secret = make_token(manager)
    for method, url, status in (("GET", "/api/v1/nichts", 404), ("DELETE", "/api/v1/me", 405),
                                ("GET", "/api/v1/neighbourhoods/nirgends", 404),
                                ("GET", "/api/v1/neighbourhoods/huchting/applications/99999999999", 404)):
        response = client.open(url, method=method, headers=bearer(secret))
        assert response.status_code == status and response.is_json, url
        assert set(response.get_json()) == {"message", "errors"}
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/api/v1/organisations", json={"name": "x" * 500}, headers=bearer(secret))
    assert response.status_code == 413 and response.is_json
    assert client.get("/gibt-es-nicht").mimetype == "text/html"  # the UI keeps its HTML pages


def test_invalid_json_is_a_400_and_wrong_fields_get_messages_per_field(client, db, manager, make_token,
                                                                         make_programme):
    from wingrant.organisations.models import Organisation

    secret = make_token(manager)
    response = client.post("/api/v1/organisations", data="{kaputt", content_type="application/json",
                           headers=bearer(secret))
    assert response.status_code == 400 and response.get_json()["message"]
    org = Organisation(name="Verein")
    db.session.add(org)
    db.session.commit()
    response = client.post("/api/v1/neighbourhoods/huchting/applications", headers=bearer(secret), json={
        "organisation_id": org.id, "title": "", "year": 2026, "surprise": 1,
        "costs": [{"category": "material", "description": "Farbe", "amount_cents": "12"}]})
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert set(errors) == {"surprise", "costs[0].amount_cents"}
    response = client.post("/api/v1/neighbourhoods/huchting/applications", headers=bearer(secret), json={
        "organisation_id": org.id, "title": "", "year": 2026,
        "costs": [{"category": "material", "description": "", "amount_cents": 0}]})
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert errors["title"] == ["Bitte einen Titel angeben."]  # the UI form's own message
    assert "costs[0].amount_cents" in errors and "costs[0].description" in errors


def test_pagination_validates_its_parameters_and_links_the_pages(client, db, manager, make_token, make_programme):
    secret = make_token(manager)
    for code in ("A", "B", "C"):
        make_programme(code)
    for query in ("page=0", "per_page=101", "page=eins", "per_page=-1"):
        response = client.get(f"/api/v1/programmes?{query}", headers=bearer(secret))
        assert response.status_code == 400 and response.get_json()["errors"], query
    response = client.get("/api/v1/programmes?per_page=2&page=2", headers=bearer(secret))
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (2, 2, 3, 1)
    assert 'rel="prev"' in response.headers["Link"] and 'rel="next"' not in response.headers["Link"]
    assert client.get("/api/v1/programmes?page=9", headers=bearer(secret)).get_json()["items"] == []

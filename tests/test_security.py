"""Web hardening: headers on every response, login throttling."""

import pytest
import sqlalchemy as sa

from wingrant.audit.models import AuditEvent


@pytest.mark.parametrize("path", ["/", "/anmelden", "/healthz", "/gibt-es-nicht"])
def test_every_response_carries_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "max-age=" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_session_cookie_is_httponly_and_samesite(auth, client, make_user):
    make_user("qm@example.org")
    response = auth.login("qm@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_contain_no_inline_scripts_or_styles(client):
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and " style=" not in page and "<style" not in page


def test_login_is_throttled_after_five_failures_per_account(auth, make_user, db):
    make_user("qm@example.org")
    for _ in range(5):
        assert auth.login("qm@example.org", "falsch-falsch-falsch").status_code == 200
    response = auth.login("qm@example.org")  # even the right password is refused now
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="auth.login_throttled")).scalar_one()


def test_successful_login_resets_the_account_counter(auth, make_user):
    make_user("qm@example.org")
    for _ in range(4):
        auth.login("qm@example.org", "falsch-falsch-falsch")
    assert auth.login("qm@example.org").status_code == 302
    auth.logout()
    for _ in range(4):
        auth.login("qm@example.org", "falsch-falsch-falsch")
    assert auth.login("qm@example.org").status_code == 302


def test_login_is_throttled_per_client_address_across_accounts(app, auth):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for n in range(3):
        auth.login(f"unbekannt{n}@example.org", "falsch-falsch-falsch")
    assert auth.login("noch-jemand@example.org").status_code == 429

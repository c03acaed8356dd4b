"""A login ends after an idle time and after an absolute lifetime (issue 19, item 2)."""

from __future__ import annotations

from flask import Flask

from tests.api.conftest import bearer
from tests.conftest import csrf_token_from
from wingrant.auth.session_lifetime import LOGIN_AT, SEEN_AT, now
from wingrant.config import load_config

EXPIRED_MESSAGE = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."


def _shift_clocks(client, *, login_ago: int | None = None, seen_ago: int | None = None) -> None:
    """Pretend the login happened, or the last request came, so many seconds ago."""
    with client.session_transaction() as session:
        if login_ago is not None:
            session[LOGIN_AT] = now() - login_ago
        if seen_ago is not None:
            session[SEEN_AT] = now() - seen_ago


def _logged_in(client, auth, make_user):
    make_user("qm@example.org")
    auth.login("qm@example.org")
    assert client.get("/konto/passwort").status_code == 200


def test_idle_session_is_logged_out_and_sent_to_the_login_with_a_german_message(client, auth, make_user):
    _logged_in(client, auth, make_user)
    _shift_clocks(client, seen_ago=121 * 60)
    response = client.get("/konto/passwort")
    assert response.status_code == 303
    assert response.headers["Location"] == "/anmelden?next=/konto/passwort"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert EXPIRED_MESSAGE in login_page
    assert "Abmelden" not in client.get("/").get_data(as_text=True)


def test_session_ends_after_its_absolute_lifetime_however_busy(client, auth, make_user):
    _logged_in(client, auth, make_user)
    _shift_clocks(client, login_ago=12 * 3600 + 1, seen_ago=5)
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/anmelden")
    assert EXPIRED_MESSAGE in client.get("/anmelden").get_data(as_text=True)
    assert client.get("/konto/passwort").status_code == 302  # logged out: login_required sends to the login


def test_expired_session_post_is_not_carried_out(client, auth, make_user):
    _logged_in(client, auth, make_user)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    _shift_clocks(client, seen_ago=121 * 60)
    response = client.post("/abmelden", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/anmelden"


def test_session_within_both_limits_stays_logged_in(client, auth, make_user):
    _logged_in(client, auth, make_user)
    _shift_clocks(client, login_ago=11 * 3600, seen_ago=119 * 60)
    assert client.get("/konto/passwort").status_code == 200


def test_session_without_its_clocks_counts_as_expired(client, auth, make_user):
    _logged_in(client, auth, make_user)
    with client.session_transaction() as session:
        del session[LOGIN_AT]
    assert client.get("/konto/passwort").status_code == 303


def test_last_activity_is_written_to_the_cookie_at_most_once_a_minute(client, auth, make_user):
    _logged_in(client, auth, make_user)
    _shift_clocks(client, seen_ago=10)
    response = client.get("/konto/passwort")
    assert "Set-Cookie" not in response.headers  # nothing changed: the cookie is not rewritten
    _shift_clocks(client, seen_ago=61)
    response = client.get("/konto/passwort")
    assert "session=" in response.headers["Set-Cookie"]
    with client.session_transaction() as session:
        assert now() - session[SEEN_AT] <= 1


def test_session_limits_are_configurable(app, client, auth, make_user):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    _logged_in(client, auth, make_user)
    _shift_clocks(client, seen_ago=6 * 60)
    assert client.get("/konto/passwort").status_code == 303
    auth.login("qm@example.org")
    _shift_clocks(client, login_ago=3601, seen_ago=0)
    assert client.get("/konto/passwort").status_code == 303


def test_session_limits_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WINGRANT_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("WINGRANT_SESSION_MAX_HOURS", "8")
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert (app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_MAX_HOURS"]) == (30, 8)


def test_api_tokens_are_not_touched_by_the_session_lifetime(app, client, make_user, db):
    from wingrant.api import tokens

    user = make_user("qm@example.org")
    _token, secret = tokens.create_token(user, "Test")
    db.session.commit()
    app.config.update(SESSION_IDLE_MINUTES=0, SESSION_MAX_HOURS=0)
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["email"] == "qm@example.org"

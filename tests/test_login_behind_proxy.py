"""Behind a reverse proxy many people share one address: the login limits must not let a guesser at
made-up accounts lock the others out (issue 19, item 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask, request

from wingrant.auth import services as auth_services
from wingrant.config import load_config
from wingrant.core.models import ThrottleEvent
from wingrant.core.security import init_security


def _let_time_pass(db, seconds: int) -> None:
    for event in db.session.execute(sa.select(ThrottleEvent)).scalars():  # in Python: SQLite has no date arithmetic
        event.occurred_at -= timedelta(seconds=seconds)
    db.session.commit()


def test_failed_logins_on_made_up_accounts_from_one_address_do_not_stop_the_administrators_login(
        auth, client, make_user, db):
    make_user("admin@example.org", is_admin=True)
    for n in range(20):
        assert auth.login(f"erfunden{n}@example.org", "falsch-falsch-falsch").status_code == 200
    slowed = auth.login("admin@example.org")
    assert slowed.status_code == 429  # a short wait for the address, no lock
    assert "Bitte warten Sie 10 Sekunden" in slowed.get_data(as_text=True)
    _let_time_pass(db, 11)
    response = auth.login("admin@example.org")
    assert response.status_code == 302
    assert "Abmelden" in client.get("/").get_data(as_text=True)


def test_an_address_past_its_limit_gets_one_attempt_per_slowdown(app, db):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for n in range(3):
        assert auth_services.authenticate(f"erfunden{n}@example.org", "falsch", ip="192.0.2.1") is None
    with pytest.raises(auth_services.LoginThrottled):
        auth_services.authenticate("erfunden9@example.org", "falsch", ip="192.0.2.1")
    assert auth_services.authenticate("erfunden9@example.org", "falsch", ip="192.0.2.2") is None  # another address
    _let_time_pass(db, 11)
    assert auth_services.authenticate("erfunden9@example.org", "falsch", ip="192.0.2.1") is None
    with pytest.raises(auth_services.LoginThrottled):
        auth_services.authenticate("erfunden10@example.org", "falsch", ip="192.0.2.1")


def test_wrong_passwords_lock_an_account_only_from_the_guessing_address(app, make_user):
    make_user("qm@example.org")
    for _ in range(5):
        assert auth_services.authenticate("qm@example.org", "falsch-falsch-falsch", ip="192.0.2.66") is None
    with pytest.raises(auth_services.LoginThrottled, match="15 Minuten"):
        auth_services.authenticate("qm@example.org", "korrekt-pferd-batterie", ip="192.0.2.66")
    assert auth_services.authenticate("qm@example.org", "korrekt-pferd-batterie", ip="198.51.100.3") is not None


def test_an_account_guessed_at_from_many_addresses_is_locked(app, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES"] = 6
    make_user("qm@example.org")
    for n in range(6):
        assert auth_services.authenticate("qm@example.org", "falsch-falsch-falsch", ip=f"192.0.2.{n}") is None
    with pytest.raises(auth_services.LoginThrottled, match="15 Minuten"):
        auth_services.authenticate("qm@example.org", "korrekt-pferd-batterie", ip="198.51.100.3")


def _address_app(tmp_path, **config) -> Flask:
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", **config})
    init_security(app)
    app.add_url_rule("/addr", "addr", lambda: f"{request.remote_addr} {request.scheme}")
    return app


@pytest.mark.parametrize(("config", "seen"), [
    ({}, "10.0.0.2 http"),  # no proxy configured: X-Forwarded-For is the client's own writing
    ({"HTTPS": True}, "203.0.113.9 https"),  # one proxy by default with HTTPS
    ({"HTTPS": True, "PROXY_COUNT": 2}, "198.51.100.4 https"),  # a load balancer before the proxy
    ({"PROXY_COUNT": "1"}, "203.0.113.9 http"),  # from the environment, as a string
])
def test_client_address_is_taken_from_the_trusted_proxies_only(tmp_path, config, seen):
    client = _address_app(tmp_path, **config).test_client()
    response = client.get("/addr", environ_base={"REMOTE_ADDR": "10.0.0.2"}, headers={
        "X-Forwarded-For": "6.6.6.6, 198.51.100.4, 203.0.113.9", "X-Forwarded-Proto": "https"})
    assert response.get_data(as_text=True) == seen


def test_proxy_count_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WINGRANT_PROXY_COUNT", "2")
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["PROXY_COUNT"] == 2

"""When the database is unreachable or drops connections, pages and API answer 503 (German page,
JSON in the API), and the end of a request never raises (issue 19, item 7)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer
from wingrant.extensions import db as _db

OUTAGE_TEXT = "Die Datenbank ist gerade nicht erreichbar"


@contextmanager
def database_down(app):
    """Every new connection fails, and the pooled ones are gone (as after a server restart)."""
    with app.app_context():
        engine = _db.engine

    dbapi_error = engine.dialect.loaded_dbapi.OperationalError  # sqlite3's or psycopg's

    def refuse(*_args, **_kwargs):
        raise dbapi_error("connection refused (simulated outage)")

    engine.dispose()
    sa.event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        sa.event.remove(engine, "do_connect", refuse)
        engine.dispose()


@pytest.mark.parametrize("path", ["/", "/portal/", "/portal/huchting/beschluesse"])
def test_pages_answer_503_with_a_german_page_when_the_database_is_down(app, client, path):
    with database_down(app):
        response = client.get(path)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert OUTAGE_TEXT in page and '<html lang="de"' in page
    assert response.headers["Retry-After"] == "30"


def test_logged_in_page_answers_503_without_reaching_for_the_user(app, client, auth, make_user):
    make_user("qm@example.org")
    auth.login("qm@example.org")
    with database_down(app):
        response = client.get("/konto/passwort")
    assert response.status_code == 503
    assert OUTAGE_TEXT in response.get_data(as_text=True)
    assert client.get("/konto/passwort").status_code == 200  # the session outlives the outage


def test_api_answers_503_as_json_when_the_database_is_down(app, client, make_user, db):
    from wingrant.api import tokens

    _token, secret = tokens.create_token(make_user("qm@example.org"), "Test")
    db.session.commit()
    db.session.remove()
    with database_down(app):
        response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 503
    assert response.is_json
    assert "vorübergehend nicht erreichbar" in response.get_json()["message"]


def test_pages_without_the_database_still_answer_during_an_outage(app, client):
    with database_down(app):
        assert client.get("/anmelden").status_code == 200
        assert client.get("/gibt-es-nicht").status_code == 404


def test_health_check_answers_503_when_the_database_is_down(app, client):
    with database_down(app):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_a_failing_session_close_at_the_end_of_a_request_does_not_fail_the_response(app, client, monkeypatch):
    real_close = sa.orm.Session.close

    def close_on_a_killed_connection(self):
        real_close(self)  # (the connection goes back to the pool: nothing of this test lingers)
        raise sa.exc.OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

    monkeypatch.setattr(sa.orm.Session, "close", close_on_a_killed_connection)
    response = client.get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 200

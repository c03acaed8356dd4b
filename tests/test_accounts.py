"""Password change, user administration and the audit log."""

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD, csrf_token_from
from wingrant.audit.models import AuditEvent
from wingrant.auth.models import Role, User

NEW_PASSWORD = "ein ganz neuer langer satz"


def _post(client, url, data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_password_change_needs_the_current_password(auth, client, make_user):
    make_user("qm@example.org")
    auth.login("qm@example.org")
    page = _post(client, "/konto/passwort", {"current_password": "falsch-falsch-falsch",
                                             "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert "Das bisherige Passwort stimmt nicht." in page.get_data(as_text=True)


def test_password_change_applies_the_policy_with_german_messages(auth, client, make_user):
    make_user("qm@example.org")
    auth.login("qm@example.org")
    page = _post(client, "/konto/passwort", {"current_password": TEST_PASSWORD,
                                             "new_password": "kurz", "repeat": "kurz"}).get_data(as_text=True)
    assert "mindestens 12 Zeichen" in page
    page = _post(client, "/konto/passwort", {"current_password": TEST_PASSWORD,
                                             "new_password": NEW_PASSWORD, "repeat": "anders"}).get_data(as_text=True)
    assert "stimmen nicht überein" in page


def test_password_change_ends_other_sessions_but_keeps_this_one(app, auth, client, make_user):
    make_user("qm@example.org")
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login("qm@example.org")
    auth.login("qm@example.org")
    response = _post(client, "/konto/passwort", {"current_password": TEST_PASSWORD,
                                                 "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Abmelden" in client.get("/").get_data(as_text=True)
    assert "Abmelden" not in other.get("/").get_data(as_text=True)
    auth.logout()
    assert auth.login("qm@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("path", ["/verwaltung/benutzer/", "/verwaltung/benutzer/neu", "/verwaltung/audit/"])
def test_administration_is_for_administrators_only(auth, client, make_user, make_neighbourhood, path):
    assert client.get(path).status_code == 302  # anonymous: to the login
    nb = make_neighbourhood("Huchting")
    make_user("qm@example.org", roles={nb: Role.MANAGER})
    auth.login("qm@example.org")
    assert client.get(path).status_code == 403


def test_denied_access_is_audited(auth, client, make_user, db):
    make_user("qm@example.org")
    auth.login("qm@example.org")
    client.get("/verwaltung/audit/")
    db.session.rollback()
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="auth.access_denied")).scalar_one()


def test_administrator_creates_an_account_with_a_role(auth, client, make_user, make_neighbourhood, db):
    nb = make_neighbourhood("Huchting")
    make_user("admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    response = _post(client, "/verwaltung/benutzer/neu", {
        "email": "neu@example.org", "name": "Neue QM", "password": "ein sicheres langes passwort",
        "neighbourhood": str(nb.id), "role": "manager"})
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.execute(sa.select(User).filter_by(email="neu@example.org")).scalar_one()
    assert user.role_in(nb.id) == Role.MANAGER


def test_duplicate_account_is_refused_in_german(auth, client, make_user):
    make_user("admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    page = _post(client, "/verwaltung/benutzer/neu", {
        "email": "ADMIN@example.org", "name": "Doppelt", "password": "ein sicheres langes passwort",
        "neighbourhood": "0", "role": "reader"}).get_data(as_text=True)
    assert "Es gibt bereits ein Konto mit dieser E-Mail-Adresse." in page


def test_disabling_an_account_ends_its_sessions(app, auth, client, make_user):
    from tests.conftest import AuthActions

    target = make_user("qm@example.org")
    make_user("admin@example.org", is_admin=True)
    qm_client = app.test_client()
    AuthActions(qm_client).login("qm@example.org")
    assert "Abmelden" in qm_client.get("/").get_data(as_text=True)
    auth.login("admin@example.org")
    token = csrf_token_from(client.get(f"/verwaltung/benutzer/{target.id}").get_data(as_text=True))
    assert client.post(f"/verwaltung/benutzer/{target.id}/aktiv", data={"csrf_token": token}).status_code == 302
    assert "Abmelden" not in qm_client.get("/").get_data(as_text=True)


def test_audit_log_filters_by_neighbourhood(auth, client, make_user, make_budget, make_neighbourhood):
    huchting, grohn = make_neighbourhood("Huchting"), make_neighbourhood("Grohn")
    make_budget(1_000_00, neighbourhood=huchting)
    make_budget(2_000_00, neighbourhood=grohn)
    make_user("admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    page = client.get(f"/verwaltung/audit/?quartier={huchting.id}&aktion=ledger.").get_data(as_text=True)
    assert "100000" in page and "200000" not in page

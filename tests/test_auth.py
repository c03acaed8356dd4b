"""Login and logout through the real forms (CSRF on)."""

import sqlalchemy as sa

from wingrant.audit.models import AuditEvent
from wingrant.auth import services as auth_services
from wingrant.auth.passwords import password_problem


def test_login_with_correct_password_starts_a_session(auth, client, make_user):
    make_user("qm@example.org", name="Maren Hollmann")
    response = auth.login("QM@example.org ", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Willkommen, Maren Hollmann." in page
    assert "Abmelden" in page


def test_wrong_password_is_refused_with_a_german_message(auth, make_user, db):
    make_user("qm@example.org")
    page = auth.login("qm@example.org", "falsches-passwort-123").get_data(as_text=True)
    assert "E-Mail-Adresse oder Passwort ist falsch." in page
    assert "Abmelden" not in page
    assert db.session.execute(sa.select(AuditEvent).filter_by(action="auth.login_failed")).scalar_one()


def test_unknown_email_gets_the_same_message_as_a_wrong_password(auth):
    page = auth.login("niemand@example.org").get_data(as_text=True)
    assert "E-Mail-Adresse oder Passwort ist falsch." in page


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("qm@example.org")
    response = client.post("/anmelden", data={"email": "qm@example.org", "password": "korrekt-pferd-batterie"})
    assert response.status_code == 400
    assert "Abmelden" not in client.get("/").get_data(as_text=True)


def test_disabled_account_cannot_log_in(auth, make_user, db):
    user = make_user("qm@example.org")
    user.active = False
    db.session.commit()
    assert "E-Mail-Adresse oder Passwort ist falsch." in auth.login("qm@example.org").get_data(as_text=True)


def test_logout_needs_post_and_ends_the_session(auth, client, make_user):
    make_user("qm@example.org")
    auth.login("qm@example.org")
    assert client.get("/abmelden").status_code == 405
    auth.logout()
    assert "Abmelden" not in client.get("/").get_data(as_text=True)


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_is_worthless(app, auth, client, make_user):
    make_user("qm@example.org")
    auth.login("qm@example.org")
    copied = client.get_cookie("session").value  # e.g. left behind on a shared computer
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/konto/passwort").status_code == 200  # the copy works while the session lives
    auth.logout()
    page = thief.get("/konto/passwort")
    assert page.status_code == 302 and "/anmelden" in page.headers["Location"]


def test_ending_sessions_on_the_server_logs_out_every_browser(auth, client, make_user, db):
    user = make_user("qm@example.org")
    auth.login("qm@example.org")
    assert "Abmelden" in client.get("/").get_data(as_text=True)
    auth_services.end_sessions(user.id)
    assert "Abmelden" not in client.get("/").get_data(as_text=True)


def test_login_redirect_never_leaves_the_site(auth, client, make_user):
    make_user("qm@example.org")
    page = client.get("/anmelden?next=//evil.example/x")
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/anmelden?next=//evil.example/x", data={
        "csrf_token": token, "email": "qm@example.org", "password": "korrekt-pferd-batterie"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_password_needs_twelve_characters_and_is_not_common():
    assert "mindestens 12 Zeichen" in password_problem("kurz")
    assert "zu verbreitet" in password_problem("werderbremen")
    assert password_problem("ein langer satz ohne regeln") is None


def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in user.password_hash

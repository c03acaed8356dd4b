"""The optional second factor (TOTP, RFC 6238): the pure algorithm, enrolment, the code
step of the login, throttling, replay, expiry, switching it off and the administrator's reset."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD, AuthActions, csrf_token_from
from wingrant.audit.models import AuditEvent
from wingrant.auth import totp, two_factor
from wingrant.auth.models import User

# --- the pure algorithm ----------------------------------------------------------------------

RFC_SECRET = b"12345678901234567890"  # the RFC 4226 / RFC 6238 (SHA-1) test key


@pytest.mark.parametrize(("counter", "code"), list(enumerate([
    "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"])))
def test_hotp_matches_the_rfc_4226_test_vectors(counter, code):
    assert totp.hotp(RFC_SECRET, counter) == code


@pytest.mark.parametrize(("unix_time", "code"), [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
    (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130")])
def test_totp_matches_the_rfc_6238_sha1_test_vectors(unix_time, code):
    import base64

    secret = base64.b32encode(RFC_SECRET).decode()
    assert totp.code_at(secret, unix_time, digits=8) == code
    assert totp.code_at(secret, unix_time) == code[-6:]  # six digits: the same number, truncated


def test_code_is_valid_one_step_either_side_and_no_further():
    secret, now = totp.new_secret(), 1_700_000_000
    for offset, valid in ((-60, False), (-30, True), (0, True), (30, True), (60, False)):
        step = totp.matching_step(secret, totp.code_at(secret, now + offset), unix_time=now)
        assert (step is not None) == valid, offset
        if valid:
            assert step == totp.time_step(now + offset)


def test_code_of_an_already_used_step_is_refused():
    secret, now = totp.new_secret(), 1_700_000_000
    code = totp.code_at(secret, now)
    step = totp.matching_step(secret, code, unix_time=now)
    assert totp.matching_step(secret, code, unix_time=now, last_step=step) is None
    assert totp.matching_step(secret, code, unix_time=now, last_step=step - 1) == step


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12345\x00"])
def test_malformed_codes_are_refused(typed):
    assert totp.matching_step(totp.new_secret(), typed, unix_time=1_700_000_000) is None


def test_spaces_and_dashes_in_a_typed_code_do_not_matter():
    secret, now = totp.new_secret(), 1_700_000_000
    code = totp.code_at(secret, now)
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", unix_time=now) is not None
    assert totp.matching_step(secret, f"{code[:3]}-{code[3:]}", unix_time=now) is not None


def test_new_secrets_are_random_base32_of_160_bits():
    secrets = {totp.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert re.fullmatch(r"[A-Z2-7]{32}", secret) and len(totp.secret_bytes(secret)) == 20
        assert totp.secret_bytes(totp.grouped(secret).lower()) == totp.secret_bytes(secret)


def test_provisioning_uri_names_issuer_account_and_parameters():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "gf@wingrant.example")
    assert uri.startswith("otpauth://totp/wingrant:gf@wingrant.example?")
    for part in ("secret=JBSWY3DPEHPK3PXP", "issuer=wingrant", "algorithm=SHA1", "digits=6", "period=30"):
        assert part in uri
    assert totp.grouped("JBSWY3DPEHPK3PXP") == "JBSW Y3DP EHPK 3PXP"


# --- through the app ---------------------------------------------------------------------------


def _events(db, action: str) -> list[AuditEvent]:
    db.session.rollback()
    return db.session.execute(sa.select(AuditEvent).filter_by(action=action)).scalars().all()


def _fresh_user(db, user_id) -> User:
    db.session.rollback()
    return db.session.get(User, user_id)


def _logged_in(client) -> bool:
    return "Abmelden" in client.get("/").get_data(as_text=True)


def _post(client, url, data, page=None):
    token = csrf_token_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def enrolled(db, make_user):
    """An administrator with the second factor set up (its last used step long ago)."""
    user = make_user("gf@example.org", is_admin=True, name="Geschäftsführung")
    user.totp_secret = totp.new_secret()
    db.session.commit()
    return user


def _code(user) -> str:
    return totp.code_at(user.totp_secret, time.time())


def test_enrolment_shows_qr_code_uri_and_secret_and_stores_nothing_before_confirmation(auth, client, make_user, db):
    user = make_user("gf@example.org", is_admin=True)
    auth.login("gf@example.org")
    response = client.get("/konto/zwei-faktor")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<img src="data:image/svg+xml;' in page and 'alt="QR-Code' in page
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)
    assert f"otpauth://totp/wingrant:gf@example.org?secret={secret.replace(' ', '')}" in page
    assert " style=" not in page and "<script>" not in page
    # the same secret while the enrolment is open, and nothing in the database yet
    assert secret in client.get("/konto/zwei-faktor").get_data(as_text=True)
    assert _fresh_user(db, user.id).totp_secret is None


def test_enrolment_needs_a_valid_code_then_ends_other_sessions(app, auth, client, make_user, db):
    user = make_user("gf@example.org", is_admin=True)
    other = app.test_client()
    AuthActions(other).login("gf@example.org")
    auth.login("gf@example.org")
    page = client.get("/konto/zwei-faktor").get_data(as_text=True)
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")

    wrong = _post(client, "/konto/zwei-faktor", {"code": "000000" if totp.code_at(secret, time.time()) != "000000"
                                                 else "111111"})
    assert wrong.status_code == 422
    assert "Der Code stimmt nicht" in wrong.get_data(as_text=True)
    assert _fresh_user(db, user.id).totp_secret is None

    response = _post(client, "/konto/zwei-faktor", {"code": totp.code_at(secret, time.time())})
    assert response.status_code == 302
    stored = _fresh_user(db, user.id)
    assert stored.totp_secret == secret and stored.totp_last_step is not None
    assert _events(db, "auth.totp_enabled")
    assert _logged_in(client) and not _logged_in(other)
    assert "ist eingerichtet" in client.get("/konto/zwei-faktor").get_data(as_text=True)


def test_password_alone_does_not_log_in_an_enrolled_user(auth, client, enrolled, db):
    response = auth.login("gf@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/anmelden/code"
    assert not _logged_in(client)
    assert client.get("/verwaltung/benutzer/").status_code == 302  # to the login, not in
    assert _events(db, "auth.login_password_ok") and not _events(db, "auth.login")
    assert _fresh_user(db, enrolled.id).last_login_at is None


def test_correct_code_completes_the_login_with_a_new_session(auth, client, enrolled, db):
    auth.login("gf@example.org")
    before = client.get_cookie("session").value
    response = _post(client, "/anmelden/code", {"code": _code(enrolled)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get_cookie("session").value != before
    assert _logged_in(client)
    assert client.get("/verwaltung/benutzer/").status_code == 200
    [event] = _events(db, "auth.login")
    assert event.after == {"second_factor": "totp"}


def test_login_code_step_keeps_the_requested_page(client, enrolled):
    page = client.get("/anmelden?next=/verwaltung/benutzer/")
    token = csrf_token_from(page.get_data(as_text=True))
    client.post("/anmelden?next=/verwaltung/benutzer/",
                data={"csrf_token": token, "email": "gf@example.org", "password": TEST_PASSWORD})
    response = _post(client, "/anmelden/code", {"code": _code(enrolled)})
    assert response.headers["Location"] == "/verwaltung/benutzer/"


def test_wrong_code_is_refused_audited_and_counted(auth, client, enrolled, db):
    auth.login("gf@example.org")
    good = _code(enrolled)
    response = _post(client, "/anmelden/code", {"code": str((int(good) + 1) % 1_000_000).zfill(6)})
    assert response.status_code == 422
    assert "Der Code stimmt nicht oder wurde schon verwendet." in response.get_data(as_text=True)
    assert not _logged_in(client)
    assert len(_events(db, "auth.totp_failed")) == 1


def test_wrong_codes_count_towards_the_login_throttle_and_a_new_password_does_not_reset_them(
        auth, client, enrolled, db):
    auth.login("gf@example.org")
    for _ in range(4):
        _post(client, "/anmelden/code", {"code": "abcdef"})
    auth.login("gf@example.org")  # the right password again: the counter stays
    _post(client, "/anmelden/code", {"code": "abcdef"})
    response = _post(client, "/anmelden/code", {"code": _code(enrolled)}, page="/anmelden/code")
    assert response.status_code == 303
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in client.get("/anmelden").get_data(as_text=True)
    assert not _logged_in(client)
    assert _events(db, "auth.login_throttled")
    assert auth.login("gf@example.org").status_code == 429  # the password step is locked too


def test_a_code_cannot_be_used_twice(app, auth, client, enrolled):
    code = _code(enrolled)
    auth.login("gf@example.org")
    assert _post(client, "/anmelden/code", {"code": code}).status_code == 302
    thief = app.test_client()
    AuthActions(thief).login("gf@example.org")
    response = _post(thief, "/anmelden/code", {"code": code})
    assert response.status_code == 422 and not _logged_in(thief)


def test_pending_login_expires(auth, client, enrolled, monkeypatch):
    auth.login("gf@example.org")
    monkeypatch.setattr(two_factor, "PENDING_LOGIN_SECONDS", -1)
    response = _post(client, "/anmelden/code", {"code": _code(enrolled)}, page="/anmelden")
    assert response.status_code == 302 and response.headers["Location"] == "/anmelden"
    assert "Die Anmeldung ist abgelaufen." in client.get("/anmelden").get_data(as_text=True)
    assert not _logged_in(client)


def test_code_step_without_a_password_first_leads_to_the_login(client):
    response = client.get("/anmelden/code")
    assert response.status_code == 302 and response.headers["Location"] == "/anmelden"


def test_account_disabled_during_the_code_step_cannot_finish(auth, client, enrolled, make_user):
    from wingrant.auth import services

    admin = make_user("admin2@example.org", is_admin=True)
    auth.login("gf@example.org")
    services.set_active(enrolled.id, False, actor=admin)
    response = _post(client, "/anmelden/code", {"code": _code(enrolled)}, page="/anmelden")
    assert response.status_code == 302 and response.headers["Location"] == "/anmelden"
    assert not _logged_in(client)


def _log_in_fully(auth, client, user):
    auth.login(user.email)
    assert _post(client, "/anmelden/code", {"code": _code(user)}).status_code == 302


def test_switching_off_needs_the_password_or_a_current_code(auth, client, enrolled, db):
    _log_in_fully(auth, client, enrolled)
    response = _post(client, "/konto/zwei-faktor/abschalten", {"password": "falsch-falsch-falsch", "code": ""},
                     page="/konto/zwei-faktor")
    assert response.status_code == 422
    assert "Bitte Ihr Passwort oder einen aktuellen Code" in response.get_data(as_text=True)
    assert _fresh_user(db, enrolled.id).totp_secret is not None
    assert _events(db, "auth.totp_disable_failed")

    response = _post(client, "/konto/zwei-faktor/abschalten", {"password": TEST_PASSWORD, "code": ""},
                     page="/konto/zwei-faktor")
    assert response.status_code == 302
    assert _fresh_user(db, enrolled.id).totp_secret is None
    assert _events(db, "auth.totp_disabled")


def test_administrator_resets_another_users_second_factor(app, auth, client, enrolled, make_user, db):
    victim_client = app.test_client()
    _log_in_fully(AuthActions(victim_client), victim_client, enrolled)
    make_user("admin2@example.org", is_admin=True)
    auth.login("admin2@example.org")
    page = client.get(f"/verwaltung/benutzer/{enrolled.id}").get_data(as_text=True)
    assert "Zwei-Faktor-Anmeldung zurücksetzen" in page
    response = _post(client, f"/verwaltung/benutzer/{enrolled.id}/zwei-faktor-zuruecksetzen", {},
                     page=f"/verwaltung/benutzer/{enrolled.id}")
    assert response.status_code == 302
    stored = _fresh_user(db, enrolled.id)
    assert stored.totp_secret is None and stored.totp_last_step is None
    [event] = _events(db, "auth.totp_reset")
    assert event.object_id == enrolled.id and event.user_id != enrolled.id
    assert not _logged_in(victim_client)
    # the account logs in with its password again
    assert AuthActions(victim_client).login("gf@example.org").headers["Location"] == "/"


def test_only_administrators_reset_a_second_factor(auth, client, enrolled, make_user, make_neighbourhood, db):
    from wingrant.auth.models import Role

    nb = make_neighbourhood("Huchting")
    make_user("qm@example.org", roles={nb: Role.MANAGER})
    auth.login("qm@example.org")
    response = _post(client, f"/verwaltung/benutzer/{enrolled.id}/zwei-faktor-zuruecksetzen", {}, page="/")
    assert response.status_code == 403
    assert _fresh_user(db, enrolled.id).totp_secret is not None


def test_every_user_may_enrol(auth, client, make_user, make_neighbourhood):
    from wingrant.auth.models import Role

    make_user("lesend@example.org", roles={make_neighbourhood("Huchting"): Role.READER})
    auth.login("lesend@example.org")
    assert client.get("/konto/zwei-faktor").status_code == 200


def test_sessions_ended_during_the_code_step_end_the_half_login_too(auth, client, enrolled):
    """Ending every session (say, after a suspected break-in) also ends a login waiting for its code."""
    from wingrant.auth import services

    auth.login("gf@example.org")
    services.end_sessions(enrolled.id)
    response = _post(client, "/anmelden/code", {"code": _code(enrolled)}, page="/anmelden")
    assert response.status_code == 302 and response.headers["Location"] == "/anmelden"
    assert not _logged_in(client)

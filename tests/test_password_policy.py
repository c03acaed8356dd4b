"""The password policy: at least 12 characters, not a common or guessable password (a list of
55,860 shipped with the app), no composition rules."""

from __future__ import annotations

import gzip

import pytest

from tests.conftest import TEST_PASSWORD, csrf_token_from
from wingrant.auth.passwords import COMMON_PASSWORDS_FILE, common_passwords, is_common, password_problem

TOO_COMMON = "Dieses Passwort ist zu verbreitet."


def test_the_shipped_list_is_large_lower_case_and_licensed():
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        listed = [line.rstrip("\n") for line in lines]
    assert len(listed) > 50_000 and len(set(listed)) == len(listed)
    assert listed[:3] == ["123456", "password", "12345678"]  # most common first
    assert all(p == p.lower().strip() and p for p in listed)
    licence = COMMON_PASSWORDS_FILE.with_name("common_passwords.LICENSE.txt").read_text()
    assert "MIT" in licence or "Permission is hereby granted" in licence
    assert "Django Software Foundation" in licence


@pytest.mark.parametrize("password", [
    "1qaz2wsx3edc", "qwerty123456", "123456654321", "finalfantasy", "leavemealone",  # listed, 12+ characters
    "QAZWSXEDCRFV", " iseedeadpeople ",  # case and surrounding spaces do not matter
])
def test_listed_passwords_are_refused(password):
    assert password.strip().lower() in common_passwords()
    assert TOO_COMMON in password_problem(password)


@pytest.mark.parametrize("password", ["Passwort2024!", "dragon123456", "!!Sonnenschein!!", "Werderbremen1899",
                                      "wingrant2026!"])
def test_listed_word_decorated_with_digits_or_symbols_is_refused(password):
    assert TOO_COMMON in password_problem(password)


@pytest.mark.parametrize("password", ["qwertyqwerty", "abcabcabcabc", "hallohallohallo", "aaaaaaaaaaaaaaaa"])
def test_a_short_piece_repeated_is_refused(password):
    assert TOO_COMMON in password_problem(password)


@pytest.mark.parametrize("password", [TEST_PASSWORD, "ein langer satz ohne regeln", "sommerfest-im-quartier",
                                      "Die Weser fließt bei Hemelingen", "7 grüne Bänke am Roland"])
def test_long_unusual_passwords_are_accepted_without_composition_rules(password):
    assert not is_common(password)
    assert password_problem(password) is None


def test_length_is_checked_before_the_list():
    assert "mindestens 12 Zeichen" in password_problem("password")
    assert "höchstens 256 Zeichen" in password_problem("x" * 257)


def test_new_account_with_a_common_password_is_refused_in_german(auth, client, make_user, db):
    import sqlalchemy as sa

    from wingrant.auth.models import User

    make_user("admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    token = csrf_token_from(client.get("/verwaltung/benutzer/neu").get_data(as_text=True))
    page = client.post("/verwaltung/benutzer/neu", data={
        "csrf_token": token, "email": "neu@example.org", "name": "Neu", "password": "Qwerty123456!",
        "neighbourhood": "0", "role": "reader"}).get_data(as_text=True)
    assert TOO_COMMON in page
    db.session.rollback()
    assert db.session.execute(sa.select(User).filter_by(email="neu@example.org")).scalar_one_or_none() is None

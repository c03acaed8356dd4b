"""Password hashing (argon2id with OWASP's parameters) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

MIN_LENGTH = 12

#: A short built-in list; the full policy check lands with the security work.
COMMON_PASSWORDS = frozenset({
    "123456789012", "passwort1234", "password1234", "qwertzuiop12", "qwertyuiop12",
    "hallohallo12", "bremen123456", "werderbremen", "111111111111", "000000000000",
    "passwortpasswort", "passwordpassword", "iloveyou1234", "123456789abc",
})

# A valid hash of a random password: verifying against it when the user does not
# exist costs the same time, so response times do not reveal which e-mails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-wingrant")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """A German message if the password is not acceptable, else None. No composition rules."""
    if len(password) < MIN_LENGTH:
        return _("Das Passwort muss mindestens %(n)s Zeichen lang sein.", n=MIN_LENGTH)
    if len(password) > 256:
        return _("Das Passwort darf höchstens 256 Zeichen lang sein.")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) <= 2:
        return _("Dieses Passwort ist zu verbreitet. Bitte wählen Sie ein anderes.")
    return None

"""Password hashing (argon2id with OWASP's parameters) and the password policy."""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

MIN_LENGTH = 12

#: Words of this place and this application, as easy to guess as the listed passwords.
COMMON_PASSWORDS = frozenset({
    "123456789012", "passwort1234", "password1234", "qwertzuiop12", "qwertyuiop12",
    "hallohallo12", "bremen123456", "werderbremen", "111111111111", "000000000000",
    "passwortpasswort", "passwordpassword", "iloveyou1234", "123456789abc",
    "wingrant", "bremen", "werder", "passwort", "kennwort", "geheim", "quartier", "quartiersmanagement",
    "nachbarschaft", "wohneninnachbarschaften", "stadtteilgruppe", "geschaeftsfuehrung", "geschäftsführung",
})
#: 55,860 common passwords, most common first (provenance and licences: common_passwords.LICENSE.txt).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt.gz")
#: Digits, punctuation and spaces around a word: "Passwort2024!" is "passwort" with decoration.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")

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


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip()) | COMMON_PASSWORDS


def is_common(password: str) -> bool:
    """A listed password, a listed one decorated with digits or symbols ("Passwort2024!"),
    or one short piece repeated ("qwertyqwerty", "abababababab")."""
    lowered = password.strip().lower()
    common = common_passwords()
    if lowered in common:
        return True
    core = _DECORATION.sub("", lowered)
    if len(core) >= 4 and core in common:
        return True
    return any(len(lowered) % size == 0 and lowered == lowered[:size] * (len(lowered) // size)
               for size in range(1, len(lowered) // 2 + 1))


def password_problem(password: str) -> str | None:
    """A German message if the password is not acceptable, else None. No composition rules
    (NIST SP 800-63B, OWASP ASVS 6.2): length, and not a common or guessable password."""
    if len(password) < MIN_LENGTH:
        return _("Das Passwort muss mindestens %(n)s Zeichen lang sein.", n=MIN_LENGTH)
    if len(password) > 256:
        return _("Das Passwort darf höchstens 256 Zeichen lang sein.")
    if len(set(password)) <= 2 or is_common(password):
        return _("Dieses Passwort ist zu verbreitet. Bitte wählen Sie ein anderes.")
    return None

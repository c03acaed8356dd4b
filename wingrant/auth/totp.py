"""Time-based one-time passwords (RFC 6238 on top of HOTP, RFC 4226) — pure functions.

Parameters are the ones every authenticator app understands without asking:
HMAC-SHA-1, 6 digits, 30-second steps. A code is accepted for the current step
and one step either side (clock drift); the caller keeps the last accepted step
so that a code is never accepted twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
#: Steps accepted either side of the current one.
WINDOW = 1
#: 160 bits, the HMAC-SHA-1 block RFC 4226 recommends.
SECRET_BYTES = 20
ISSUER = "wingrant"


def new_secret() -> str:
    """A random base32 secret (32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret: str) -> bytes:
    """Decode a base32 secret; spaces and case do not matter, padding is optional."""
    cleaned = "".join(secret.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226: HMAC-SHA-1 of the 8-byte counter, dynamically truncated to ``digits`` digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def time_step(unix_time: float, step_seconds: int = STEP_SECONDS) -> int:
    return int(unix_time // step_seconds)


def code_at(secret: str, unix_time: float, *, digits: int = DIGITS) -> str:
    """The code an authenticator shows at ``unix_time``."""
    return hotp(secret_bytes(secret), time_step(unix_time), digits)


def normalise_code(code: str) -> str:
    """What people type: "123 456" or "123-456" mean 123456."""
    return "".join(ch for ch in (code or "") if ch not in " -\t")


def matching_step(secret: str, code: str, *, unix_time: float, last_step: int | None = None,
                  window: int = WINDOW) -> int | None:
    """The time step ``code`` belongs to, if it is valid now and newer than ``last_step``; else None.

    Every candidate step is compared in constant time, so the answer's timing does
    not reveal how close a guess was.
    """
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    key = secret_bytes(secret)
    now = time_step(unix_time)
    found = None
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(hotp(key, step), code) and (last_step is None or step > last_step):
            found = step
    return found


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI that authenticator apps read from the QR code."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS,
                       "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str, size: int = 4) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i:i + size] for i in range(0, len(secret), size))

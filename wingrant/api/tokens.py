"""Personal API tokens: create, revoke, and resolve a presented secret to its user.

The secret is ``wg_`` plus 43 random URL-safe characters. Only its SHA-256 is
stored, so a leaked database does not leak working tokens; the secret is shown
to its owner exactly once. A token acts as its user with the user's current
roles: revoking the token, letting it expire or disabling the user ends it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..auth.models import User
from ..core import throttle
from ..database import unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from .models import ApiToken

SECRET_PREFIX = "wg_"
#: Characters of the secret kept in clear, so that the owner can tell tokens apart.
PREFIX_LENGTH = 11
NAME_MAX = 100
#: The most live tokens one user may hold.
MAX_TOKENS = 20
#: Failed token attempts per IP address before the API answers 429 for a while.
FAILED_LIMIT = 20
FAILED_WINDOW = timedelta(minutes=15)
THROTTLE_SCOPE = "api-token-ip"
#: ``last_used_at`` is written at most this often per token (a write per request would be waste).
USAGE_RESOLUTION = timedelta(minutes=5)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def live_tokens(user_id: int) -> list[ApiToken]:
    """The user's tokens that are neither revoked nor expired, newest first."""
    now = utcnow()
    return list(db.session.execute(
        sa.select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None),
                                  sa.or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def create_token(user, name: str, *, valid_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its secret, which is never available again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Bitte einen Namen für den Token angeben, z. B. wofür er gebraucht wird."),
                          field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("Höchstens %(max)s Zeichen.", max=NAME_MAX), field="name")
    if valid_days is not None and not 1 <= valid_days <= 3660:
        raise DomainError(_("Bitte eine Gültigkeit zwischen 1 und 3660 Tagen wählen."), field="valid_days")
    with unit_of_work():
        if len(live_tokens(user.id)) >= MAX_TOKENS:
            raise DomainError(_("Sie haben bereits %(max)s gültige Tokens. Bitte widerrufen Sie zuerst einen.",
                                max=MAX_TOKENS), field="name")
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH],
                         expires_at=utcnow() + timedelta(days=valid_days) if valid_days else None)
        db.session.add(token)
        audit.record("api_token.create", user=user, obj=token,
                     after={"name": name, "prefix": token.prefix,
                            "expires_at": token.expires_at.isoformat() if token.expires_at else None})
    return token, secret


def revoke_token(token_id: int, *, user) -> ApiToken:
    """Revoke one of the user's own tokens (another user's token does not exist for them)."""
    with unit_of_work():
        token = db.session.get(ApiToken, token_id)
        if token is None or token.user_id != user.id:
            raise DomainError(_("Diesen Token gibt es nicht."))
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            audit.record("api_token.revoke", user=user, obj=token, after={"name": token.name, "prefix": token.prefix})
    return token


class Throttled(Exception):
    """Too many failed attempts from this address."""


def authenticate(secret: str, *, ip: str) -> User | None:
    """The active user behind a presented secret, or None; failed attempts are counted per IP."""
    if throttle.is_limited(THROTTLE_SCOPE, ip, limit=FAILED_LIMIT, window=FAILED_WINDOW):
        raise Throttled()
    token = None
    if secret.startswith(SECRET_PREFIX) and len(secret) <= 200:
        token = db.session.execute(
            sa.select(ApiToken).where(ApiToken.token_hash == hash_secret(secret))
        ).scalar_one_or_none()
    now = utcnow()
    usable = (token is not None and token.revoked_at is None
              and (token.expires_at is None or token.expires_at > now) and token.user.active)
    if not usable:
        with unit_of_work():
            throttle.hit(THROTTLE_SCOPE, ip)
            audit.record("api_token.refused", obj=token if token is not None else None,
                         user=token.user if token is not None else None,
                         after={"reason": "unknown" if token is None else "revoked_expired_or_disabled"})
        return None
    if token.last_used_at is None or now - token.last_used_at > USAGE_RESOLUTION:
        with unit_of_work():
            db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    return db.session.get(User, token.user_id)

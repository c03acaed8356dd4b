"""The private link's token: derived from the installation's secret and a random nonce per application.

The database keeps the nonce and the token's SHA-256, never the token: a copy of the database alone
opens nothing (the secret key lives outside it). Because the token can be derived again, every mail
to the applicant carries the same link as the receipt did, so a bookmarked link keeps working; only
a new link (staff "Neuer Link", "Link verloren?") draws a new nonce and so ends the old one.
Applications whose link was issued before nonces existed have none: a mail then issues a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derive(application_id: int, nonce: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"wingrant-private-link:{application_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(app) -> str:
    """A new link for ``app`` (the older one stops working); returns its token. ``app.id`` must be set."""
    app.access_nonce = secrets.token_hex(16)
    token = _derive(app.id, app.access_nonce)
    app.access_token_hash = hash_token(token)
    return token


def current(app) -> str:
    """The token of the link the applicant already has, or a new one where it cannot be derived."""
    if app.access_nonce:
        token = _derive(app.id, app.access_nonce)
        if app.access_token_hash == hash_token(token):  # the secret key is still the one it was made with
            return token
    return issue(app)

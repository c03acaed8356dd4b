"""The tokens of the confirmation and unsubscribe links.

Every list mail must carry the subscriber's unsubscribe link, so the token has to be produced
again for each mail; yet only hashes may be stored (a copy of the database must not unsubscribe
anyone or confirm foreign addresses). So a token is an HMAC of the subscriber's id and random salt
under the installation's secret key: the database stores the salt and the token's SHA-256, the
secret key stays in the instance folder. (Changing the secret key therefore invalidates the links
in mails already sent; the next list mail carries working ones.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app

#: Longest token accepted in a URL (43 characters are issued).
MAX_LENGTH = 100


def new_salt() -> str:
    return secrets.token_hex(16)


def make(purpose: str, subscriber_id: int, salt: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"wingrant-list:{purpose}:{subscriber_id}:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

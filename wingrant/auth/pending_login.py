"""The half-finished login of an account with a second factor, kept in the session.

After the right password the session holds only a marker (``pending_login``: user, session
version, start time, where to go next), never an authenticated user; the code step reads it back.
It expires after ``two_factor.PENDING_LOGIN_SECONDS`` and dies with a bumped session version.
Used by the password step (``views``) and the code step (``two_factor_views``).
"""

from __future__ import annotations

import time

from flask import session

from ..extensions import db
from . import two_factor
from .models import User

PENDING = "pending_login"


def start_pending_login(user: User, next_url: str) -> None:
    """After the correct password: a fresh session that only knows whose code to ask for."""
    session.clear()
    session[PENDING] = {"user_id": user.id, "version": user.session_version, "since": int(time.time()),
                        "next": next_url}


def pending_user() -> tuple[User, dict] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("since", 0) > two_factor.PENDING_LOGIN_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending.get("user_id"))
    if user is None or not user.active or not user.totp_secret or user.session_version != pending.get("version"):
        session.pop(PENDING, None)
        return None
    return user, pending

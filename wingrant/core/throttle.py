"""Rate limiting on counted events, kept in the database so that it holds across
all server processes (failed logins per account and per IP, public form posts)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..database import utcnow
from ..extensions import db
from .models import ThrottleEvent


def recent_count(scope: str, key: str, window: timedelta) -> int:
    since = utcnow() - window
    return db.session.execute(
        sa.select(sa.func.count(ThrottleEvent.id)).where(
            ThrottleEvent.scope == scope, ThrottleEvent.key == key[:254], ThrottleEvent.occurred_at >= since)
    ).scalar_one()


def is_limited(scope: str, key: str, *, limit: int, window: timedelta) -> bool:
    return recent_count(scope, key, window) >= limit


def hit(scope: str, key: str) -> None:
    """Count one event; call inside the caller's unit of work."""
    db.session.add(ThrottleEvent(scope=scope, key=key[:254]))


def clear(scope: str, key: str) -> None:
    db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.scope == scope, ThrottleEvent.key == key[:254]))


def purge_older_than(window: timedelta) -> int:
    result = db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.occurred_at < utcnow() - window))
    return result.rowcount or 0

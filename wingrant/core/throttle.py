"""Rate limiting on counted events, kept in the database so that it holds across
all server processes (failed logins per account and per IP, public form posts).

Where parallel requests must not slip past a limit (wrong passwords: 25 at once must not buy 25
guesses), ``take`` counts and checks in one step under a lock: an attempt is counted *before* the
expensive check it guards and given back (``give_back``) when it turns out not to be a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Limit:
    """At most ``limit`` events of ``scope``/``key`` within ``window``.

    With a ``slowdown`` the limit is a slow-down rather than a lock: beyond it, one more event
    is allowed each time ``slowdown`` has passed since the latest one.
    """

    scope: str
    key: str
    limit: int
    window: timedelta
    slowdown: timedelta | None = None


class LimitReached(Exception):
    def __init__(self, limit: Limit):
        super().__init__(limit.scope)
        self.limit = limit


def has_room(limit: Limit) -> bool:
    if recent_count(limit.scope, limit.key, limit.window) < limit.limit:
        return True
    if limit.slowdown is None:
        return False
    latest = db.session.execute(sa.select(sa.func.max(ThrottleEvent.occurred_at)).where(
        ThrottleEvent.scope == limit.scope, ThrottleEvent.key == limit.key[:254])).scalar_one()
    return latest is None or latest <= utcnow() - limit.slowdown


def take(*limits: Limit) -> list[int]:
    """Count one event under every limit if each has room, atomically; else count nothing and
    raise ``LimitReached`` naming the first limit without room.

    Returns the ids of the counted events (for ``give_back``). Call inside a unit of work: on
    SQLite it holds the database write lock already; on PostgreSQL a transaction-scoped advisory
    lock per counter serialises the count and the insert, which READ COMMITTED alone would not
    (two requests would both count four and both insert).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        # Always in the same order, so that two requests locking the same counters cannot deadlock.
        for scope, key in sorted({(lim.scope, lim.key[:254]) for lim in limits}):
            db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(scope),
                                                                       sa.func.hashtext(key))))
    for lim in limits:
        if not has_room(lim):
            raise LimitReached(lim)
    events = [ThrottleEvent(scope=lim.scope, key=lim.key[:254]) for lim in limits]
    db.session.add_all(events)
    db.session.flush()
    return [event.id for event in events]


def give_back(event_ids: list[int]) -> None:
    """Uncount events that ``take`` counted for an attempt that did not fail."""
    if event_ids:
        db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.id.in_(event_ids)))


def hit(scope: str, key: str) -> None:
    """Count one event; call inside the caller's unit of work."""
    db.session.add(ThrottleEvent(scope=scope, key=key[:254]))


def clear(scope: str, key: str) -> None:
    db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.scope == scope, ThrottleEvent.key == key[:254]))


def purge_older_than(window: timedelta) -> int:
    result = db.session.execute(sa.delete(ThrottleEvent).where(ThrottleEvent.occurred_at < utcnow() - window))
    return result.rowcount or 0

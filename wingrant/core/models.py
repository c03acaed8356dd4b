from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import utcnow
from ..extensions import db


class ThrottleEvent(db.Model):
    """One counted attempt (a failed login, a public form post) for rate limiting.

    Kept in the database, not in process memory, so that the limit holds across
    several gunicorn workers.
    """

    __tablename__ = "throttle_event"
    __table_args__ = (sa.Index("ix_throttle_event_scope_key_time", "scope", "key", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What is limited, e.g. ``login.account``, ``login.ip``, ``public_form.ip``.
    scope: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(254))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

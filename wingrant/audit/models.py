from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import utcnow
from ..extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_neighbourhood_time", "neighbourhood_id", "occurred_at"),
        sa.Index("ix_audit_event_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: NULL for anonymous actors (public form, failed login of an unknown e-mail).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    #: Dotted verb, e.g. ``ledger.commit``, ``auth.login_failed``.
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(60), default="")
    object_id: Mapped[int | None]
    neighbourhood_id: Mapped[int | None] = mapped_column(sa.ForeignKey("neighbourhood.id"))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import str_enum, utcnow
from ..extensions import db

__all__ = ["MailStatus", "NotificationOptOut", "OutboxAttachment", "OutboxMail"]


class MailStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for (another) delivery attempt
    SENT = "sent"
    FAILED = "failed"  # given up: refused for good or too many attempts; an administrator may retry


class OutboxMail(db.Model):
    """One mail to one recipient, rendered when the event happened, delivered by the worker."""

    __tablename__ = "outbox_mail"
    __table_args__ = (
        # The worker's claim: the due pending rows in order.
        sa.Index("ix_outbox_mail_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: What caused it, e.g. ``application.receipt`` (see ``kinds.py``).
    kind: Mapped[str] = mapped_column(sa.String(60), index=True)
    #: The neighbourhood the mail is about, for the Postausgang's filter; NULL for city-wide mail.
    neighbourhood_id: Mapped[int | None] = mapped_column(sa.ForeignKey("neighbourhood.id"), index=True)
    #: Personal data: anonymised with the recipient's other data after the retention period.
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str] = mapped_column(sa.String(5), default="de")
    #: Extra headers, e.g. List-Unsubscribe; name → value.
    headers: Mapped[dict | None] = mapped_column(sa.JSON)
    #: Set for mails that must be written once only (reminders): the event's key.
    dedup_key: Mapped[str | None] = mapped_column(sa.String(160), unique=True)
    #: ``<…@…>``, fixed when the row is written: every attempt sends the same one.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)

    status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus, "mail_status"), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: A worker's claim on the row until this moment (so two workers never send it both).
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    sent_at: Mapped[datetime | None]

    attachments: Mapped[list[OutboxAttachment]] = relationship(
        back_populates="mail", cascade="all, delete-orphan", order_by="OutboxAttachment.id")


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox_mail.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    #: The bytes; NULL until the worker has rendered them from ``source``.
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: ``<renderer>:<argument>``, e.g. ``decision_letter:17``: a document rendered at the first delivery
    #: attempt from records that no longer change (a PDF/A takes a second; the event's request
    #: should not wait for it). See ``worker.render_missing``.
    source: Mapped[str | None] = mapped_column(sa.String(80))

    mail: Mapped[OutboxMail] = relationship(back_populates="attachments")


class NotificationOptOut(db.Model):
    """An account does not want one kind of notice (no row: it gets it)."""

    __tablename__ = "notification_opt_out"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(60))

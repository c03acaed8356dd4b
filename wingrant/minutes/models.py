from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..database import str_enum, utcnow
from ..extensions import db
from ..meetings.models import Meeting


class MinutesState(enum.StrEnum):
    DRAFT = "draft"  # Entwurf
    APPROVED = "approved"  # genehmigt
    PUBLISHED = "published"  # veröffentlicht


class Minutes(db.Model):
    """The minutes of one meeting; its free-text parts stay editable until approval."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), unique=True)
    state: Mapped[MinutesState] = mapped_column(str_enum(MinutesState, "minutes_state"), default=MinutesState.DRAFT)
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    closing_remarks: Mapped[str] = mapped_column(sa.Text, default="")
    next_meeting_date: Mapped[date | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: The meeting under whose item "Genehmigung des Protokolls" these were approved.
    approved_in_meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id"))
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    versions: Mapped[list[MinutesVersion]] = relationship(
        back_populates="minutes", order_by="MinutesVersion.number"
    )


class MinutesVersion(db.Model):
    """A published rendering. Stored once, never re-rendered; a correction is a new version."""

    __tablename__ = "minutes_version"
    __table_args__ = (
        sa.UniqueConstraint("minutes_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint("number = 1 OR reason <> ''", name="correction_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"))
    number: Mapped[int]
    #: Why this version replaces the previous one.
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    pdf: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="versions")


class MinutesCirculation(db.Model):
    """The draft sent to the named attendees and the forum's mailing list.

    The objection period runs from the latest circulation, not from the latest edit: fixing a
    typo does not hold the approval back. A decision changed after the circulation does — the
    draft must go out again (``decisions_sha256`` tells whether it changed).
    """

    __tablename__ = "minutes_circulation"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"), index=True)
    circulated_at: Mapped[datetime] = mapped_column(default=utcnow)
    circulated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: Fingerprint of the meeting's decisions (outcome, amounts, conditions, reasons) as circulated.
    decisions_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: How many mails went to attendees and to subscribers (the addresses are not kept here).
    attendee_count: Mapped[int] = mapped_column(default=0)
    subscriber_count: Mapped[int] = mapped_column(default=0)


class MinutesObjection(db.Model):
    """An objection to the draft minutes (not to a decision: that is ``meetings.Objection``).

    Recorded by the QM or the minute-taker as it arrives (mail, phone, letter); while one stands
    against the circulated draft, the QM may not approve after the objection period — the forum
    decides at its next meeting.
    """

    __tablename__ = "minutes_objection"
    __table_args__ = (sa.CheckConstraint("author <> '' AND text <> ''", name="who_and_what"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id"), index=True)
    #: Who objected (a name, an organisation or a group). Personal data: retention applies.
    author: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    #: The day the objection reached the office.
    received_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

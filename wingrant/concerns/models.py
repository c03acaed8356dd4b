"""The concerns register: Anliegen and their dated follow-ups.

A concern is raised in a forum's public meeting (under "Wünsche und Anliegen") or brought to the
QM, and is public from the moment it is recorded — without the name of whoever raised it: no
column holds a name. Its history is an append-only list of follow-ups (the database refuses
UPDATE and DELETE of them, migration 0016); the concern's ``status`` and ``office`` repeat the
newest follow-up so that lists need no subquery.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..applications.models import Application
from ..database import str_enum, utcnow
from ..extensions import db
from ..meetings.models import AgendaItem
from ..neighbourhoods.models import Neighbourhood


class ConcernStatus(enum.StrEnum):
    RECORDED = "recorded"  # aufgenommen
    FORWARDED = "forwarded"  # weitergeleitet (an …)
    ANSWERED = "answered"  # Antwort erhalten
    DONE = "done"  # erledigt


#: Statuses under which a concern still waits for something (listed in every meeting's minutes).
OPEN_STATUSES = frozenset({ConcernStatus.RECORDED, ConcernStatus.FORWARDED, ConcernStatus.ANSWERED})


class Concern(db.Model):
    """An Anliegen of residents of one neighbourhood."""

    __tablename__ = "concern"
    __table_args__ = (
        sa.CheckConstraint("topic <> ''", name="has_topic"),
        sa.Index("ix_concern_neighbourhood_status", "neighbourhood_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"))
    #: What it is about, in a line ("Beleuchtung am Fußweg Amersfoorter Straße"). Public.
    topic: Mapped[str] = mapped_column(sa.String(200))
    #: The concern in a few sentences. Public; never a name (the form says so).
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: The day it was raised: the meeting's date, or the day it reached the QM.
    raised_on: Mapped[date]
    #: The "Wünsche und Anliegen" item it was raised under; empty when raised with the QM.
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="SET NULL"),
                                                       index=True)
    #: Current status and responsible office: those of the newest follow-up.
    status: Mapped[ConcernStatus] = mapped_column(str_enum(ConcernStatus, "concern_status"),
                                                  default=ConcernStatus.RECORDED)
    office: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The application draft this concern was turned into (the application does not point back:
    #: it sits in a lower layer; ``concerns.queries.concern_of_application`` reads the link).
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Last follow-up written (OParl ``modified``, the portal's "zuletzt geändert").
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    application: Mapped[Application | None] = relationship()
    follow_ups: Mapped[list[ConcernFollowUp]] = relationship(
        back_populates="concern", order_by="(ConcernFollowUp.date, ConcernFollowUp.id)"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ConcernFollowUp(db.Model):
    """One dated step of a concern: a status (change), the office, a public note.

    Append-only: a wrong entry is corrected by a later one, as in the ledger. Who wrote it is kept
    for the QM office (``created_by_id``), never published.
    """

    __tablename__ = "concern_follow_up"
    __table_args__ = (sa.Index("ix_concern_follow_up_concern_date", "concern_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(sa.ForeignKey("concern.id"))
    #: The day it happened (forwarded, answer received …), not the day it was typed in.
    date: Mapped[date]
    status: Mapped[ConcernStatus] = mapped_column(str_enum(ConcernStatus, "concern_status"))
    #: The office or department responsible from this step on (Ortsamt, ASV, Polizei …).
    office: Mapped[str] = mapped_column(sa.String(200), default="")
    #: What happened, for the public ("Antwort: Leuchte wird im März ersetzt").
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="follow_ups")

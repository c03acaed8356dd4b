from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..applications.models import Application
from ..database import Cents, str_enum, utcnow
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood, Programme
from .consensus import Outcome, ReasonCategory  # defined beside the pure rule; stored here


class MeetingState(enum.StrEnum):
    PLANNED = "planned"  # geplant
    INVITED = "invited"  # eingeladen
    HELD = "held"  # durchgeführt
    MINUTES_APPROVED = "minutes_approved"  # Protokoll genehmigt


#: From the invitation on, a meeting's agenda is public (never while it is only planned).
AGENDA_PUBLIC_STATES = frozenset({MeetingState.INVITED, MeetingState.HELD, MeetingState.MINUTES_APPROVED})


class AgendaItemKind(enum.StrEnum):
    WELCOME = "welcome"  # Begrüßung
    MINUTES_APPROVAL = "minutes_approval"  # Genehmigung des Protokolls der letzten Sitzung
    REPORTS = "reports"  # Berichte / Vorstellungen
    APPLICATION = "application"  # Beratung und Beschluss eines Antrags
    RESIDENTS = "residents"  # Wünsche und Anliegen der Bewohner:innen
    OTHER = "other"  # Sonstiges
    CUSTOM = "custom"  # a free item
    RESOLUTION = "resolution"  # a Beschluss or Stellungnahme without money (``resolution_models``)


class AttendeeGroup(enum.StrEnum):
    RESIDENTS = "residents"  # Bewohner:innen
    INSTITUTIONS = "institutions"  # Einrichtungen / Träger
    ADMINISTRATION = "administration"  # Verwaltung
    POLITICS = "politics"  # Politik / Beirat
    HOUSING = "housing"  # Wohnungswirtschaft
    GUESTS = "guests"  # Gäste


class Meeting(db.Model):
    """A public meeting of a neighbourhood's forum."""

    __tablename__ = "meeting"
    __table_args__ = (
        sa.CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="time_order"),
        sa.Index("ix_meeting_neighbourhood_date", "neighbourhood_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"))
    date: Mapped[date]
    starts_at: Mapped[time | None]
    ends_at: Mapped[time | None]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    online: Mapped[bool] = mapped_column(default=False)
    invitation_text: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[MeetingState] = mapped_column(str_enum(MeetingState, "meeting_state"), default=MeetingState.PLANNED)
    #: Position of the agenda item the QM has open in the live meeting (the projector follows it).
    current_position: Mapped[int | None]
    #: SHA-256 of the projector's secret link token (the token itself is shown once, never stored).
    projector_token_hash: Mapped[str | None] = mapped_column(sa.String(64))
    #: The room code phones need to send a signal (shown on the projector); ``None``: signals are off.
    signal_code: Mapped[str | None] = mapped_column(sa.String(8))
    #: Bumped whenever a signal arrives or is handled, so the live page's one-query poll sees it.
    signal_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position"
    )


class AgendaItem(db.Model):
    """A Tagesordnungspunkt (TOP)."""

    __tablename__ = "agenda_item"
    __table_args__ = (sa.Index("ix_agenda_item_meeting_position", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[AgendaItemKind] = mapped_column(str_enum(AgendaItemKind, "agenda_item_kind"))
    title: Mapped[str] = mapped_column(sa.String(300))
    #: Notes from the meeting, part of the minutes.
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    application: Mapped[Application | None] = relationship()
    decision: Mapped[Decision | None] = relationship(back_populates="agenda_item", uselist=False)
    resolution: Mapped[Resolution | None] = relationship(back_populates="agenda_item", uselist=False)


class HeadCount(db.Model):
    """How many people of a group were present (the open forum counts, it does not list)."""

    __tablename__ = "head_count"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "group"),
        sa.CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    group: Mapped[AttendeeGroup] = mapped_column(str_enum(AttendeeGroup, "attendee_group"))
    count: Mapped[int] = mapped_column(default=0)


class Attendance(db.Model):
    """A named attendee or apology. Names are published only with recorded consent."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    #: Personal data (retention applies).
    name: Mapped[str] = mapped_column(sa.String(200))
    group: Mapped[AttendeeGroup] = mapped_column(str_enum(AttendeeGroup, "attendee_group"))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Personal data (retention applies): where the draft minutes are sent, if the person gave it.
    email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    #: Sent apologies (entschuldigt) instead of attending.
    apologised: Mapped[bool] = mapped_column(default=False)
    consent_to_publish: Mapped[bool] = mapped_column(default=False)


class Decision(db.Model):
    """The forum's deliberation and outcome on one application item.

    Objections and recusals are recorded while the item is discussed; the
    outcome is NULL until the QM records it.
    """

    __tablename__ = "decision"
    __table_args__ = (
        sa.CheckConstraint(
            "outcome IS NULL OR decided_at IS NOT NULL", name="decided_when_outcome"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id"), unique=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id"), index=True)
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "outcome"))
    #: Reason of a deferral or rejection.
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Why money was deferred, refused or cut (lack of money vs. content, …); NULL where no money was
    #: withheld (approved as asked, withdrawn, referred). Old decisions: "not_recorded".
    reason_category: Mapped[ReasonCategory | None] = mapped_column(str_enum(ReasonCategory, "reason_category"))
    #: Conditions (Auflagen) attached to an approval.
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None]
    #: Only where the rules allow a vote after repeated deferrals.
    votes_yes: Mapped[int | None]
    votes_no: Mapped[int | None]
    votes_abstain: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: The administration's own decision on a referred case.
    admin_outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "admin_outcome"))
    admin_decided_at: Mapped[datetime | None]
    admin_decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="decision")
    application: Mapped[Application] = relationship()
    amounts: Mapped[list[DecisionAmount]] = relationship(back_populates="decision", cascade="all, delete-orphan")
    objections: Mapped[list[Objection]] = relationship(back_populates="decision", cascade="all, delete-orphan")
    recusals: Mapped[list[Recusal]] = relationship(back_populates="decision", cascade="all, delete-orphan")


class DecisionAmount(db.Model):
    """The amount approved from one programme."""

    __tablename__ = "decision_amount"
    __table_args__ = (
        sa.UniqueConstraint("decision_id", "programme_id"),
        sa.CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Cents)

    decision: Mapped[Decision] = relationship(back_populates="amounts")
    programme: Mapped[Programme] = relationship()


class Objection(db.Model):
    """An Einwand: one voice against; in strict consensus it blocks."""

    __tablename__ = "objection"
    __table_args__ = (
        sa.CheckConstraint("\"group\" IS NOT NULL OR person_name <> ''", name="who_objected"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    group: Mapped[AttendeeGroup | None] = mapped_column(str_enum(AttendeeGroup, "attendee_group"))
    #: Personal data; published only with consent.
    person_name: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: An objection can be withdrawn after discussion; it then no longer blocks.
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="objections")


class Recusal(db.Model):
    """Befangenheit: a person or organisation tied to the applicant does not take part."""

    __tablename__ = "recusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    person_name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    decision: Mapped[Decision] = relationship(back_populates="recusals")


# --- resolutions: a Beschluss or Stellungnahme without money -----------------------------------
#
# Drafted by the QM as an agenda item of its own (``AgendaItemKind.RESOLUTION``), decided in the
# live meeting under the same consensus rule as money (``consensus.decide``), minuted under its
# item, public once the minutes are published (``minutes.resolutions``). It never touches the ledger.


class ResolutionKind(enum.StrEnum):
    RESOLUTION = "resolution"  # Beschluss
    STATEMENT = "statement"  # Stellungnahme


#: The outcomes a resolution can have (no withdrawal by an applicant, no referral: no money).
RESOLUTION_OUTCOMES = (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES, Outcome.DEFERRED, Outcome.REJECTED)


class Resolution(db.Model):
    """The forum's resolution or statement on one agenda item: its draft, and what was decided."""

    __tablename__ = "resolution"
    __table_args__ = (
        sa.CheckConstraint("outcome IS NULL OR decided_at IS NOT NULL", name="decided_when_outcome"),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('approved', 'approved_with_changes', 'deferred', "
                           "'rejected')", name="resolution_outcomes"),
        sa.CheckConstraint("title <> '' AND text <> ''", name="title_and_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The neighbourhood is the meeting's; kept here so every lookup can be scoped without a join.
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[ResolutionKind] = mapped_column(str_enum(ResolutionKind, "resolution_kind"))
    title: Mapped[str] = mapped_column(sa.String(300))
    #: The draft as proposed (kept after the decision: the minutes show what was changed).
    text: Mapped[str] = mapped_column(sa.Text)
    #: Whom it is addressed to (e.g. "Senatorin für Soziales"); free text, may be empty.
    addressee: Mapped[str] = mapped_column(sa.String(300), default="")
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "resolution_outcome"))
    #: The text as adopted with changes (only for "geändert beschlossen").
    final_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: Why the forum deferred it or did not adopt it.
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship(back_populates="resolution")
    objections: Mapped[list[ResolutionObjection]] = relationship(
        back_populates="resolution", cascade="all, delete-orphan", order_by="ResolutionObjection.id")
    recusals: Mapped[list[ResolutionRecusal]] = relationship(
        back_populates="resolution", cascade="all, delete-orphan", order_by="ResolutionRecusal.id")

    @property
    def adopted_text(self) -> str:
        """The text the forum adopted: the changed one, else the draft."""
        return self.final_text if self.outcome == Outcome.APPROVED_WITH_CHANGES else self.text


class ResolutionObjection(db.Model):
    """An Einwand against a resolution (as ``meetings.Objection`` for an application)."""

    __tablename__ = "resolution_objection"
    __table_args__ = (
        sa.CheckConstraint("\"group\" IS NOT NULL OR person_name <> ''", name="who_objected"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(sa.ForeignKey("resolution.id", ondelete="CASCADE"), index=True)
    group: Mapped[AttendeeGroup | None] = mapped_column(str_enum(AttendeeGroup, "attendee_group"))
    #: Personal data; published only with consent.
    person_name: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    withdrawn: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    resolution: Mapped[Resolution] = relationship(back_populates="objections")


class ResolutionRecusal(db.Model):
    """Befangenheit on a resolution: a person (or organisation) that does not take part."""

    __tablename__ = "resolution_recusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(sa.ForeignKey("resolution.id", ondelete="CASCADE"), index=True)
    #: Personal data; published only with consent.
    person_name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    resolution: Mapped[Resolution] = relationship(back_populates="recusals")


class SignalKind(enum.StrEnum):
    OBJECTION = "objection"  # Ich habe einen Einwand
    QUESTION = "question"  # Ich habe eine Frage
    CONSENT = "consent"  # Zustimmung


class SignalState(enum.StrEnum):
    PENDING = "pending"  # waits for the QM
    RECORDED = "recorded"  # the QM recorded it as an objection (which is what counts)
    DISMISSED = "dismissed"  # verworfen
    SEEN = "seen"  # a question or consent the QM has taken note of


class RoomSignal(db.Model):
    """A Meldung aus dem Raum: anonymous input from a phone, pending until the QM handles it.

    No personal data: the device is a keyed hash of a random cookie (per meeting, so two meetings
    cannot be linked), no IP address, no name, no user agent. Deleted when the minutes are approved.
    """

    __tablename__ = "room_signal"
    __table_args__ = (
        sa.UniqueConstraint("agenda_item_id", "device_hash"),  # one signal per device and item
        sa.Index("ix_room_signal_meeting_state", "meeting_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"))
    kind: Mapped[SignalKind] = mapped_column(str_enum(SignalKind, "signal_kind"))
    #: Free text from the room: shown to the QM only (residents may write names).
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    group: Mapped[AttendeeGroup | None] = mapped_column(str_enum(AttendeeGroup, "attendee_group"))
    #: HMAC-SHA256 (secret key) of the meeting and the device's random cookie.
    device_hash: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[SignalState] = mapped_column(str_enum(SignalState, "signal_state"), default=SignalState.PENDING)
    #: The objection the QM recorded from it.
    objection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("objection.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]

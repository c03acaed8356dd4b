"""Applications as stored: the application, its cost and financing plans, life-cycle steps, files."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Cents, str_enum, utcnow
from ..extensions import db
from ..neighbourhoods.models import FieldOfAction, Neighbourhood, Programme
from ..organisations.models import Organisation


class ApplicationState(enum.StrEnum):
    DRAFT = "draft"  # Entwurf
    SUBMITTED = "submitted"  # Eingereicht
    IN_REVIEW = "in_review"  # In Prüfung
    QUERY = "query"  # Rückfrage an den Träger
    READY = "ready"  # Beschlussreif
    APPROVED = "approved"  # Beschlossen
    APPROVED_WITH_CHANGES = "approved_with_changes"  # Beschlossen mit Änderungen
    DEFERRED = "deferred"  # Vertagt
    REJECTED = "rejected"  # Abgelehnt
    REFERRED = "referred"  # An Geschäftsführung verwiesen
    GRANTED = "granted"  # Bewilligt
    RUNNING = "running"  # Laufend
    REPORT_SUBMITTED = "report_submitted"  # Verwendungsnachweis eingereicht
    CLOSED = "closed"  # Abgeschlossen
    WITHDRAWN = "withdrawn"  # Zurückgezogen


class CostCategory(enum.StrEnum):
    PERSONNEL = "personnel"  # Personal
    FEES = "fees"  # Honorare
    MATERIAL = "material"  # Sachkosten
    INVESTMENT = "investment"  # Investitionen
    OTHER = "other"  # Sonstiges


class FundingSource(enum.StrEnum):
    OWN_FUNDS = "own_funds"  # Eigenmittel
    VOLUNTEER_WORK = "volunteer_work"  # bewertete ehrenamtliche Arbeit
    THIRD_PARTY = "third_party"  # Drittmittel
    PROGRAMME = "programme"  # beantragt aus einem Förderprogramm


application_field = sa.Table(
    "application_field",
    db.metadata,
    sa.Column("application_id", sa.ForeignKey("application.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("field_of_action_id", sa.ForeignKey("field_of_action.id"), primary_key=True, index=True),
)


class Application(db.Model):
    """A Projektantrag."""

    __tablename__ = "application"
    __table_args__ = (
        sa.CheckConstraint("year BETWEEN 1999 AND 2200", name="year_range"),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="period_order"),
        sa.CheckConstraint("expected_participants IS NULL OR expected_participants >= 0", name="participants"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.Index("ix_application_neighbourhood_state", "neighbourhood_id", "state"),
        sa.Index("ix_application_neighbourhood_year", "neighbourhood_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human reference, e.g. ``HU-2026-007``.
    reference: Mapped[str] = mapped_column(sa.String(30), unique=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    #: Budget year the money is requested for.
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Short description for the public portal and the minutes.
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    target_groups: Mapped[str] = mapped_column(sa.Text, default="")
    expected_participants: Mapped[int | None]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    state: Mapped[ApplicationState] = mapped_column(
        str_enum(ApplicationState, "application_state"), default=ApplicationState.DRAFT
    )
    #: Increases with every change after the forum has seen the application.
    version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None]
    #: SHA-256 of the private link an applicant uses to come back to a draft (no account needed).
    access_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: With the secret key, derives the private link's token again (``tokens.current``) for mails.
    access_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    #: How the applicant can be reached about this application (personal data, retention applies).
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: The language of mail to the applicant: the one the public form was filled in.
    contact_language: Mapped[str] = mapped_column(sa.String(5), default="de", server_default="de")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    organisation: Mapped[Organisation] = relationship()
    cost_items: Mapped[list[CostItem]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="CostItem.position"
    )
    financing_items: Mapped[list[FinancingItem]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="FinancingItem.position"
    )
    fields_of_action: Mapped[list[FieldOfAction]] = relationship(secondary=application_field)

    @property
    def total_cost_cents(self) -> int:
        return sum(item.amount_cents for item in self.cost_items)

    @property
    def requested_total_cents(self) -> int:
        """What the application asks of the programmes together."""
        return sum(f.amount_cents for f in self.financing_items if f.source == FundingSource.PROGRAMME)

    def line_for(self, programme_id: int) -> int | None:
        """The Förderschiene the application asks of in ``programme_id`` (NULL: the programme itself)."""
        return next((f.line_id for f in self.financing_items
                     if f.source == FundingSource.PROGRAMME and f.programme_id == programme_id and f.line_id), None)

    def requested_cents(self, programme_id: int) -> int:
        return sum(
            f.amount_cents for f in self.financing_items
            if f.source == FundingSource.PROGRAMME and f.programme_id == programme_id
        )


class CostItem(db.Model):
    """A line of the cost plan (Kostenplan)."""

    __tablename__ = "cost_item"
    __table_args__ = (sa.CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    category: Mapped[CostCategory] = mapped_column(str_enum(CostCategory, "cost_category"))
    description: Mapped[str] = mapped_column(sa.String(300))
    amount_cents: Mapped[int] = mapped_column(Cents)

    application: Mapped[Application] = relationship(back_populates="cost_items")


class FinancingItem(db.Model):
    """A line of the financing plan (Finanzierungsplan)."""

    __tablename__ = "financing_item"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint("(source = 'programme') = (programme_id IS NOT NULL)", name="programme_iff_requested"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[FundingSource] = mapped_column(str_enum(FundingSource, "funding_source"))
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    #: The Förderschiene asked of, for a programme with lines; its budget is booked.
    line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme_line.id"), index=True)
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    amount_cents: Mapped[int] = mapped_column(Cents)

    application: Mapped[Application] = relationship(back_populates="financing_items")
    programme: Mapped[Programme | None] = relationship()


class ApplicationTransition(db.Model):
    """One step of the life cycle: who moved the application where, when and why."""

    __tablename__ = "application_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[ApplicationState | None] = mapped_column(str_enum(ApplicationState, "from_state"))
    to_state: Mapped[ApplicationState] = mapped_column(str_enum(ApplicationState, "to_state"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicationComment(db.Model):
    """Rückfrage and answer between the QM and the applicant."""

    __tablename__ = "application_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    #: ``None`` when the applicant wrote it through the public link.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    author_name: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApplicationVersion(db.Model):
    """A snapshot of the application as the forum saw it (amounts and texts as JSON)."""

    __tablename__ = "application_version"
    __table_args__ = (sa.UniqueConstraint("application_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"))
    version: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(db.Model):
    """A file attached to an application, stored outside the web root under a generated name."""

    __tablename__ = "attachment"
    __table_args__ = (sa.CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    storage_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    media_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportRecord(db.Model):
    """Where an imported application came from: a line of the Quartiersmanagement's own project list.

    Imported projects are history from before wingrant. Their approved amount
    ("Bewilligt" in the list) was decided in no meeting this tool knows, so it is
    kept here, as the list said it, rather than as an invented decision or grant.
    """

    __tablename__ = "import_record"
    __table_args__ = (
        sa.CheckConstraint("approved_cents IS NULL OR approved_cents >= 0", name="approved_not_negative"),
        sa.CheckConstraint("source_row >= 1", name="source_row_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    file_name: Mapped[str] = mapped_column(sa.String(255))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The row number in the file, as the spreadsheet shows it.
    source_row: Mapped[int]
    approved_cents: Mapped[int | None] = mapped_column(Cents)
    #: Whether the import booked a commitment (Mittelbindung) of the approved amount.
    commitment_booked: Mapped[bool] = mapped_column(default=False)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EasySummary(db.Model):
    """The application's summary in Leichte Sprache (easy-to-read German).

    Published beside the standard summary only once someone checked it (``reviewed_by``: who, e.g. a
    Prüfgruppe); changing the text takes the check back.
    """

    __tablename__ = "easy_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_by: Mapped[str] = mapped_column(sa.String(200), default="")
    reviewed_on: Mapped[date | None]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

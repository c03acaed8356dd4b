"""After the grant, as stored: the grant (Bewilligung), payouts and the proof of use (Verwendungsnachweis).

The tables point at ``application`` by foreign key only: the funding feature
reads applications, applications never read these models.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Cents, str_enum, utcnow
from ..extensions import db


class Grant(db.Model):
    """The administration's formal grant (Bewilligung / Zuwendungsbescheid)."""

    __tablename__ = "funding_grant"
    __table_args__ = (sa.CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id"), index=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"))
    #: Number of the Zuwendungsbescheid.
    number: Mapped[str] = mapped_column(sa.String(60), unique=True)
    granted_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(Cents)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Payout(db.Model):
    """Auszahlung / Mittelabruf against a grant."""

    __tablename__ = "payout"
    __table_args__ = (sa.CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_grant.id"), index=True)
    paid_on: Mapped[date]
    amount_cents: Mapped[int] = mapped_column(Cents)
    memo: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UseOfFundsReport(db.Model):
    """Verwendungsnachweis: what the project really cost."""

    __tablename__ = "use_of_funds_report"
    __table_args__ = (
        sa.CheckConstraint("actual_cost_cents >= 0", name="actual_cost_not_negative"),
        sa.CheckConstraint("spent_cents >= 0", name="spent_not_negative"),
        sa.CheckConstraint("repayment_claim_cents >= 0", name="repayment_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id"), unique=True)
    submitted_on: Mapped[date]
    #: Total cost of the project as it turned out.
    actual_cost_cents: Mapped[int] = mapped_column(Cents)
    #: Programme money actually spent.
    spent_cents: Mapped[int] = mapped_column(Cents)
    #: Unspent money of a closed year, to be paid back (Rückforderung).
    repayment_claim_cents: Mapped[int] = mapped_column(Cents, default=0)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UseOfFundsLine(db.Model):
    """The Verwendungsnachweis per grant: programme money spent, and where the unspent rest went.

    One line per grant, because each grant's rest goes back to its own budget
    (programme × year) — or, when that year is closed, is claimed back.
    """

    __tablename__ = "use_of_funds_line"
    __table_args__ = (
        sa.CheckConstraint("spent_cents >= 0", name="spent_not_negative"),
        sa.CheckConstraint("released_cents >= 0", name="released_not_negative"),
        sa.CheckConstraint("repayment_claim_cents >= 0", name="repayment_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("use_of_funds_report.id", ondelete="CASCADE"), index=True)
    grant_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_grant.id"), unique=True)
    spent_cents: Mapped[int] = mapped_column(Cents)
    #: Set when the report is accepted: unspent money booked back into the budget (Rückfluss) …
    released_cents: Mapped[int] = mapped_column(Cents, default=0)
    #: … and money paid out but not spent, to be paid back by the Träger (Rückforderung).
    repayment_claim_cents: Mapped[int] = mapped_column(Cents, default=0)


class DraftState(enum.StrEnum):
    SUBMITTED = "submitted"  # eingereicht, wartet auf das Quartiersmanagement
    ACCEPTED = "accepted"  # übernommen in den Verwendungsnachweis
    RETURNED = "returned"  # zur Überarbeitung zurückgegeben


class UseOfFundsDraft(db.Model):
    """A Verwendungsnachweis as the Träger sent it through the private link: a proposal, not the record.

    Nothing here moves money or the life cycle. The QM takes it over into the real
    ``UseOfFundsReport`` (``drafts.take_over``) or returns it with a reason.
    """

    __tablename__ = "use_of_funds_draft"
    __table_args__ = (sa.CheckConstraint("actual_cost_cents >= 0", name="actual_cost_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    state: Mapped[DraftState] = mapped_column(str_enum(DraftState, "draft_state"), default=DraftState.SUBMITTED)
    #: The Sachbericht: what the project did, in the Träger's words.
    narrative: Mapped[str] = mapped_column(sa.Text)
    actual_cost_cents: Mapped[int] = mapped_column(Cents)
    #: Programme money spent per grant, as the Träger says: ``{"<grant id>": cents}``.
    spent: Mapped[dict] = mapped_column(sa.JSON)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: Why the QM returned it (shown to the Träger).
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")

    files: Mapped[list[UseOfFundsDraftFile]] = relationship(
        back_populates="draft", cascade="all, delete-orphan", order_by="UseOfFundsDraftFile.id")

    def spent_for(self, grant_id: int) -> int | None:
        value = (self.spent or {}).get(str(grant_id))
        return int(value) if value is not None else None


class UseOfFundsDraftFile(db.Model):
    """A file sent with a draft, stored like an attachment (type by content, random name on disk).

    It becomes an attachment of the application only when the QM takes the draft over.
    """

    __tablename__ = "use_of_funds_draft_file"
    __table_args__ = (sa.CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("use_of_funds_draft.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    storage_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    media_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The application's attachment it became when the draft was taken over.
    attachment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("attachment.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[UseOfFundsDraft] = relationship(back_populates="files")


class ProjectReport(db.Model):
    """The short public report on a funded project (what happened), written by the QM.

    Published on the project's portal page as soon as it is saved; one per application.
    """

    __tablename__ = "project_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectPhoto(db.Model):
    """A photo of a funded project for its portal page: re-encoded as JPEG on upload, so no metadata
    (camera, place, time) survives, and at most ``funding.photos.MAX_EDGE`` pixels on its longer side."""

    __tablename__ = "project_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("application.id", ondelete="CASCADE"), index=True)
    storage_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    #: What the photo shows, for people who cannot see it (required).
    alt_text: Mapped[str] = mapped_column(sa.String(300))
    caption: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

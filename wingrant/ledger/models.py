from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Cents, str_enum, utcnow
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood, Programme, ProgrammeLine


class Budget(db.Model):
    """The money of one programme in one neighbourhood for one year (Mittelansatz).

    The allocated amount is not stored here: it is the sum of the allocation
    entries in the ledger, so the ledger stays the single source of truth. This
    row is what a write locks before it checks and books money.
    """

    __tablename__ = "budget"
    __table_args__ = (
        # One budget per neighbourhood × programme × line × year. NULLs are distinct in a unique
        # constraint, so a programme without lines (line_id NULL) gets its own partial index.
        sa.Index("uq_budget_programme_year", "neighbourhood_id", "programme_id", "year", unique=True,
                 sqlite_where=sa.text("line_id IS NULL"), postgresql_where=sa.text("line_id IS NULL")),
        sa.Index("uq_budget_line_year", "neighbourhood_id", "line_id", "year", unique=True,
                 sqlite_where=sa.text("line_id IS NOT NULL"), postgresql_where=sa.text("line_id IS NOT NULL")),
        sa.CheckConstraint("year BETWEEN 1999 AND 2200", name="year_range"),
        sa.Index("ix_budget_year_neighbourhood", "year", "neighbourhood_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"))
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), index=True)
    #: The Förderschiene, for a programme with lines; NULL books on the programme itself.
    line_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programme_line.id"), index=True)
    #: Haushaltsjahr.
    year: Mapped[int]
    #: A closed year takes no new commitments; unspent money becomes a repayment claim.
    closed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    programme: Mapped[Programme] = relationship()
    line: Mapped[ProgrammeLine | None] = relationship()

    def __repr__(self) -> str:
        return f"<Budget {self.neighbourhood_id}/{self.programme_id}/{self.line_id}/{self.year}>"


class EntryKind(enum.StrEnum):
    ALLOCATION = "allocation"  # Zuweisung: money put into the budget
    COMMITMENT = "commitment"  # Mittelbindung: money bound by a decision
    RELEASE = "release"  # Rückfluss: bound money that was not needed
    REVERSAL = "reversal"  # Storno: cancels exactly one earlier entry


class LedgerEntry(db.Model):
    """One booking. Append-only: the database refuses UPDATE and DELETE (see the
    migration's triggers); a wrong entry is corrected by a reversal entry."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        sa.CheckConstraint("amount_cents > 0", name="amount_positive"),
        sa.CheckConstraint(
            "(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reversal_has_target"
        ),
        # Covering index for the balance aggregates (SUM(amount) per budget and kind,
        # minus reversed entries): answered from the index alone. See BENCHMARKS.md.
        sa.Index("ix_ledger_entry_budget_covering", "budget_id", "kind", "amount_cents", "reverses_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"))
    kind: Mapped[EntryKind] = mapped_column(str_enum(EntryKind, "entry_kind"))
    #: Always positive; the kind says which way the money moves.
    amount_cents: Mapped[int] = mapped_column(Cents)
    #: The entry this reversal cancels; each entry can be reversed once.
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entry.id"), unique=True)
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision.id"), index=True)
    memo: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    budget: Mapped[Budget] = relationship()
    reverses: Mapped[LedgerEntry | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<LedgerEntry {self.id} {self.kind} {self.amount_cents}>"

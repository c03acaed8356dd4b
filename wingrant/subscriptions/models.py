from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import utcnow
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood

__all__ = ["Subscriber"]


class Subscriber(db.Model):
    """One address on one forum's mailing list (Abonnent:in des Verteilers). Personal data.

    Double opt-in: a row starts unconfirmed and gets list mail only once ``confirmed_at`` is set
    through the link in the confirmation mail. Unsubscribing keeps the row (with the consent it
    proves) until the retention period ends; ``maintenance.privacy`` deletes it then, and deletes
    unconfirmed rows after a few days.
    """

    __tablename__ = "subscriber"
    __table_args__ = (
        sa.UniqueConstraint("neighbourhood_id", "email"),
        sa.CheckConstraint("language IN ('de', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"), index=True)
    #: Lower-cased, so one address is on a list once.
    email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(5), default="de")
    #: The consent text exactly as the subscriber saw it, and when they gave it.
    consent_text: Mapped[str] = mapped_column(sa.Text)
    subscribed_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    #: Random per subscription; with the secret key it derives the link tokens (``tokens.py``).
    #: A new subscription after unsubscribing gets a new salt, so old links stop working.
    token_salt: Mapped[str] = mapped_column(sa.String(64))
    #: SHA-256 of the confirmation and the unsubscribe token: only hashes are stored.
    confirm_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    unsubscribe_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    neighbourhood: Mapped[Neighbourhood] = relationship()

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

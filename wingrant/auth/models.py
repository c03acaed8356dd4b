from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import str_enum, utcnow
from ..extensions import db
from ..neighbourhoods.models import City, Neighbourhood


class Role(enum.StrEnum):
    """A user's role in one neighbourhood. Administrators are global (``User.is_admin``)."""

    MANAGER = "manager"  # Quartiersmanager:in
    MINUTES = "minutes"  # Protokoll
    READER = "reader"  # Lesend


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the login name.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: WiN-Geschäftsführung: neighbourhoods, programmes, budgets, users, grants.
    is_admin: Mapped[bool] = mapped_column(default=False)
    #: With ``is_admin``: the one city this administrator administers; NULL = every city (the global
    #: WiN-Geschäftsführung). Without ``is_admin`` it means nothing.
    admin_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("city.id"))
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of the session identity: bumping it ends every session of the user.
    session_version: Mapped[int] = mapped_column(default=1)
    #: Base32 secret of the optional TOTP second factor (administrators); None: not enrolled.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    #: The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: The language of mail to this account (``de``, ``en``); the pages follow the browser or /sprache.
    language: Mapped[str] = mapped_column(sa.String(5), default="de", server_default="de")
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    #: Read only by the API's ``/me`` (one query when set).
    admin_city: Mapped[City | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_global_admin(self) -> bool:
        """The WiN-Geschäftsführung: administers every city, the programmes and the cities themselves."""
        return self.is_admin and self.admin_city_id is None

    def role_in(self, neighbourhood_id: int) -> Role | None:
        for m in self.memberships:
            if m.neighbourhood_id == neighbourhood_id:
                return m.role
        return None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    """A user's role in one neighbourhood."""

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "neighbourhood_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    neighbourhood_id: Mapped[int] = mapped_column(sa.ForeignKey("neighbourhood.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))

    user: Mapped[User] = relationship(back_populates="memberships")
    neighbourhood: Mapped[Neighbourhood] = relationship()


class ProgrammeOwner(db.Model):
    """A user who owns a programme (e.g. the Innovationstopf at the Senatskanzlei): sees its budgets in
    every neighbourhood, decides its referred cases and grants, nothing else."""

    __tablename__ = "programme_owner"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programme.id"), primary_key=True, index=True)

"""Which accounts get a notice: the role holders of a neighbourhood, or the administrators,
minus those who switched the kind off."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..auth.models import Membership, ProgrammeOwner, Role, User
from ..extensions import db
from .models import NotificationOptOut


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str


def _not_opted_out(kind: str):
    return ~sa.exists().where(NotificationOptOut.user_id == User.id, NotificationOptOut.kind == kind)


def staff(neighbourhood_id: int, role: Role, kind: str) -> list[Recipient]:
    rows = db.session.execute(
        sa.select(User.email, User.name, User.language)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.neighbourhood_id == neighbourhood_id, Membership.role == role, User.active,
               _not_opted_out(kind))
        .order_by(User.id)).all()
    return [Recipient(*row) for row in rows]


def administrators(kind: str, city_id: int | None = None) -> list[Recipient]:
    """The global administrators, and those of ``city_id`` (the city the mail is about)."""
    in_city = User.admin_city_id.is_(None) if city_id is None else sa.or_(
        User.admin_city_id.is_(None), User.admin_city_id == city_id)
    rows = db.session.execute(
        sa.select(User.email, User.name, User.language)
        .where(User.is_admin, in_city, User.active, _not_opted_out(kind)).order_by(User.id)).all()
    return [Recipient(*row) for row in rows]


def programme_owners(programme_ids, kind: str) -> list[Recipient]:
    """The owners of every one of ``programme_ids`` (those who may decide a case asking money of them all),
    administrators left out (they hear of it as administrators)."""
    wanted = set(programme_ids)
    if not wanted:
        return []
    owned: dict[tuple[str, str, str], set[int]] = {}
    for email, name, language, programme_id in db.session.execute(
            sa.select(User.email, User.name, User.language, ProgrammeOwner.programme_id)
            .join(ProgrammeOwner, ProgrammeOwner.user_id == User.id)
            .where(ProgrammeOwner.programme_id.in_(sorted(wanted)), User.active, ~User.is_admin,
                   _not_opted_out(kind))
            .order_by(User.id)):
        owned.setdefault((email, name, language), set()).add(programme_id)
    return [Recipient(*key) for key, programmes in owned.items() if programmes == wanted]


def opted_out(user_id: int) -> set[str]:
    return set(db.session.execute(
        sa.select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user_id)).scalars())

"""Programme owners: who may see a programme's budgets and decide its referred cases and grants
(``permissions.can_for_programmes``). Kept by the WiN-Geschäftsführung; each change is audited."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..neighbourhoods.models import Programme
from .models import ProgrammeOwner, User


def owners_by_programme() -> dict[int, list[User]]:
    """Every programme's owners, by name: one query."""
    result: dict[int, list[User]] = {}
    for programme_id, user in db.session.execute(
            sa.select(ProgrammeOwner.programme_id, User).join(User, ProgrammeOwner.user_id == User.id)
            .order_by(User.name, User.id)):
        result.setdefault(programme_id, []).append(user)
    return result


def add_owner(programme_id: int, email: str, *, user) -> ProgrammeOwner:
    email = (email or "").strip().lower()
    with unit_of_work():
        programme = db.session.get(Programme, programme_id)
        if programme is None:
            raise DomainError(_("Dieses Förderprogramm gibt es nicht."))
        owner = db.session.execute(sa.select(User).where(sa.func.lower(User.email) == email)).scalar_one_or_none()
        if owner is None:
            raise DomainError(_("Ein Konto mit dieser E-Mail-Adresse gibt es nicht."), field="email")
        if db.session.get(ProgrammeOwner, (owner.id, programme.id)) is not None:
            raise DomainError(_("%(name)s ist für %(programme)s schon zuständig.", name=owner.name,
                                programme=programme.name), field="email")
        row = ProgrammeOwner(user_id=owner.id, programme_id=programme.id)
        db.session.add(row)
        db.session.flush()
        audit.record("programme.owner_add", user=user, obj=programme,
                     after={"user_id": owner.id, "programme": programme.code})
    return row


def remove_owner(programme_id: int, user_id: int, *, user) -> None:
    with unit_of_work():
        row = db.session.get(ProgrammeOwner, (user_id, programme_id))
        if row is None:
            raise DomainError(_("Diese Zuständigkeit gibt es nicht."))
        db.session.delete(row)
        audit.record("programme.owner_remove", user=user, after={"user_id": user_id, "programme_id": programme_id})

"""Reads of the Träger feature: the list, the names to choose from, and who may keep them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..auth.permissions import Action, neighbourhood_ids_for
from ..core.pagination import Window
from ..extensions import db
from .models import Organisation

PER_PAGE = 25

#: The applications as far as the Träger list needs them (how many, and in which neighbourhoods).
#: Applications sit above this package (an application names its Träger), so their model is not
#: imported here: these two columns are read from the table directly.
_application = sa.table("application", sa.column("id"), sa.column("organisation_id"),
                        sa.column("neighbourhood_id"))


def organisation_names() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.name))]


def may_manage_organisations(user) -> bool:
    """Administrators and everyone who manages applications somewhere keep the list of Träger."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    ids = neighbourhood_ids_for(user, Action.MANAGE_APPLICATIONS)
    return ids is None or bool(ids)


def may_edit_organisation(user, organisation_id: int) -> bool:
    """A Träger is shared; a manager may change it only if it applies in one of their neighbourhoods
    or has not applied anywhere yet (so nobody rewrites another neighbourhood's applicant)."""
    if not may_manage_organisations(user):
        return False
    ids = neighbourhood_ids_for(user, Action.MANAGE_APPLICATIONS)
    if ids is None:
        return True
    where = db.session.execute(
        sa.select(_application.c.neighbourhood_id).where(_application.c.organisation_id == organisation_id)
        .distinct()
    ).scalars().all()
    return not where or bool(set(where) & set(ids))


@dataclass
class OrganisationRow:
    organisation: Organisation
    applications: int


def list_organisations(q: str = "", page: int | None = 1, per_page: int = PER_PAGE, *,
                       clamp: bool = True) -> tuple[list[OrganisationRow], Window]:
    """One page of Träger with their number of applications; two queries. ``clamp=False`` (the API):
    a page past the end is empty instead of the last one."""
    condition = sa.true()
    if q:
        condition = Organisation.name.icontains(q, autoescape=True) | \
            Organisation.contact_person.icontains(q, autoescape=True)
    total = db.session.execute(sa.select(sa.func.count(Organisation.id)).where(condition)).scalar_one()
    window = Window.of(total, page, per_page) if clamp else Window(max(1, page or 1), per_page, total)
    counts = (sa.select(sa.func.count(_application.c.id))
              .where(_application.c.organisation_id == Organisation.id).scalar_subquery())
    rows = db.session.execute(
        sa.select(Organisation, counts.label("n")).where(condition)
        .order_by(sa.func.lower(Organisation.name), Organisation.id)
        .limit(per_page).offset(window.offset)
    ).all()
    return [OrganisationRow(org, n) for org, n in rows], window

"""Writes of the Träger feature: create (with a duplicate warning) and update, each audited."""

from __future__ import annotations

from flask_babel import gettext as _

from ..audit import services as audit
from ..database import lock_row, unit_of_work
from ..errors import DomainError, NotAllowed
from ..extensions import db
from . import queries, rules
from .models import Organisation

ORGANISATION_FIELDS = ("name", "legal_form", "street", "postcode", "city", "contact_person", "email", "phone",
                       "non_profit")


class PossibleDuplicate(DomainError):
    """A new organisation looks like one that exists; the user has to confirm."""

    def __init__(self, candidates: list[tuple[int, str]]):
        super().__init__(_("Diesen Träger gibt es vielleicht schon."), field="name")
        self.candidates = candidates


def create_organisation(values: dict, *, user, confirmed_new: bool = False) -> Organisation:
    """Create a Träger; refuse with ``PossibleDuplicate`` unless the user confirmed it is a new one."""
    if not queries.may_manage_organisations(user):
        raise NotAllowed(_("Sie dürfen keine Träger anlegen."))
    with unit_of_work():
        if not confirmed_new:
            candidates = rules.likely_duplicates(values["name"], queries.organisation_names())
            if candidates:
                raise PossibleDuplicate(candidates)
        org = Organisation(**{k: values[k] for k in ORGANISATION_FIELDS})
        db.session.add(org)
        audit.record("organisation.create", user=user, obj=org,
                     after={"name": org.name, "confirmed_despite_similar": bool(confirmed_new)})
    return org


def update_organisation(org_id: int, values: dict, *, user) -> Organisation:
    with unit_of_work():
        org = lock_row(Organisation, org_id)
        if not queries.may_edit_organisation(user, org.id):
            raise NotAllowed(_("Sie dürfen diesen Träger nicht bearbeiten."))
        before = {k: getattr(org, k) for k in ORGANISATION_FIELDS}
        for key in ORGANISATION_FIELDS:
            setattr(org, key, values[key])
        after = {k: getattr(org, k) for k in ORGANISATION_FIELDS}
        changed = [k for k in ORGANISATION_FIELDS if before[k] != after[k]]
        if changed:
            audit.record("organisation.update", user=user, obj=org,
                         before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return org

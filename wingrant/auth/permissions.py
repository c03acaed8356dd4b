"""Who may do what, where. Every internal lookup goes through here.

Roles are per neighbourhood; administrators (WiN-Geschäftsführung) may act
everywhere. A programme owner (``ProgrammeOwner``, e.g. the Innovationstopf at the
Senatskanzlei) acts across neighbourhoods, but only for its programmes
(``can_for_programmes``) and in no neighbourhood's internals. An object reached
through a URL must belong to the neighbourhood in that URL (``scoped_or_404``),
otherwise it does not exist for the caller. A city administrator (``User.admin_city_id``)
acts everywhere in that city's neighbourhoods and on the administration pages, whose lists
``neighbourhood_ids_for`` narrows to the city.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask import abort, g, has_request_context
from flask_login import current_user

from ..audit import services as audit
from ..database import unit_of_work
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood
from .models import ProgrammeOwner, Role


class Action(enum.StrEnum):
    READ = "read"  # internal data of a neighbourhood (drafts, names)
    MANAGE_APPLICATIONS = "manage_applications"
    MANAGE_MEETINGS = "manage_meetings"  # plan meetings, build agendas, invite
    RECORD_MEETING = "record_meeting"  # attendance, objections, outcomes in the live meeting
    EDIT_MINUTES = "edit_minutes"
    APPROVE_MINUTES = "approve_minutes"  # approve and publish
    ADMINISTER = "administer"  # budgets, programmes, users, grants, referred cases


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.MANAGER: frozenset({Action.READ, Action.MANAGE_APPLICATIONS, Action.MANAGE_MEETINGS,
                             Action.RECORD_MEETING, Action.EDIT_MINUTES, Action.APPROVE_MINUTES}),
    Role.MINUTES: frozenset({Action.READ, Action.RECORD_MEETING, Action.EDIT_MINUTES}),
    Role.READER: frozenset({Action.READ}),
}


def _admin_city(user) -> int | None:
    return getattr(user, "admin_city_id", None)


def is_global_admin(user) -> bool:
    """The WiN-Geschäftsführung of every city: programmes, cities, administrators."""
    return bool(getattr(user, "is_authenticated", False) and user.is_admin and _admin_city(user) is None)


def city_neighbourhood_ids(user) -> frozenset[int]:
    """The neighbourhoods a city administrator administers (one query a request); empty for others."""
    if not (getattr(user, "is_authenticated", False) and user.is_admin and _admin_city(user) is not None):
        return frozenset()
    key = ("city_neighbourhoods", user.id, user.admin_city_id)
    cached = g.get("_city_scope")
    if cached is None or cached[0] != key:
        ids = frozenset(db.session.execute(
            sa.select(Neighbourhood.id).where(Neighbourhood.city_id == user.admin_city_id)).scalars())
        cached = (key, ids)
        g._city_scope = cached
    return cached[1]


def can(user, neighbourhood_id: int | None, action: Action) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin and _admin_city(user) is None:
        return True
    if user.is_admin and (neighbourhood_id is None or neighbourhood_id in city_neighbourhood_ids(user)):
        return True  # a city administrator: the administration pages (narrowed lists) and the city
    if action == Action.ADMINISTER or neighbourhood_id is None:
        return False
    role = user.role_in(neighbourhood_id)
    return role is not None and action in ROLE_ACTIONS[role]


class ProgrammeAction(enum.StrEnum):
    """What a programme owner may do for its programmes (administrators may do all of it everywhere)."""

    VIEW_BUDGETS = "view_budgets"  # the programme's budgets and ledgers in every neighbourhood
    DECIDE_REFERRALS = "decide_referrals"  # referred cases (Dissens-Verfahren) asking money of it
    GRANT = "grant"  # the formal grant (Bewilligung) of its money


#: Every programme action is an owner's; the enum names them for the audit log and the matrix tests.
OWNER_ACTIONS = frozenset(ProgrammeAction)


def owned_programme_ids(user) -> frozenset[int]:
    """The programmes ``user`` owns: one query, remembered for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "id", None) is None:
        return frozenset()
    cache = g.setdefault("owned_programmes", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = frozenset(db.session.execute(
            sa.select(ProgrammeOwner.programme_id).where(ProgrammeOwner.user_id == user.id)).scalars())
    return cache[user.id]


def can_for_programmes(user, programme_ids, action: ProgrammeAction) -> bool:
    """May ``user`` do ``action`` for money of all of ``programme_ids``? Administrators may; an owner may
    when it owns every one of them (a case asking several programmes needs every owner's right)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    wanted = set(programme_ids)
    return bool(wanted) and action in OWNER_ACTIONS and wanted <= owned_programme_ids(user)


def budget_programme_ids_for(user) -> frozenset[int] | None:
    """The programmes whose budgets ``user`` may see in the ledger; ``None`` means all (administrators)."""
    if getattr(user, "is_admin", False):
        return None
    return owned_programme_ids(user)


def neighbourhood_ids_for(user, action: Action = Action.READ) -> list[int] | None:
    """The neighbourhoods where ``user`` may do ``action``; ``None`` means all (global administrators)."""
    if user.is_admin and _admin_city(user) is None:
        return None
    own = [m.neighbourhood_id for m in user.memberships if action in ROLE_ACTIONS[m.role]]
    city = city_neighbourhood_ids(user)
    return sorted(city | set(own)) if city or user.is_admin else own


def deny(action: Action, neighbourhood_id: int | None = None):
    """Audit the denied access, then answer 403 (401 via the login redirect when anonymous)."""
    with unit_of_work():
        audit.record("auth.access_denied", user=current_user if current_user.is_authenticated else None,
                     neighbourhood_id=neighbourhood_id, after={"action": action.value})
    abort(403)


def authorize(slug: str, action: Action) -> Neighbourhood:
    """The neighbourhood of the URL, if the current user may do ``action`` there."""
    neighbourhood = db.session.execute(sa.select(Neighbourhood).filter_by(slug=slug)).scalar_one_or_none()
    if neighbourhood is None:
        abort(404)
    if not can(current_user, neighbourhood.id, action):
        deny(action, neighbourhood.id)
    return neighbourhood


def scoped_or_404(model, object_id: int, neighbourhood: Neighbourhood):
    """Load an object that must belong to ``neighbourhood``; anything else is "not found"."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.neighbourhood_id != neighbourhood.id:
        abort(404)
    return obj

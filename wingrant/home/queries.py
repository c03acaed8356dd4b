"""The start page's "Zu erledigen": how much open work each neighbourhood has, per kind.

At most two grouped COUNT queries, whatever the data: one over the applications,
one over the meetings with their minutes, each grouped by neighbourhood and
limited to the neighbourhoods (and so the kinds) the user's roles cover. The
application conditions are the ones the application list filters on
(``applications.queries.OPEN_WORK``), so a count and the list behind its link agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ..applications import queries as application_queries
from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..auth.models import Role
from ..auth.permissions import city_neighbourhood_ids
from ..extensions import db
from ..meetings.models import AgendaItem, Decision, Meeting, MeetingState
from ..minutes.models import Minutes, MinutesState
from ..neighbourhoods.models import Neighbourhood

#: The kinds of open work, in the order the page lists them, for each audience.
MANAGER_KINDS = ("new", "answered", "agenda", "invite", "hold", "minutes_write", "minutes_approve",
                 "minutes_publish", "payout", "report_overdue")
MINUTES_KINDS = ("minutes_write", "minutes_draft")
ADMIN_KINDS = ("referred", "grant", "payout", "report_overdue")

APPLICATION_KINDS = frozenset({"new", "answered", "agenda", "referred", "grant", "payout", "report_overdue"})
MEETING_KINDS = frozenset({"invite", "hold", "minutes_write", "minutes_draft", "minutes_approve",
                           "minutes_publish"})


@dataclass(frozen=True)
class Work:
    kind: str
    count: int
    #: The one meeting concerned, when there is exactly one (a link can go straight to it).
    meeting_id: int | None = None


@dataclass
class NeighbourhoodWork:
    id: int
    slug: str
    name: str
    items: list[Work] = field(default_factory=list)


def audience(user) -> dict[int, tuple[str, ...]] | None:
    """Neighbourhood id → the kinds of work the user does there; ``{0: ADMIN_KINDS}`` for administrators
    (every neighbourhood); ``None`` for someone without a to-do list (the public, readers only)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_admin and getattr(user, "admin_city_id", None) is None:
        return {0: ADMIN_KINDS}
    kinds = {m.neighbourhood_id: MANAGER_KINDS if m.role == Role.MANAGER else MINUTES_KINDS
             for m in user.memberships if m.role in (Role.MANAGER, Role.MINUTES)}
    # A city administrator does the administration's work in the city's neighbourhoods only.
    for nid in city_neighbourhood_ids(user):
        kinds[nid] = kinds.get(nid, ()) + ADMIN_KINDS
    return kinds or None


def open_work(scope: dict[int, tuple[str, ...]], today: date) -> list[NeighbourhoodWork]:
    """Per neighbourhood with anything to do (by name), the kinds with a count above zero."""
    everywhere = scope.get(0)
    wanted = set(everywhere or ()).union(*scope.values())
    found: dict[int, NeighbourhoodWork] = {}
    if wanted & APPLICATION_KINDS:
        _collect(found, _application_counts(_ids(scope, APPLICATION_KINDS), today))
    if wanted & MEETING_KINDS:
        _collect(found, _meeting_counts(_ids(scope, MEETING_KINDS), today))
    result = []
    for work in sorted(found.values(), key=lambda w: w.name):
        kinds = everywhere or scope.get(work.id, ())
        by_kind = {item.kind: item for item in work.items}
        work.items = [by_kind[k] for k in kinds if k in by_kind and by_kind[k].count > 0]
        if work.items:
            result.append(work)
    return result


def _ids(scope: dict[int, tuple[str, ...]], kinds: frozenset[str]) -> list[int] | None:
    """The neighbourhoods whose kinds include some of ``kinds``; ``None`` = all (administrators)."""
    if 0 in scope:
        return None
    return [nid for nid, wanted in scope.items() if kinds & set(wanted)]


def _collect(found: dict[int, NeighbourhoodWork], rows: Iterable[tuple[int, str, str, list[Work]]]) -> None:
    for nid, slug, name, items in rows:
        found.setdefault(nid, NeighbourhoodWork(nid, slug, name)).items.extend(items)


def _count(condition):
    return sa.func.count(sa.case((condition, 1)))


def _single(condition):
    """The id of the one matching meeting (meaningful only where the count is 1)."""
    return sa.func.min(sa.case((condition, Meeting.id)))


def _application_counts(ids: list[int] | None, today: date):
    """One query: per neighbourhood, the applications waiting for each kind of step."""
    on_an_agenda = (sa.select(AgendaItem.id).outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
                    .where(AgendaItem.application_id == Application.id, Decision.outcome.is_(None)).exists())
    conditions = {
        "new": Application.state == S.SUBMITTED,
        "answered": application_queries.answered_query(),
        "agenda": sa.and_(Application.state.in_([S.READY, S.DEFERRED]), ~on_an_agenda),
        "referred": Application.state == S.REFERRED,
        "grant": application_queries.awaiting_grant(),
        "payout": application_queries.awaiting_first_payout(),
        "report_overdue": application_queries.report_overdue(today),
    }
    # Only applications in a state some kind asks for: the index on (neighbourhood, state) does the rest.
    states = [S.SUBMITTED, S.IN_REVIEW, S.READY, S.DEFERRED, S.REFERRED, S.APPROVED, S.APPROVED_WITH_CHANGES,
              S.GRANTED, S.RUNNING]
    stmt = (sa.select(Neighbourhood.id, Neighbourhood.slug, Neighbourhood.name,
                      *(_count(c).label(k) for k, c in conditions.items()))
            .join(Neighbourhood, Neighbourhood.id == Application.neighbourhood_id)
            .where(Neighbourhood.active.is_(True), Application.state.in_(states))
            .group_by(Neighbourhood.id, Neighbourhood.slug, Neighbourhood.name))
    if ids is not None:
        stmt = stmt.where(Application.neighbourhood_id.in_(ids))
    for row in db.session.execute(stmt):
        yield row.id, row.slug, row.name, [Work(k, int(getattr(row, k))) for k in conditions]


def _meeting_counts(ids: list[int] | None, today: date):
    """One query: per neighbourhood, the meetings to invite or to mark as held, and minutes by state."""
    held_without_minutes = sa.and_(Meeting.state == MeetingState.HELD, Minutes.id.is_(None))
    conditions = {
        "invite": sa.and_(Meeting.state == MeetingState.PLANNED, Meeting.date >= today),
        "hold": sa.and_(Meeting.state.in_([MeetingState.PLANNED, MeetingState.INVITED]), Meeting.date < today),
        "minutes_write": held_without_minutes,
        "minutes_draft": sa.and_(Meeting.state == MeetingState.HELD, Minutes.state == MinutesState.DRAFT),
        "minutes_publish": Minutes.state == MinutesState.APPROVED,
    }
    conditions["minutes_approve"] = conditions["minutes_draft"]
    columns = []
    for kind, condition in conditions.items():
        columns += [_count(condition).label(kind), _single(condition).label(f"{kind}_id")]
    stmt = (sa.select(Neighbourhood.id, Neighbourhood.slug, Neighbourhood.name, *columns)
            .join(Neighbourhood, Neighbourhood.id == Meeting.neighbourhood_id)
            .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
            # Meetings whose minutes are approved are done, unless the minutes still wait to be published.
            .where(Neighbourhood.active.is_(True),
                   sa.or_(Meeting.state != MeetingState.MINUTES_APPROVED, Minutes.state == MinutesState.APPROVED))
            .group_by(Neighbourhood.id, Neighbourhood.slug, Neighbourhood.name))
    if ids is not None:
        stmt = stmt.where(Meeting.neighbourhood_id.in_(ids))
    for row in db.session.execute(stmt):
        yield row.id, row.slug, row.name, [
            Work(k, int(getattr(row, k)), getattr(row, f"{k}_id") if getattr(row, k) == 1 else None)
            for k in conditions]

"""Resolutions without money (Beschluss / Stellungnahme): as minuted, and what the public may see.

A resolution is public under the rule of every decision (``published.decision_select``): the
minutes of its meeting are **published**, it has an outcome, and its meeting belongs to an
**active** neighbourhood, the resolution's own. ``resolution_select`` is that rule as SQL and
the only place it is written: the portal, the open data and the OParl feed read resolutions
through it. No name of a person is read here; the minutes record carries names and is reduced
by ``published.for_audience``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..extensions import db
from ..meetings import consensus
from ..meetings.consensus import APPROVALS
from ..meetings.models import (
    AgendaItem,
    Meeting,
    Outcome,
    Resolution,
    ResolutionKind,
    ResolutionObjection,
    ResolutionRecusal,
)
from ..meetings.queries import pure_objection
from ..neighbourhoods.models import Neighbourhood
from .models import Minutes, MinutesState
from .record import ObjectionEntry, RecusalEntry, ResolutionEntry

# --- as minuted ------------------------------------------------------------------------------


def _is_recused(o: ResolutionObjection, recusals: list[consensus.Recusal]) -> bool:
    return consensus.is_recused(pure_objection(o), tuple(recusals))


def minuted(found: list[Resolution]) -> dict[int, ResolutionEntry]:
    """A meeting's resolutions (read with its agenda) as minuted, by agenda item id: no query without
    resolutions, two with any."""
    if not found:
        return {}
    ids = [r.id for r in found]
    recusals: dict[int, list[ResolutionRecusal]] = {}
    for r in db.session.execute(sa.select(ResolutionRecusal).where(ResolutionRecusal.resolution_id.in_(ids))
                                .order_by(ResolutionRecusal.id)).scalars():
        recusals.setdefault(r.resolution_id, []).append(r)
    objections: dict[int, list[ObjectionEntry]] = {}
    for o in db.session.execute(sa.select(ResolutionObjection).where(ResolutionObjection.resolution_id.in_(ids))
                                .order_by(ResolutionObjection.created_at, ResolutionObjection.id)).scalars():
        pure = [consensus.Recusal(r.person_name, r.organisation) for r in recusals.get(o.resolution_id, ())]
        objections.setdefault(o.resolution_id, []).append(
            ObjectionEntry(o.group, o.person_name, o.reason, o.withdrawn, o.consent_to_publish,
                           recused=_is_recused(o, pure)))
    return {
        r.agenda_item_id: ResolutionEntry(
            resolution_id=r.id, kind=r.kind, title=r.title, addressee=r.addressee, text=r.text, outcome=r.outcome,
            final_text=r.final_text, reason=r.reason, objections=tuple(objections.get(r.id, ())),
            recusals=tuple(RecusalEntry(x.person_name, x.organisation, x.reason, x.consent_to_publish)
                           for x in recusals.get(r.id, ())))
        for r in found
    }


# --- what the public may see -------------------------------------------------------------------


def resolution_select(*columns):
    """``SELECT columns`` over the public resolutions, with agenda item, meeting, neighbourhood
    and minutes joined (callers add filters and order)."""
    return (
        sa.select(*columns)
        .select_from(Resolution)
        .join(AgendaItem, Resolution.agenda_item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .join(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Minutes.state == MinutesState.PUBLISHED, Resolution.outcome.is_not(None),
               Neighbourhood.active.is_(True), Resolution.neighbourhood_id == Meeting.neighbourhood_id)
    )


@dataclass(frozen=True)
class PublishedResolution:
    id: int
    kind: ResolutionKind
    title: str
    addressee: str
    text: str
    outcome: Outcome
    final_text: str
    reason: str
    agenda_item_id: int
    meeting_id: int
    meeting_date: date
    neighbourhood_slug: str
    neighbourhood: str
    forum: str
    #: When the minutes were first published (naive UTC).
    published_at: datetime | None
    #: Objections raised and, of those, standing when the forum decided (counts only, no names).
    objections_raised: int = 0
    objections_standing: int = 0

    @property
    def adopted(self) -> bool:
        return self.outcome in APPROVALS

    @property
    def adopted_text(self) -> str:
        return self.final_text if self.outcome == Outcome.APPROVED_WITH_CHANGES and self.final_text else self.text


def _objection_counts(ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per resolution: objections raised and standing (two queries; names never leave here)."""
    recusals: dict[int, list[consensus.Recusal]] = {}
    for rid, person, organisation in db.session.execute(
        sa.select(ResolutionRecusal.resolution_id, ResolutionRecusal.person_name, ResolutionRecusal.organisation)
        .where(ResolutionRecusal.resolution_id.in_(ids))
    ):
        recusals.setdefault(rid, []).append(consensus.Recusal(person, organisation))
    counts: dict[int, tuple[int, int]] = {}
    for o in db.session.execute(sa.select(ResolutionObjection).where(ResolutionObjection.resolution_id.in_(ids))
                                ).scalars():
        raised, standing = counts.get(o.resolution_id, (0, 0))
        counts[o.resolution_id] = (raised + 1,
                                   standing + (not o.withdrawn and not _is_recused(o, recusals.get(o.resolution_id,
                                                                                                   []))))
    return counts


def published_resolutions(neighbourhood_id: int | None = None, *, resolution_id: int | None = None,
                          resolution_ids: list[int] | None = None, meeting_id: int | None = None,
                          year: int | None = None, limit: int | None = None,
                          newest_first: bool = True) -> list[PublishedResolution]:
    """Public resolutions: three queries however many. ``newest_first``: the portal; otherwise by
    neighbourhood, then oldest meeting first (open data)."""
    stmt = resolution_select(
        Resolution.id, Resolution.kind, Resolution.title, Resolution.addressee, Resolution.text, Resolution.outcome,
        Resolution.final_text, Resolution.reason, AgendaItem.id, Meeting.id, Meeting.date, Neighbourhood.slug,
        Neighbourhood.name, Neighbourhood.forum_name, Minutes.published_at)
    if neighbourhood_id is not None:
        stmt = stmt.where(Meeting.neighbourhood_id == neighbourhood_id)
    if resolution_id is not None:
        stmt = stmt.where(Resolution.id == resolution_id)
    if resolution_ids is not None:
        stmt = stmt.where(Resolution.id.in_(resolution_ids))
    if meeting_id is not None:
        stmt = stmt.where(Meeting.id == meeting_id)
    if year is not None:
        stmt = stmt.where(Meeting.date >= date(year, 1, 1), Meeting.date <= date(year, 12, 31))
    if newest_first:
        stmt = stmt.order_by(Meeting.date.desc(), AgendaItem.position, Resolution.id)
    else:
        stmt = stmt.order_by(Neighbourhood.name, Meeting.date, Meeting.id, AgendaItem.position, Resolution.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    counts = _objection_counts([r[0] for r in rows]) if rows else {}
    return [PublishedResolution(*row, *counts.get(row[0], (0, 0))) for row in rows]

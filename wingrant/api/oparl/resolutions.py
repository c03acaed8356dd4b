"""Resolutions without money in the OParl feed: a Paper of their own, and their Consultation.

A Beschluss or Stellungnahme of a forum is a **Paper** (``paperType`` "Beschluss des WiN-Forums"
or "Stellungnahme des WiN-Forums", id ``/paper/r<id>``) with one **Consultation** — its agenda
item of published minutes (id = the agenda item's, as for applications) — which the
**AgendaItem** links. Public exactly as the portal shows it (``minutes.resolutions``): from
published minutes of active neighbourhoods. No person's name: objections are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ...extensions import db
from ...meetings.models import AgendaItem, Resolution
from ...minutes.models import Minutes
from ...minutes.resolutions import PublishedResolution, published_resolutions, resolution_select
from ...neighbourhoods.cities import in_city
from .index import Entry, entries, latest_version

#: OParl ``paperType`` per kind (free text in OParl; these are the forum's words).
PAPER_TYPES = {"resolution": "Beschluss des WiN-Forums", "statement": "Stellungnahme des WiN-Forums"}
#: Papers of resolutions are keyed ``r<id>`` in the Body's paper list (applications by their id).
PREFIX = "r"


@dataclass(frozen=True)
class ResolutionRecord:
    r: PublishedResolution
    created: datetime
    modified: datetime


def _spans(column, ids: list[int] | None = None, city_id: int | None = None):
    latest = latest_version()
    stmt = (resolution_select(column, Minutes.published_at, latest.c.at)
            .join(latest, latest.c.minutes_id == Minutes.id).where(in_city(city_id)))
    if ids is not None:
        stmt = stmt.where(column.in_(ids))
    return stmt.order_by(column)


def index(city_id: int | None = None) -> list[Entry]:
    """Papers: one per public resolution (key: resolution id)."""
    return entries(db.session.execute(_spans(Resolution.id, city_id=city_id)))


def consultation_index(city_id: int | None = None) -> list[Entry]:
    """Consultations: one per public resolution (key: its agenda item id)."""
    return entries(db.session.execute(_spans(AgendaItem.id, city_id=city_id)))


def records(*, ids: list[int] | None = None, item_ids: list[int] | None = None) -> list[ResolutionRecord]:
    """Public resolutions by id or by agenda item id, with their feed timestamps: four queries."""
    if ids is None and item_ids is not None:
        if not item_ids:
            return []
        ids = list(db.session.execute(
            sa.select(Resolution.id).where(Resolution.agenda_item_id.in_(item_ids))).scalars())
    if not ids:
        return []
    spans = {key: (created or modified, modified) for key, created, modified in
             db.session.execute(_spans(Resolution.id, ids))}
    found = published_resolutions(resolution_ids=list(spans), newest_first=False)
    return [ResolutionRecord(r, *spans[r.id]) for r in sorted(found, key=lambda r: r.id)]

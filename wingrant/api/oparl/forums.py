"""The OParl Organizations: one per forum (= active neighbourhood), with its Förderzeitraum.

OParl's ``startDate``/``endDate`` of an Organization are the area's first funded day and, for a past
area (Früheres Fördergebiet), its last one; ``modified`` moves when a period is added or ended.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa

from ...extensions import db
from ...neighbourhoods import periods as period_rules
from ...neighbourhoods import queries as area_queries
from ...neighbourhoods.cities import in_city
from ...neighbourhoods.models import AreaPeriod, Neighbourhood
from .index import Entry, entries


@dataclass(frozen=True)
class Forum:
    id: int
    slug: str
    name: str
    forum_name: str
    created: datetime
    #: The later of its creation and the last change of its Förderzeiträume.
    modified: datetime
    #: The Förderzeitraum: first funded day, and the last one of a past area (OParl startDate/endDate).
    start: date | None = None
    end: date | None = None


def _forum_modified():
    """SQL: when the forum's Organization last changed (a period added or ended counts)."""
    changed = (sa.select(sa.func.max(AreaPeriod.updated_at)).where(AreaPeriod.neighbourhood_id == Neighbourhood.id)
               .scalar_subquery())
    return sa.case((changed > Neighbourhood.created_at, changed), else_=Neighbourhood.created_at)


def organization_index(city_id: int | None = None) -> list[Entry]:
    """The forums of one city's Body (``city_id``), or of every city."""
    rows = db.session.execute(
        sa.select(Neighbourhood.id, Neighbourhood.created_at, _forum_modified())
        .where(Neighbourhood.active.is_(True), in_city(city_id)).order_by(Neighbourhood.id)
    )
    return entries(rows)


def forums(ids: list[int] | None = None, slug: str | None = None) -> list[Forum]:
    """The forums with their Förderzeiträume: two queries."""
    stmt = sa.select(Neighbourhood.id, Neighbourhood.slug, Neighbourhood.name, Neighbourhood.forum_name,
                     Neighbourhood.created_at, _forum_modified()).where(Neighbourhood.active.is_(True)) \
        .order_by(Neighbourhood.id)
    if ids is not None:
        stmt = stmt.where(Neighbourhood.id.in_(ids))
    if slug is not None:
        stmt = stmt.where(Neighbourhood.slug == slug)
    found = [Forum(*row) for row in db.session.execute(stmt)]
    spans = area_queries.periods_by_neighbourhood([f.id for f in found]) if found else {}
    return [replace(f, start=min((p.valid_from for p in spans.get(f.id, [])), default=None),
                    end=period_rules.last_end(spans.get(f.id, []))) for f in found]

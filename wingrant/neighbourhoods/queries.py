"""Reads of neighbourhoods' Förderzeiträume that several features share, each one query."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from . import periods as rules
from .models import AreaPeriod


def periods_by_neighbourhood(ids: list[int] | None = None) -> dict[int, list[AreaPeriod]]:
    """Every period of the given neighbourhoods (all when None), oldest first, in one query."""
    stmt = sa.select(AreaPeriod).order_by(AreaPeriod.neighbourhood_id, AreaPeriod.valid_from, AreaPeriod.id)
    if ids is not None:
        stmt = stmt.where(AreaPeriod.neighbourhood_id.in_(ids))
    found: dict[int, list[AreaPeriod]] = defaultdict(list)
    for period in db.session.execute(stmt).scalars():
        found[period.neighbourhood_id].append(period)
    return found


def periods_of(neighbourhood_id: int) -> list[AreaPeriod]:
    return periods_by_neighbourhood([neighbourhood_id]).get(neighbourhood_id, [])


def split_current_and_past(neighbourhoods: list, day: date | None = None) -> tuple[list, list[tuple]]:
    """The current areas, and the past ones each with its periods (for "Frühere Fördergebiete")."""
    day = day or date.today()
    found = periods_by_neighbourhood([nb.id for nb in neighbourhoods])
    current, past = [], []
    for nb in neighbourhoods:
        own = found.get(nb.id, [])
        if rules.is_current(own, day):
            current.append(nb)
        else:
            past.append((nb, rules.ranges(own)))
    return current, past


@dataclass(frozen=True)
class AreaStatus:
    """What the portal says about an area's Förderzeitraum."""

    current: bool
    ranges: list[rules.Range]
    #: The last funded day of a past area.
    ended: date | None


def area_status(neighbourhood_id: int, day: date | None = None) -> AreaStatus:
    own = periods_of(neighbourhood_id)
    return AreaStatus(rules.is_current(own, day or date.today()), rules.ranges(own), rules.last_end(own))

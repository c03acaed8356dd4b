"""Which OParl Body an object hangs under: the body of its neighbourhood's city."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g

from ...extensions import db
from ...neighbourhoods.models import City, Neighbourhood


def city_of(neighbourhood_slug: str) -> str:
    """The slug of the city a neighbourhood lies in: in a body's lists, that body's city (the lists hold
    nothing else); elsewhere one query a request for every neighbourhood."""
    if g.get("oparl_body_city"):
        return g.oparl_body_city
    found = g.get("oparl_city_of")
    if found is None:
        found = g.oparl_city_of = dict(db.session.execute(
            sa.select(Neighbourhood.slug, City.slug).join(City, Neighbourhood.city_id == City.id)).all())
    return found[neighbourhood_slug]

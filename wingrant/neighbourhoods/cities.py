"""Reading cities (Stadtgemeinden): the list, and the ``?stadt=<slug>`` filter every page across
neighbourhoods takes (budgets, open data, calendars, yearly and city reports).

One scheme for all of them: no parameter means every city; an unknown slug is "not found".
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, request

from ..extensions import db
from .models import City, Neighbourhood

#: The query parameter that narrows a page to one city.
PARAM = "stadt"


def all_cities() -> list[City]:
    return list(db.session.execute(sa.select(City).order_by(City.position, City.name)).scalars())


def by_slug(slug: str) -> City | None:
    return db.session.execute(sa.select(City).where(City.slug == slug)).scalar_one_or_none()


def city_or_404(slug: str) -> City:
    return by_slug(slug) or abort(404)


def requested_city() -> City | None:
    """The city named by ``?stadt=``, ``None`` without one; 404 for a city that does not exist."""
    slug = request.args.get(PARAM, "", type=str).strip()
    return city_or_404(slug[:60]) if slug else None


def in_city(city_id: int | None):
    """A condition on a query that joins ``Neighbourhood``: that city's only (``None``: any city)."""
    return sa.true() if city_id is None else Neighbourhood.city_id == city_id


def city_id(city: City | None) -> int | None:
    return city.id if city is not None else None

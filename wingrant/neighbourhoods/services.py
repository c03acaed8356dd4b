"""Writes on neighbourhoods' settings that the WiN-Geschäftsführung keeps: the population, the
cities (Stadtgemeinden) and which city a neighbourhood belongs to."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from .models import City, Neighbourhood

#: More residents than any Bremen neighbourhood could have: a typo, not a population.
MAX_POPULATION = 1_000_000


def set_populations(populations: dict[int, int | None], *, user) -> int:
    """Set each neighbourhood's population (``None`` = unknown); audited; all or nothing. Returns how many changed."""
    for nb_id, value in populations.items():
        if value is not None and not 1 <= value <= MAX_POPULATION:
            raise DomainError(_("Die Einwohnerzahl muss eine ganze Zahl zwischen 1 und %(max)s sein (oder leer).",
                                max=f"{MAX_POPULATION:,}".replace(",", ".")), field=f"population_{nb_id}")
    changed = 0
    with unit_of_work():
        for nb in db.session.execute(sa.select(Neighbourhood).where(Neighbourhood.id.in_(list(populations)))
                                     .order_by(Neighbourhood.id)).scalars():
            value = populations[nb.id]
            if nb.population != value:
                audit.record("neighbourhood.population", user=user, obj=nb, neighbourhood_id=nb.id,
                             before={"population": nb.population}, after={"population": value})
                nb.population = value
                changed += 1
    return changed


AGS_PATTERN = re.compile(r"^\d{8}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def save_city(city_id: int | None, *, slug: str, name: str, ags: str, position: int, user) -> City:
    """Create (``city_id`` None) or change a Stadtgemeinde; audited. Slug, name and AGS are unique."""
    slug, name, ags = slug.strip().lower(), name.strip(), ags.strip()
    if not SLUG_PATTERN.match(slug) or len(slug) > 60:
        raise DomainError(_("Der Kurzname besteht aus Kleinbuchstaben, Ziffern und Bindestrichen, z. B. "
                            "„bremerhaven“."), field="slug")
    if not name:
        raise DomainError(_("Bitte den Namen der Stadtgemeinde angeben."), field="name")
    if not AGS_PATTERN.match(ags):
        raise DomainError(_("Der Amtliche Gemeindeschlüssel hat genau acht Ziffern, z. B. 04012000."), field="ags")
    with unit_of_work():
        city = db.session.get(City, city_id) if city_id is not None else City()
        if city is None:
            raise DomainError(_("Diese Stadtgemeinde gibt es nicht."))
        for column, value, field, message in (
                (City.slug, slug, "slug", _("Diesen Kurznamen hat schon eine andere Stadtgemeinde.")),
                (City.name, name, "name", _("So heißt schon eine andere Stadtgemeinde.")),
                (City.ags, ags, "ags", _("Diesen Gemeindeschlüssel hat schon eine andere Stadtgemeinde."))):
            if db.session.execute(sa.select(City.id).where(column == value, City.id != (city.id or 0))).first():
                raise DomainError(message, field=field)
        before = {"slug": city.slug, "name": city.name, "ags": city.ags, "position": city.position}
        city.slug, city.name, city.ags, city.position = slug, name, ags, position
        db.session.add(city)
        db.session.flush()
        audit.record("city.create" if city_id is None else "city.update", user=user, obj=city,
                     before=before if city_id is not None else None,
                     after={"slug": slug, "name": name, "ags": ags, "position": position})
    return city


def assign_city(neighbourhood_id: int, city_id: int, *, user) -> bool:
    """Move a neighbourhood to another Stadtgemeinde; audited. Returns whether anything changed."""
    with unit_of_work():
        nb = db.session.get(Neighbourhood, neighbourhood_id)
        city = db.session.get(City, city_id)
        if nb is None or city is None:
            raise DomainError(_("Dieses Quartier oder diese Stadtgemeinde gibt es nicht."))
        if nb.city_id == city.id:
            return False
        audit.record("neighbourhood.city", user=user, obj=nb, neighbourhood_id=nb.id,
                     before={"city_id": nb.city_id}, after={"city_id": city.id})
        nb.city_id = city.id
        nb.city = city
    return True

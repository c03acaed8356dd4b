"""Writes on neighbourhoods' settings that the WiN-Geschäftsführung keeps: the population."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import unit_of_work
from ..errors import DomainError
from ..extensions import db
from .models import Neighbourhood

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

"""Writes on neighbourhoods' settings that the WiN-Geschäftsführung keeps: the population, the
Förderzeiträume (periods are added and ended, never deleted), the cities (Stadtgemeinden) and which
city a neighbourhood belongs to; and the check that money may be planned for an area in a year."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from . import periods as rules
from . import queries
from .models import AreaPeriod, City, Neighbourhood, Programme

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


def _period_state(period: AreaPeriod) -> dict:
    return {"programme_id": period.programme_id, "valid_from": period.valid_from.isoformat(),
            "valid_until": period.valid_until.isoformat() if period.valid_until else None,
            "decision_reference": period.decision_reference, "note": period.note}


def _date_text(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def add_period(neighbourhood_id: int, *, valid_from: date, valid_until: date | None, programme_id: int | None,
               decision_reference: str = "", note: str = "", user) -> AreaPeriod:
    """Record a Förderzeitraum; refused if it ends before it starts or overlaps one of the same programme."""
    if not rules.in_order(valid_from, valid_until):
        raise DomainError(_("Das Ende des Förderzeitraums darf nicht vor seinem Beginn liegen."),
                          field="valid_until")
    if len(decision_reference.strip()) > 300:
        raise DomainError(_("Der Beschluss darf höchstens 300 Zeichen lang sein."), field="decision_reference")
    with unit_of_work():
        nb = db.session.get(Neighbourhood, neighbourhood_id)
        if nb is None:
            raise DomainError(_("Dieses Quartier gibt es nicht."))
        if programme_id is not None and db.session.get(Programme, programme_id) is None:
            raise DomainError(_("Dieses Förderprogramm gibt es nicht."), field="programme_id")
        lock_row(Neighbourhood, nb.id)  # two administrators adding at once cannot both pass the overlap check
        period = AreaPeriod(neighbourhood_id=nb.id, programme_id=programme_id, valid_from=valid_from,
                            valid_until=valid_until, decision_reference=decision_reference.strip(),
                            note=note.strip())
        clash = rules.first_overlap(queries.periods_of(nb.id), period)
        if clash is not None:
            raise DomainError(_("Der Förderzeitraum überschneidet sich mit dem vom %(start)s%(end)s. Bitte den "
                                "bestehenden Zeitraum zuerst beenden oder andere Daten wählen.",
                                start=_date_text(clash.valid_from),
                                end=_(" bis %(day)s", day=_date_text(clash.valid_until)) if clash.valid_until
                                else _(" (offen)")), field="valid_from")
        db.session.add(period)
        audit.record("area_period.add", user=user, obj=period, neighbourhood_id=nb.id, after=_period_state(period))
    return period


def end_period(period_id: int, valid_until: date, *, user) -> AreaPeriod:
    """End an open Förderzeitraum on ``valid_until`` (its last funded day); an ended one stays as it is."""
    with unit_of_work():
        period = db.session.get(AreaPeriod, period_id)
        if period is None:
            raise DomainError(_("Diesen Förderzeitraum gibt es nicht."))
        lock_row(Neighbourhood, period.neighbourhood_id)
        if period.valid_until is not None:
            raise DomainError(_("Dieser Förderzeitraum ist bereits beendet; für eine Korrektur bitte einen "
                                "neuen Zeitraum anlegen."))
        if not rules.in_order(period.valid_from, valid_until):
            raise DomainError(_("Das Ende des Förderzeitraums darf nicht vor seinem Beginn (%(start)s) liegen.",
                                start=_date_text(period.valid_from)), field="valid_until")
        before = _period_state(period)
        period.valid_until = valid_until
        period.updated_at = utcnow()
        audit.record("area_period.end", user=user, obj=period, neighbourhood_id=period.neighbourhood_id,
                     before=before, after=_period_state(period))
    return period


def require_funded_year(neighbourhood: Neighbourhood, year: int, programme_ids=(None,), *,
                        field: str | None = "year") -> None:
    """Refuse planning money (an application, a budget) for a year outside the area's Förderzeiträume."""
    own = queries.periods_of(neighbourhood.id)
    for programme_id in programme_ids:
        if not rules.covers_year(own, year, programme_id):
            spans = ", ".join(_range_text(r) for r in rules.ranges(own))
            raise DomainError(_("%(name)s ist %(year)s kein Fördergebiet (Förderzeitraum: %(spans)s). Für dieses "
                                "Jahr kann hier nichts beantragt oder budgetiert werden.",
                                name=neighbourhood.name, year=year, spans=spans or "–"), field=field)


def _range_text(r: rules.Range) -> str:
    if r.last_year is None:
        return _("seit %(year)s", year=r.first_year)
    return str(r.first_year) if r.first_year == r.last_year else f"{r.first_year}–{r.last_year}"


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

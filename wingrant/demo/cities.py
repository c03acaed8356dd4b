"""Demo data of the cities: Bremen (where every WiN area of ``demo`` lies) and Bremerhaven with
two areas of the state programme Lebendige Quartiere (LLQ), and Bremerhaven's city administrator.

Called by ``demo.load_demo_data``, which lends its idempotent helpers (look up by natural key
first), so running the demo again creates nothing twice here either.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from ..auth.models import Role, User
from ..auth.services import create_user
from ..database import unit_of_work
from ..extensions import db
from ..neighbourhoods.models import City, ForumArticle, Neighbourhood

#: (slug, name, Amtlicher Gemeindeschlüssel, position)
CITIES = [("bremen", "Bremen", "04011000", 1), ("bremerhaven", "Bremerhaven", "04012000", 2)]

#: Bremerhaven's LLQ areas: (name, slug, code, forum name, article, LLQ euros this year)
BREMERHAVEN = [
    ("Lehe", "lehe", "LEH", "Stadtteilkonferenz Lehe", "die", 60_000),
    ("Geestemünde", "geestemuende", "GEE", "Quartiersforum Geestemünde", "das", 45_000),
]

CITY_ADMIN = ("stadt.bremerhaven@wingrant.example", "Jens Claußen (Magistrat Bremerhaven)",
              "Stadtadministration Bremerhaven")


def add_cities(get_or_add) -> dict[str, City]:
    return {slug: get_or_add(City, {"slug": slug}, name=name, ags=ags, position=position)
            for slug, name, ags, position in CITIES}


def add_bremerhaven(get_or_add, allocate_once, programmes, year: int, admin: User, report) -> int:
    """Lehe and Geestemünde with their LLQ budgets, a QM for Lehe, and the city administrator."""
    with unit_of_work():  # the areas first: each allocation below is a unit of work of its own
        city = add_cities(get_or_add)["bremerhaven"]
        areas = {slug: get_or_add(Neighbourhood, {"slug": slug}, name=name, code=code, forum_name=forum,
                                  city_id=city.id, forum_article=ForumArticle(article),
                                  office_name=f"Quartiersmanagement {name}",
                                  office_address=f"Quartiersbüro {name}, Bremerhaven", office_phone="0471 590-0000",
                                  office_email=f"qm-{slug}@wingrant.example")
                 for name, slug, code, forum, article, _euros in BREMERHAVEN}
    allocated = sum(allocate_once(areas[slug], programmes["LLQ"], year, euros * 100, admin)
                    for _name, slug, _code, _forum, _article, euros in BREMERHAVEN)
    people = [(CITY_ADMIN[0], CITY_ADMIN[1], True, {}, CITY_ADMIN[2]),
              ("qm.lehe@wingrant.example", "Aylin Kaya", False, {areas["lehe"]: Role.MANAGER},
               "Quartiersmanagerin Lehe")]
    for email, name, is_admin, roles, label in people:
        if db.session.execute(sa.select(User.id).filter_by(email=email)).first():
            continue
        password = secrets.token_urlsafe(12)
        create_user(email, name, password, is_admin=is_admin, admin_city_id=city.id if is_admin else None,
                    roles=roles)
        report.passwords.append((email, label, password))
    report.lines.append(f"Bremerhaven: {len(areas)} LLQ-Gebiete, {allocated} neue Zuweisungen")
    return allocated

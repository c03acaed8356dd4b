"""Open data: the neighbourhoods (WiN-Gebiete) with their Förderzeiträume, current and past areas.

A third data set beside the decisions and resolutions, with the same licence and conventions: one row
per neighbourhood in the CSV (its stretches of funding as text, the first and last funded day), and in
the JSON each neighbourhood with its periods as a list (programme, from, until, decision). Two queries.
"""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..core import spreadsheets
from ..core.spreadsheets import Table
from ..core.urls import external_url
from ..extensions import db
from ..neighbourhoods import periods as rules
from ..neighbourhoods import queries as area_queries
from ..neighbourhoods.models import Programme
from . import queries
from .opendata import LICENCE_ID, LICENCE_NAME, LICENCE_URL, Column, _generated, attribution, publisher

FORMAT = "wingrant.open-data.neighbourhoods/1"
FILENAME = "wingrant-quartiere"

COLUMNS: tuple[Column, ...] = (
    Column("quartier", "string", _l("Name des WiN-Gebiets")),
    Column("quartier_kennung", "string", _l("Kurzname des WiN-Gebiets in Adressen, z. B. huchting")),
    Column("forum", "string", _l("Name des Forums")),
    Column("foerdergebiet_aktuell", "boolean", _l("Heute Fördergebiet (true) oder früheres Fördergebiet (false)")),
    Column("gefoerdert_seit", "date", _l("Erster Tag des ältesten Förderzeitraums (JJJJ-MM-TT); leer, wenn keiner "
                                         "erfasst ist")),
    Column("gefoerdert_bis", "date", _l("Letzter Fördertag eines früheren Fördergebiets; leer, solange es läuft")),
    Column("foerderzeitraeume", "string", _l("Die Förderzeiträume in Jahren, z. B. „1999–2024“ oder „seit 1999“")),
    Column("url", "string", _l("Adresse der Seite im Portal")),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)


def _years(r: rules.Range) -> str:
    if r.last_year is None:
        return f"seit {r.first_year}"
    return str(r.first_year) if r.first_year == r.last_year else f"{r.first_year}–{r.last_year}"


def rows(today: date | None = None) -> list[dict]:
    """Every public neighbourhood, by name, each with its periods (key ``periods``, JSON only)."""
    today = today or date.today()
    neighbourhoods = queries.neighbourhoods()
    found = area_queries.periods_by_neighbourhood([nb.id for nb in neighbourhoods])
    codes = dict(db.session.execute(sa.select(Programme.id, Programme.code)).all()) if found else {}
    result = []
    for nb in neighbourhoods:
        own = found.get(nb.id, [])
        end = rules.last_end(own)
        result.append({
            "quartier": nb.name, "quartier_kennung": nb.slug, "forum": nb.forum_name,
            "foerdergebiet_aktuell": rules.is_current(own, today),
            "gefoerdert_seit": min(p.valid_from for p in own).isoformat() if own else "",
            "gefoerdert_bis": end.isoformat() if end else "",
            "foerderzeitraeume": ", ".join(_years(r) for r in rules.ranges(own)),
            "url": external_url("public.neighbourhood", slug=nb.slug),
            "periods": [{"programm": codes.get(p.programme_id) if p.programme_id else None,
                         "von": p.valid_from.isoformat(), "bis": p.valid_until.isoformat() if p.valid_until else None,
                         "beschluss": p.decision_reference} for p in own],
        })
    return result


def to_csv(data: list[dict]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM, as the other data sets; ``ja``/``nein`` for the flag."""
    table = [[("ja" if row[n] else "nein") if n == "foerdergebiet_aktuell" else row[n] for n in HEADER]
             for row in data]
    return spreadsheets.to_csv(Table("", HEADER, table, frozenset()))


def to_json(data: list[dict], dataset_url: str) -> bytes:
    with force_locale("de"):
        columns = [{"name": c.name, "type": c.type, "description": str(c.description)} for c in COLUMNS]
    columns.append({"name": "foerderzeitraeume_liste", "type": "array",
                    "description": "Jeder Förderzeitraum: programm (Kürzel; null = das WiN-Gebiet insgesamt), "
                                   "von, bis (null = offen), beschluss"})
    document = {
        "metadata": {
            "format": FORMAT,
            "title": "WiN-Gebiete und ihre Förderzeiträume",
            "source": dataset_url,
            "publisher": publisher(),
            "licence": {"id": LICENCE_ID, "name": LICENCE_NAME, "url": LICENCE_URL,
                        "attribution": attribution(dataset_url)},
            "generated": _generated(),
            "rows": len(data),
            "columns": columns,
        },
        "data": [{**{n: row[n] for n in HEADER}, "foerderzeitraeume_liste": row["periods"]} for row in data],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

"""Open data: the forums' resolutions and statements without money (Beschluss / Stellungnahme).

A second data set beside the decisions on applications (``opendata``), with the same licence,
filters (``quartier``, ``jahr`` = the year of the meeting), formats and conventions: fixed column
names documented on the open-data page and in ``docs/open-data.md``, one row per resolution.
Visibility is the portal's (``minutes.resolutions.resolution_select``): only from published
minutes of active neighbourhoods; no person's name (objections are counted, not named).
"""

from __future__ import annotations

import json

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..core import spreadsheets
from ..core.spreadsheets import Table
from ..core.urls import external_url
from ..meetings.models import RESOLUTION_OUTCOMES
from ..minutes import resolutions
from ..minutes.labels import RESOLUTION_KINDS
from ..minutes.labels import RESOLUTION_OUTCOMES as OUTCOME_LABELS
from .opendata import (
    LICENCE_ID,
    LICENCE_NAME,
    LICENCE_URL,
    Column,
    Selection,
    _generated,
    attribution,
    city_slugs,
    publisher,
)

FORMAT = "wingrant.open-data.resolutions/1"

COLUMNS: tuple[Column, ...] = (
    Column("beschluss_id", "integer", _l("Kennung des Beschlusses oder der Stellungnahme; bleibt stabil.")),
    Column("art", "string", _l("Art als Schlüssel: resolution (Beschluss) oder statement (Stellungnahme)")),
    Column("art_text", "string", _l("Art in Worten")),
    Column("quartier", "string", _l("Name des WiN-Gebiets")),
    Column("quartier_kennung", "string", _l("Kurzname des WiN-Gebiets in Adressen, z. B. huchting")),
    Column("forum", "string", _l("Name des Forums, das beschlossen hat")),
    Column("sitzung_datum", "date", _l("Datum der Sitzung (JJJJ-MM-TT)")),
    Column("titel", "string", _l("Titel")),
    Column("adressat", "string", _l("An wen sich der Beschluss oder die Stellungnahme richtet (frei formuliert)")),
    Column("ergebnis", "string", _l("Ergebnis als Schlüssel: approved, approved_with_changes, deferred, rejected")),
    Column("ergebnis_text", "string", _l("Ergebnis in Worten (beschlossen, geändert beschlossen, vertagt, nicht "
                                         "beschlossen)")),
    Column("wortlaut", "string", _l("Der beschlossene Wortlaut; bei Vertagung oder „nicht beschlossen“ der Entwurf")),
    Column("entwurf", "string", _l("Der ursprüngliche Entwurf")),
    Column("begruendung", "string", _l("Begründung einer Vertagung oder eines „nicht beschlossen“")),
    Column("einwaende_erhoben", "integer", _l("Zahl der erhobenen Einwände")),
    Column("einwaende_aufrechterhalten", "integer", _l("Davon aufrechterhalten (nicht zurückgezogen, nicht von "
                                                       "Befangenen)")),
    Column("url", "string", _l("Adresse der Seite im Portal")),
    Column("protokoll_url", "string", _l("Adresse des veröffentlichten Protokolls im Portal")),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)


def filename(selection: Selection, extension: str) -> str:
    parts = ["wingrant-beschluesse-ohne-antrag", selection.part, str(selection.year) if selection.year else None]
    return "-".join(p for p in parts if p) + "." + extension


def rows(selection: Selection) -> list[dict]:
    """The rows, oldest meeting first per neighbourhood: three queries however many."""
    found = resolutions.published_resolutions(selection.neighbourhood.id if selection.neighbourhood else None,
                                              year=selection.year, newest_first=False)
    in_city = city_slugs(selection)
    if in_city is not None:
        found = [r for r in found if r.neighbourhood_slug in in_city]
    with force_locale("de"):  # the data set is German whatever language the page is shown in
        kinds = {k: str(v) for k, v in RESOLUTION_KINDS.items()}
        outcomes = {o: str(OUTCOME_LABELS[o]) for o in RESOLUTION_OUTCOMES}
    return [{
        "beschluss_id": r.id, "art": r.kind.value, "art_text": kinds[r.kind], "quartier": r.neighbourhood,
        "quartier_kennung": r.neighbourhood_slug, "forum": r.forum, "sitzung_datum": r.meeting_date.isoformat(),
        "titel": r.title, "adressat": r.addressee, "ergebnis": r.outcome.value, "ergebnis_text": outcomes[r.outcome],
        "wortlaut": r.adopted_text, "entwurf": r.text, "begruendung": r.reason,
        "einwaende_erhoben": r.objections_raised, "einwaende_aufrechterhalten": r.objections_standing,
        "url": external_url("public.resolution", slug=r.neighbourhood_slug, resolution_id=r.id),
        "protokoll_url": external_url("public.minutes", slug=r.neighbourhood_slug, meeting_id=r.meeting_id),
    } for r in found]


def to_csv(data: list[dict]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM, as the decisions: German Excel opens it."""
    return spreadsheets.to_csv(Table("", HEADER, [[row[n] for n in HEADER] for row in data], frozenset()))


def to_xlsx(data: list[dict], dataset_url: str) -> bytes:
    table = Table("Beschluesse_ohne_Antrag", HEADER, [[row[n] for n in HEADER] for row in data], frozenset())
    notes = Table("Lizenz", None, [("Lizenz", f"{LICENCE_NAME} ({LICENCE_ID})"), ("Lizenztext", LICENCE_URL),
                                   ("Namensnennung", attribution(dataset_url)), ("Erzeugt", _generated()),
                                   ("Format", FORMAT)])
    return spreadsheets.to_xlsx(table, notes)


def to_json(data: list[dict], selection: Selection, dataset_url: str) -> bytes:
    """``{"metadata": {...}, "data": [...]}`` as the decisions' data set."""
    with force_locale("de"):
        columns = [{"name": c.name, "type": c.type, "description": str(c.description)} for c in COLUMNS]
    document = {
        "metadata": {
            "format": FORMAT,
            "title": "Beschlüsse und Stellungnahmen der WiN-Foren ohne Antrag",
            "source": dataset_url,
            "publisher": publisher(),
            "licence": {"id": LICENCE_ID, "name": LICENCE_NAME, "url": LICENCE_URL,
                        "attribution": attribution(dataset_url)},
            "generated": _generated(),
            "filter": {"quartier": selection.slug, "jahr": selection.year},
            "rows": len(data),
            "columns": columns,
        },
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

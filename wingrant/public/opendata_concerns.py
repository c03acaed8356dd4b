"""Open data: the concerns register (Wünsche und Anliegen) as CSV, XLSX and JSON.

One row per follow-up ("long" format, like the decisions' one row per programme): a concern with
three steps gives three rows with the same ``anliegen_id``; the concern's own columns repeat, the
``schritt_*`` columns tell its history. So "current status" is a filter on ``schritt_aktuell``,
and the history of a concern is a group by ``anliegen_id``.

What is published is what the portal shows (``concerns.queries.public_concerns``): concerns of
active neighbourhoods, without any name — no column holds who raised a concern, and who wrote a
step stays in the office. Licence, attribution and the file dialects are those of the decisions
(``public.opendata``); the column names are fixed identifiers documented in ``docs/open-data.md``.
"""

from __future__ import annotations

import json

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..concerns import queries as concern_queries
from ..concerns.labels import STATUSES, status_text
from ..core import spreadsheets
from ..core.spreadsheets import Table
from ..core.urls import external_url
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

FORMAT = "wingrant.open-data.concerns/1"

COLUMNS: tuple[Column, ...] = (
    Column("anliegen_id", "integer", _l("Kennung des Anliegens; bleibt stabil. Eine Zeile je Schritt.")),
    Column("aktenzeichen", "string", _l("Zeichen des Anliegens, z. B. ANL-huchting-12")),
    Column("quartier", "string", _l("Name des WiN-Gebiets")),
    Column("quartier_kennung", "string", _l("Kurzname des WiN-Gebiets in Adressen, z. B. huchting")),
    Column("thema", "string", _l("Thema des Anliegens")),
    Column("beschreibung", "string", _l("Beschreibung des Anliegens")),
    Column("aufgenommen_am", "date", _l("Tag, an dem das Anliegen vorgebracht wurde (JJJJ-MM-TT)")),
    Column("sitzung_datum", "date", _l("Datum der öffentlichen Sitzung, in der es vorgebracht wurde (leer: beim "
                                       "Quartiersmanagement)")),
    Column("status", "string", _l("Heutiger Status als Schlüssel: recorded, forwarded, answered, done")),
    Column("status_text", "string", _l("Heutiger Status in Worten (aufgenommen, weitergeleitet an …)")),
    Column("zustaendig", "string", _l("Heute zuständige Stelle")),
    Column("schritt_nr", "integer", _l("Nummer des Schritts (1 = aufgenommen)")),
    Column("schritt_datum", "date", _l("Datum des Schritts (JJJJ-MM-TT)")),
    Column("schritt_status", "string", _l("Status ab diesem Schritt als Schlüssel")),
    Column("schritt_stelle", "string", _l("Zuständige Stelle ab diesem Schritt")),
    Column("schritt_notiz", "string", _l("Öffentliche Notiz zum Schritt")),
    Column("schritt_aktuell", "integer", _l("1 beim neuesten Schritt des Anliegens, sonst 0")),
    Column("portal_url", "string", _l("Adresse des Anliegens im Portal")),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)


def rows(selection: Selection) -> list[dict]:
    """Oldest concern first, its steps in order: three queries however many concerns."""
    concerns = concern_queries.public_concerns(selection.neighbourhood.id if selection.neighbourhood else None)
    in_city = city_slugs(selection)
    if in_city is not None:
        concerns = [c for c in concerns if c.slug in in_city]
    result = []
    with force_locale("de"):  # the data set is German whatever language the page is shown in
        for c in sorted(concerns, key=lambda c: (c.raised_on, c.id)):
            if selection.year and c.raised_on.year != selection.year:
                continue
            base = {
                "anliegen_id": c.id, "aktenzeichen": c.reference, "quartier": c.neighbourhood,
                "quartier_kennung": c.slug, "thema": c.topic, "beschreibung": c.description,
                "aufgenommen_am": c.raised_on.isoformat(),
                "sitzung_datum": c.meeting_date.isoformat() if c.meeting_date else "",
                "status": c.status.value, "status_text": status_text(c.status, c.office), "zustaendig": c.office,
                "portal_url": external_url("public.concerns", slug=c.slug, _anchor=f"anliegen-{c.id}"),
            }
            for number, step in enumerate(c.steps, start=1):
                row = dict(base, schritt_nr=number, schritt_datum=step.date.isoformat(),
                           schritt_status=step.status.value, schritt_stelle=step.office, schritt_notiz=step.note,
                           schritt_aktuell=int(number == len(c.steps)))
                result.append({name: row[name] for name in HEADER})
    return result


def filename(selection: Selection, extension: str) -> str:
    parts = ("wingrant-anliegen", selection.part, str(selection.year) if selection.year else None)
    return "-".join(p for p in parts if p) + "." + extension


def to_csv(data: list[dict]) -> bytes:
    return spreadsheets.to_csv(Table("", HEADER, [[row[n] for n in HEADER] for row in data], frozenset()))


def to_xlsx(data: list[dict], dataset_url: str) -> bytes:
    sheet = Table("Anliegen", HEADER, [[row[n] for n in HEADER] for row in data], frozenset())
    notes = Table("Lizenz", None, [("Lizenz", f"{LICENCE_NAME} ({LICENCE_ID})"), ("Lizenztext", LICENCE_URL),
                                   ("Namensnennung", attribution(dataset_url)), ("Erzeugt", _generated()),
                                   ("Format", FORMAT)])
    return spreadsheets.to_xlsx(sheet, notes)


def to_json(data: list[dict], selection: Selection, dataset_url: str) -> bytes:
    with force_locale("de"):
        columns = [{"name": c.name, "type": c.type, "description": str(c.description)} for c in COLUMNS]
        statuses = {s.value: str(label) for s, label in STATUSES.items()}
    document = {
        "metadata": {
            "format": FORMAT,
            "title": "Wünsche und Anliegen aus den WiN-Quartieren",
            "source": dataset_url,
            "publisher": publisher(),
            "licence": {"id": LICENCE_ID, "name": LICENCE_NAME, "url": LICENCE_URL,
                        "attribution": attribution(dataset_url)},
            "generated": _generated(),
            "filter": {"quartier": selection.slug, "jahr": selection.year},
            "rows": len(data),
            "statuses": statuses,
            "columns": columns,
        },
        "data": data,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

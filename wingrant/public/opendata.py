"""Open data: every published decision as CSV, XLSX and JSON, under an open licence.

One row per decision and funding programme ("long" format): a decision on an
application that asks two programmes for money gives two rows with the same
``beschluss_id``. So the column set never depends on which programmes exist,
and sums per programme are a plain pivot. A decision without any programme
amount still gives one row (programme columns empty, amounts 0).

Visibility and money are the portal's, read through the one model of what
was published (``minutes.published``): decisions only from published minutes
of active neighbourhoods, applications with their public fields only (the
fields the published minutes print), never a person's name or contact data.

The column names are an interface: they are fixed identifiers (not translated)
and documented on the open-data page and in ``docs/open-data.md``; a test pins
the header row. Change them only with a new format version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..applications.models import Application
from ..core import spreadsheets
from ..core.spreadsheets import Table
from ..core.urls import external_url
from ..extensions import db
from ..meetings.models import Outcome
from ..minutes import published
from ..minutes.labels import OUTCOMES
from ..neighbourhoods import cities
from ..neighbourhoods.models import City, Neighbourhood
from . import queries

#: Version of the file format; part of the JSON metadata.
FORMAT = "wingrant.open-data.decisions/1"

LICENCE_ID = "dl-de/by-2-0"
LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"
#: Who provides the data (named in the attribution); an installation sets ``OPEN_DATA_PUBLISHER``.
DEFAULT_PUBLISHER = "WiN – Wohnen in Nachbarschaften, Bremen"

#: Years a filter may ask for (the application's CHECK constraint).
YEAR_RANGE = (1999, 2200)

@dataclass(frozen=True)
class Column:
    name: str
    #: JSON type of the value: "integer", "string", "date", "number".
    type: str
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("beschluss_id", "integer", _l("Kennung des Beschlusses; bleibt stabil. Mehrere Zeilen mit derselben "
                                        "Kennung: ein Beschluss über mehrere Förderprogramme.")),
    Column("quartier", "string", _l("Name des WiN-Gebiets")),
    Column("quartier_kennung", "string", _l("Kurzname des WiN-Gebiets in Adressen, z. B. huchting")),
    Column("forum", "string", _l("Name des Forums, das beschlossen hat")),
    Column("sitzung_datum", "date", _l("Datum der Sitzung (JJJJ-MM-TT)")),
    Column("aktenzeichen", "string", _l("Aktenzeichen des Projektantrags")),
    Column("projekt_titel", "string", _l("Titel des Projekts")),
    Column("traeger", "string", _l("Antragstellende Organisation (Träger)")),
    Column("kurzbeschreibung", "string", _l("Kurzbeschreibung des Projekts")),
    Column("haushaltsjahr", "integer", _l("Haushaltsjahr, für das die Mittel beantragt sind")),
    Column("handlungsfelder", "string", _l("Handlungsfelder, getrennt durch „; “")),
    Column("beschluss", "string", _l("Ergebnis als Schlüssel: approved, approved_with_changes, deferred, rejected, "
                                     "withdrawn, referred")),
    Column("beschluss_text", "string", _l("Ergebnis in Worten (beschlossen, vertagt, …)")),
    Column("auflagen", "string", _l("Auflagen zum Beschluss")),
    Column("begruendung", "string", _l("Begründung einer Vertagung oder Ablehnung")),
    Column("programm_code", "string", _l("Kürzel des Förderprogramms, z. B. WIN")),
    Column("programm", "string", _l("Name des Förderprogramms")),
    Column("beantragt_cent", "integer", _l("Aus diesem Programm beantragter Betrag in Cent")),
    Column("beantragt_euro", "number", _l("Derselbe Betrag in Euro")),
    Column("beschlossen_cent", "integer", _l("Vom Forum beschlossener Betrag in Cent (0, wenn nicht beschlossen)")),
    Column("beschlossen_euro", "number", _l("Derselbe Betrag in Euro")),
    Column("protokoll_url", "string", _l("Adresse des veröffentlichten Protokolls im Portal")),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)
_EURO_COLUMNS = {"beantragt_euro", "beschlossen_euro"}


class FilterError(ValueError):
    """A download filter that cannot be served; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Selection:
    """What a download covers: one neighbourhood, one city or all; one year or all."""

    neighbourhood: Neighbourhood | None = None
    year: int | None = None
    city: City | None = None

    @property
    def slug(self) -> str | None:
        return self.neighbourhood.slug if self.neighbourhood else None

    @property
    def city_id(self) -> int | None:
        return self.city.id if self.city is not None else None

    @property
    def part(self) -> str | None:
        """The file name's part naming the place: the neighbourhood's or the city's slug."""
        return self.slug or (self.city.slug if self.city is not None else None)

    def filename(self, extension: str) -> str:
        parts = ["wingrant-beschluesse", self.part, str(self.year) if self.year else None]
        return "-".join(p for p in parts if p) + "." + extension

    def args(self) -> dict[str, str | int]:
        """The query arguments that select this again (for links)."""
        args: dict[str, str | int] = {}
        if self.city is not None:
            args[cities.PARAM] = self.city.slug
        if self.neighbourhood:
            args["quartier"] = self.neighbourhood.slug
        if self.year:
            args["jahr"] = self.year
        return args


def city_slugs(selection: Selection) -> frozenset[str] | None:
    """The neighbourhood slugs of the selected city (one query); ``None`` without a city."""
    if selection.city is None:
        return None
    return frozenset(db.session.execute(
        sa.select(Neighbourhood.slug).where(Neighbourhood.city_id == selection.city.id)).scalars())


def parse_selection(args) -> Selection:
    """Read ``quartier`` and ``jahr`` from request arguments; refuse what does not exist.

    An unknown or inactive neighbourhood is 404 (there is no such data set); a year
    that is not a number or out of range is 400.
    """
    nb = city = None
    city_slug = (args.get(cities.PARAM) or "").strip()
    if city_slug:
        city = cities.by_slug(city_slug[:60])
        if city is None:
            raise FilterError(_("Die Stadtgemeinde „%(slug)s“ gibt es nicht.", slug=city_slug[:60]), 404)
    slug = (args.get("quartier") or "").strip()
    if slug:
        nb = queries.neighbourhood(slug)
        if nb is None:
            raise FilterError(_("Das Quartier „%(slug)s“ gibt es nicht.", slug=slug[:60]), 404)
    year = None
    raw = (args.get("jahr") or "").strip()
    if raw:
        if not (raw.isascii() and raw.isdigit()):
            raise FilterError(_("Das Jahr muss eine Jahreszahl sein, z. B. %(year)s.", year=date.today().year), 400)
        year = int(raw)
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise FilterError(_("Das Jahr muss zwischen %(first)s und %(last)s liegen.",
                                first=YEAR_RANGE[0], last=YEAR_RANGE[1]), 400)
    return Selection(nb, year, city)


# --- reading -------------------------------------------------------------------------


def decision_rows(selection: Selection) -> list[dict]:
    """The rows of the download, in a stable order: five queries however many decisions."""
    decisions = published.published_decisions(selection.neighbourhood.id if selection.neighbourhood else None,
                                              year=selection.year, city_id=selection.city_id,
                                              newest_first=False)
    result = []
    with force_locale("de"):  # the data set is German whatever language the page is shown in
        labels = {o: str(OUTCOMES[o]) for o in Outcome}
    for d in decisions:
        base = {
            "beschluss_id": d.decision_id, "quartier": d.neighbourhood, "quartier_kennung": d.neighbourhood_slug,
            "forum": d.forum, "sitzung_datum": d.meeting_date.isoformat(), "aktenzeichen": d.reference,
            "projekt_titel": d.title, "traeger": d.organisation, "kurzbeschreibung": d.summary,
            "haushaltsjahr": d.year, "handlungsfelder": "; ".join(d.fields), "beschluss": d.outcome.value,
            "beschluss_text": labels[d.outcome], "auflagen": d.conditions, "begruendung": d.reason,
            "protokoll_url": external_url("public.minutes", slug=d.neighbourhood_slug, meeting_id=d.meeting_id),
        }
        # The euro columns carry cents here too; each writer turns them into euros its own way.
        for amount in d.amounts or [None]:
            asked_cents, decided_cents = (amount.requested, amount.approved) if amount else (0, 0)
            row = dict(base)
            row.update({
                "programm_code": amount.code if amount else "", "programm": amount.name if amount else "",
                "beantragt_cent": asked_cents, "beantragt_euro": asked_cents,
                "beschlossen_cent": decided_cents, "beschlossen_euro": decided_cents,
            })
            result.append({name: row[name] for name in HEADER})
    return result


def years_with_decisions() -> list[int]:
    """Budget years that occur in published decisions, newest first."""
    return list(db.session.execute(
        published.decision_select(Application.year).distinct().order_by(Application.year.desc())
    ).scalars())


# --- writing -------------------------------------------------------------------------


def publisher() -> str:
    return current_app.config.get("OPEN_DATA_PUBLISHER") or DEFAULT_PUBLISHER


def attribution(dataset_url: str) -> str:
    """The attribution text dl-de/by-2-0 asks for: provider, licence with link, data set."""
    return f"{publisher()}, {LICENCE_NAME} ({LICENCE_ID}, {LICENCE_URL}), {dataset_url}"


def _money_columns() -> frozenset[int]:
    return frozenset(i for i, name in enumerate(HEADER) if name in _EURO_COLUMNS)


def to_csv(rows: list[dict]) -> bytes:
    """Semicolon-separated, decimal comma in the euro columns, UTF-8 with BOM: German Excel opens it."""
    return spreadsheets.to_csv(Table("", HEADER, [[row[n] for n in HEADER] for row in rows], _money_columns()))


def to_xlsx(rows: list[dict], dataset_url: str) -> bytes:
    """Sheet "Beschluesse" with the data (every text cell a plain string), sheet "Lizenz" with the terms."""
    data = Table("Beschluesse", HEADER, [[row[n] for n in HEADER] for row in rows], _money_columns())
    notes = Table("Lizenz", None, [("Lizenz", f"{LICENCE_NAME} ({LICENCE_ID})"), ("Lizenztext", LICENCE_URL),
                                   ("Namensnennung", attribution(dataset_url)), ("Erzeugt", _generated()),
                                   ("Format", FORMAT)])
    return spreadsheets.to_xlsx(data, notes)


def _generated() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def to_json(rows: list[dict], selection: Selection, dataset_url: str) -> bytes:
    """``{"metadata": {...}, "data": [...]}``: amounts in cents (integers) and euros (numbers)."""
    with force_locale("de"):
        columns = [{"name": c.name, "type": c.type, "description": str(c.description)} for c in COLUMNS]
    data = [{name: (row[name] / 100 if name in _EURO_COLUMNS else row[name]) for name in HEADER} for row in rows]
    document = {
        "metadata": {
            "format": FORMAT,
            "title": "Beschlüsse der WiN-Foren",
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

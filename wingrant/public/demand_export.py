"""Unmet demand as open data: one row per neighbourhood × programme × field of action × budget year.

The columns are an interface (fixed identifiers, not translated), documented on the open-data
page and in ``docs/open-data.md``; a test pins the header. Amounts are integer cents. The
budget columns belong to neighbourhood × programme × year and repeat on each field row of it;
sum them once per group. A budget without any published decision still gives a row (field
empty, demand 0), so what was available is never missing.
"""

from __future__ import annotations

import json
from dataclasses import replace

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..core import spreadsheets
from ..core.spreadsheets import Table
from . import opendata
from .demand import Cell, Demand, Figures
from .opendata import Column

FORMAT = "wingrant.open-data.unmet-demand/1"

COLUMNS: tuple[Column, ...] = (
    Column("quartier", "string", _l("Name des WiN-Gebiets")),
    Column("quartier_kennung", "string", _l("Kurzname des WiN-Gebiets in Adressen, z. B. huchting")),
    Column("programm_code", "string", _l("Kürzel des Förderprogramms, z. B. WIN")),
    Column("programm", "string", _l("Name des Förderprogramms")),
    Column("handlungsfeld", "string", _l("Erstes Handlungsfeld des Antrags in diesem Programm; leer: keines")),
    Column("haushaltsjahr", "integer", _l("Haushaltsjahr, für das die Mittel beantragt sind")),
    Column("antraege", "integer", _l("Anträge mit veröffentlichtem Beschluss")),
    Column("beantragt_cent", "integer", _l("Beantragt (Finanzierungsplan), in Cent; = beschlossen + gekürzt + "
                                           "vertagt + abgelehnt + zurückgezogen + offen")),
    Column("beschlossen_cent", "integer", _l("Beschlossen und im Budget gebunden, in Cent")),
    Column("gekuerzt_cent", "integer", _l("Beantragt, aber bei „beschlossen mit Änderungen“ gekürzt, in Cent")),
    Column("vertagt_cent", "integer", _l("Letzter Beschluss: vertagt, in Cent")),
    Column("abgelehnt_cent", "integer", _l("Abgelehnt (vom Forum oder von der Geschäftsführung), in Cent")),
    Column("zurueckgezogen_cent", "integer", _l("Vom Träger zurückgezogen, in Cent")),
    Column("offen_cent", "integer", _l("An die Geschäftsführung verwiesen und noch nicht entschieden, in Cent")),
    Column("gekuerzt_mittel_nicht_ausreichend_cent", "integer",
           _l("Davon gekürzt mit dem Grund „Mittel nicht ausreichend“, in Cent")),
    Column("vertagt_mittel_nicht_ausreichend_cent", "integer",
           _l("Davon vertagt mit dem Grund „Mittel nicht ausreichend“, in Cent")),
    Column("abgelehnt_mittel_nicht_ausreichend_cent", "integer",
           _l("Davon abgelehnt mit dem Grund „Mittel nicht ausreichend“, in Cent")),
    Column("budget_zugewiesen_cent", "integer", _l("Dem Budget (Quartier × Programm × Jahr) zugewiesen, in Cent; "
                                                   "wiederholt sich in jeder Zeile der Handlungsfelder")),
    Column("budget_gebunden_cent", "integer", _l("Im Budget gebunden (Mittelbindungen), in Cent")),
    Column("budget_rueckfluss_cent", "integer", _l("An das Budget zurückgeflossen, in Cent")),
    Column("budget_verfuegbar_cent", "integer", _l("Im Budget noch verfügbar, in Cent")),
)
HEADER: tuple[str, ...] = tuple(c.name for c in COLUMNS)


def demand_records(demand: Demand) -> list[dict]:
    """The rows in the read model's order (neighbourhood, year, programme, field); a budget without
    demand gets a row of its own."""
    groups: dict[tuple, list[Cell]] = {}
    for c in demand.cells:
        groups.setdefault((c.neighbourhood_id, c.programme_id, c.year), []).append(c)
    rows = []
    for budget, summed in demand.by_programme():
        key = (summed.neighbourhood_id, summed.programme_id, summed.year)
        for c in groups.get(key) or [replace(summed, figures=Figures())]:
            rows.append(_row(c, budget.budget if budget else None))
    return rows


def _row(c, budget) -> dict:
    f = c.figures
    values = (c.neighbourhood, c.neighbourhood_slug, c.programme_code, c.programme, c.field, c.year, f.applications,
              f.requested, f.approved, f.reduced, f.deferred, f.refused, f.withdrawn, f.open, f.reduced_lack_of_money,
              f.deferred_lack_of_money, f.refused_lack_of_money,
              budget.allocated if budget else 0, budget.committed if budget else 0,
              budget.released if budget else 0, budget.available if budget else 0)
    return dict(zip(HEADER, values, strict=True))


def table(rows: list[dict], title: str = "Bedarf") -> Table:
    return Table(title, HEADER, [[r[n] for n in HEADER] for r in rows])


def to_csv(rows: list[dict]) -> bytes:
    return spreadsheets.to_csv(table(rows))


def to_json(rows: list[dict], slug: str | None, year: int | None, dataset_url: str) -> bytes:
    """``{"metadata": {...}, "data": [...]}`` like the decisions' data set; amounts in cents."""
    with force_locale("de"):
        columns = [{"name": c.name, "type": c.type, "description": str(c.description)} for c in COLUMNS]
    document = {
        "metadata": {
            "format": FORMAT, "title": "Ungedeckter Bedarf der WiN-Gebiete", "source": dataset_url,
            "publisher": opendata.publisher(),
            "licence": {"id": opendata.LICENCE_ID, "name": opendata.LICENCE_NAME, "url": opendata.LICENCE_URL,
                        "attribution": opendata.attribution(dataset_url)},
            "filter": {"quartier": slug, "jahr": year}, "rows": len(rows), "columns": columns,
        },
        "data": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")

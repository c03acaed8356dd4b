"""The city-wide annual report (Jahresbericht der Stadtgemeinde): public, published data only.

Per neighbourhood and programme the ledger's allocations, commitments and releases; the unmet
demand (``demand``, the one read model of those figures); the money per field of action; and
money per resident where a neighbourhood's population is set. A handful of grouped queries
however many neighbourhoods and decisions: the report reads ``demand.unmet_demand`` (six) and
the neighbourhoods' populations (one).

Tables (CSV, XLSX) and the charts' geometry are built here, so the page, the PDF and the
downloads show the same figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from ..core.spreadsheets import Table
from ..minutes.chart import Chart, bar_chart
from ..neighbourhoods.models import City
from . import demand as demand_model
from . import queries
from .demand import BudgetFigures, Demand, Figures
from .demand_export import demand_records


@dataclass(frozen=True)
class NeighbourhoodLine:
    name: str
    slug: str
    population: int | None
    figures: Figures
    budget: BudgetFigures

    def per_resident(self, cents: int) -> int | None:
        """Cents per resident, rounded half up to the cent; ``None`` without a population."""
        if not self.population:
            return None
        return int((Decimal(cents) / Decimal(self.population)).to_integral_value(ROUND_HALF_UP))


@dataclass(frozen=True)
class CityReport:
    year: int
    demand: Demand
    neighbourhoods: tuple[NeighbourhoodLine, ...]
    #: The Stadtgemeinde reported on; ``None``: every city of the installation.
    city_name: str | None = None
    city_slug: str | None = None

    @property
    def total(self) -> Figures:
        return self.demand.total()

    @property
    def budget(self) -> BudgetFigures:
        return self.demand.budget_total()

    @property
    def population(self) -> int:
        """Residents of the neighbourhoods whose population is set (per-resident figures use only those)."""
        return sum(n.population or 0 for n in self.neighbourhoods)


def city_report(year: int, city: City | None = None) -> CityReport:
    """The report of one city, or (``city`` None) of every city of the installation together."""
    city_id = city.id if city is not None else None
    figures = demand_model.unmet_demand(year=year, city_id=city_id)
    populations = {n.slug: n.population for n in queries.neighbourhoods(city_id=city_id)}
    lines = tuple(NeighbourhoodLine(name, slug, populations.get(slug), f, b)
                  for name, slug, f, b in figures.by_neighbourhood())
    return CityReport(year, figures, lines, city.name if city else None, city.slug if city else None)


# --- charts --------------------------------------------------------------------------------


def _label(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def budget_chart(report: CityReport) -> Chart:
    """Per neighbourhood: bound (net) and still available."""
    return bar_chart([(_label(n.name), [("before", n.budget.committed - n.budget.released),
                                        ("available", n.budget.available)]) for n in report.neighbourhoods])


def demand_chart(report: CityReport) -> Chart:
    """Per neighbourhood: approved, not given for lack of money, not given for other reasons."""
    return bar_chart([(_label(n.name), [("before", n.figures.approved), ("here", n.figures.lack_of_money),
                                        ("available", n.figures.not_given - n.figures.lack_of_money)])
                      for n in report.neighbourhoods if n.figures.requested])


def field_chart(report: CityReport) -> Chart:
    """Per field of action: approved and not given."""
    return bar_chart([(_label(f"{field or _l('ohne Handlungsfeld')}"), [("before", f_.approved),
                                                                          ("here", f_.not_given)])
                      for _programme, field, f_ in report.demand.by_field()])


# --- downloads -----------------------------------------------------------------------------

#: Column identifiers of the report's tables (fixed, like the open data's; documented in docs/open-data.md).
BUDGET_HEADER = ("quartier", "programm_code", "programm", "haushaltsjahr", "zugewiesen_eur", "gebunden_eur",
                 "rueckfluss_eur", "verfuegbar_eur")
RESIDENT_HEADER = ("quartier", "einwohner", "zugewiesen_eur", "beschlossen_eur", "zugewiesen_je_einwohner_eur",
                   "beschlossen_je_einwohner_eur")


def budget_table(report: CityReport) -> Table:
    rows = [(b.neighbourhood, b.programme_code, b.programme, b.year, b.budget.allocated, b.budget.committed,
             b.budget.released, b.budget.available) for b in report.demand.budgets]
    return Table("Budgets", BUDGET_HEADER, rows, frozenset({4, 5, 6, 7}))


def resident_table(report: CityReport) -> Table:
    rows = [(n.name, n.population, n.budget.allocated, n.figures.approved, n.per_resident(n.budget.allocated),
             n.per_resident(n.figures.approved)) for n in report.neighbourhoods]
    return Table("Je Einwohner", RESIDENT_HEADER, rows, frozenset({2, 3, 4, 5}))


def report_json(report: CityReport) -> bytes:
    """The figures embedded in the PDF (amounts in cents, no names of people)."""
    data = {
        "format": "wingrant.city-report/1", "year": report.year, "amount_unit": "cent",
        "budgets": [{"neighbourhood": b.neighbourhood, "programme": b.programme_code, "year": b.year,
                     "allocated_cents": b.budget.allocated, "committed_cents": b.budget.committed,
                     "released_cents": b.budget.released, "available_cents": b.budget.available}
                    for b in report.demand.budgets],
        "unmet_demand": demand_records(report.demand),
        "population": {n.slug: n.population for n in report.neighbourhoods},
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")

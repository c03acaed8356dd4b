"""Public figures: unmet demand per neighbourhood × programme × field of action × budget year.

The open data's rows (``public.demand_export``), from published decisions and the ledger: no token
needed, like the portal and the open-data downloads.
"""

from __future__ import annotations

from ...public import demand, demand_export
from ...public import queries as public_queries
from . import schema as s
from .core import ApiError, Param, ok, route

_CENTS = {c.name: s.integer(0) for c in demand_export.COLUMNS if c.type == "integer"}
_TEXT = {c.name: s.string() for c in demand_export.COLUMNS if c.type == "string"}
DEMAND_ROW = s.component("UnmetDemandRow", s.obj(
    {c.name: _CENTS.get(c.name) or _TEXT[c.name] for c in demand_export.COLUMNS}, list(demand_export.HEADER),
    description="Spalten wie in den offenen Daten (Seite „Offene Daten“, docs/open-data.md); Beträge in Cent"))
DEMAND = s.component("UnmetDemand", s.obj({
    "format": s.string(), "year": s.integer(1999, 2200, nullable=True), "neighbourhood": s.string(nullable=True),
    "rows": s.array(DEMAND_ROW, 1_000_000),
}, ["format", "year", "neighbourhood", "rows"]))


@route("GET", "/figures/unmet-demand", summary="Ungedeckter Bedarf: beantragt, beschlossen, nicht gegeben und "
       "verfügbar (öffentlich)", tag="Kennzahlen", response=DEMAND, public=True,
       query=(Param("year", s.integer(1999, 2200), "Haushaltsjahr; ohne: alle Jahre"),
              Param("neighbourhood", s.string(60), "Kurzname des Quartiers, z. B. huchting; ohne: alle")),
       description="Aus veröffentlichten Protokollen und dem Budgetbuch; Beträge in Cent. Je Antrag zählt sein "
                   "letzter veröffentlichter Beschluss. Die Spalten sind die der offenen Daten (bedarf.csv).")
def unmet_demand(args):
    nb = None
    if args["neighbourhood"]:
        nb = public_queries.neighbourhood(args["neighbourhood"])
        if nb is None:
            raise ApiError(404)
    figures = demand.unmet_demand(year=args["year"], neighbourhood_id=nb.id if nb else None)
    return ok({"format": demand_export.FORMAT, "year": args["year"], "neighbourhood": nb.slug if nb else None,
               "rows": demand_export.demand_records(figures)})

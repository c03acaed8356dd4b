"""The city-wide annual report (no login): page, PDF/A, CSV and XLSX — the ``cityreport`` blueprint;
and each city's portal page.

Published data only (``city_report`` reads through the portal's one rule of what is public).
Its URLs sit under ``/portal`` beside the portal's pages, which it does not import.
"""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, Response, abort, render_template, send_file

from ..core import spreadsheets
from ..minutes.pdf import render_template_pdf
from ..neighbourhoods import cities
from ..neighbourhoods import queries as area_queries
from . import city_report as cr
from . import demand_export, queries

bp = Blueprint("cityreport", __name__, url_prefix="/portal")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/stadt/<city_slug>")
def city(city_slug):
    """One Stadtgemeinde: its neighbourhoods, its reports, budgets, open data and OParl body."""
    found = cities.city_or_404(city_slug)
    current, past = area_queries.split_current_and_past(queries.neighbourhoods(city_id=found.id))
    return render_template("public/index.html", neighbourhoods=current, past_areas=past, year=date.today().year,
                           by_city=queries.by_city(current) or {found: []}, city=found)


def _report(year: int) -> cr.CityReport:
    """The report of the city in ``?stadt=`` (404 if unknown), or of every city without it."""
    if not 1999 <= year <= 2200:
        abort(404)
    return cr.city_report(year, cities.requested_city())


def _name(report: cr.CityReport, extension: str) -> str:
    return f"jahresbericht-{report.year}{'-' + report.city_slug if report.city_slug else ''}.{extension}"


def _charts(report: cr.CityReport) -> dict:
    return {"budgets": cr.budget_chart(report), "demand": cr.demand_chart(report), "fields": cr.field_chart(report)}


@bp.get("/jahresbericht/<int:year>")
def city_report(year):
    report = _report(year)
    return render_template("public/city_report.html", report=report, charts=_charts(report),
                           cities=cities.all_cities(), stadt=report.city_slug)


@bp.get("/jahresbericht/<int:year>.pdf")
def city_report_pdf(year):
    """Rendered on request from published data (PDF/A-3a, the figures embedded as JSON)."""
    report = _report(year)
    pdf = render_template_pdf("pdf/city_report.html", report=report, charts=_charts(report),
                              attachment=(_name(report, "json"), cr.report_json(report),
                                          "Budgets, Bedarf und Mittel des Jahres (Beträge in Cent)"))
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=_name(report, "pdf"),
                         as_attachment=True)
    return response


@bp.get("/jahresbericht/<int:year>.csv")
def city_report_csv(year):
    """The report's main table: unmet demand with the budgets beside it (the open-data columns)."""
    report = _report(year)
    body = demand_export.to_csv(demand_export.demand_records(report.demand))
    return _download(body, "text/csv; charset=utf-8", _name(report, "csv"))


@bp.get("/jahresbericht/<int:year>.xlsx")
def city_report_xlsx(year):
    """One sheet each: demand, budgets, money per resident."""
    report = _report(year)
    body = spreadsheets.to_xlsx(demand_export.table(demand_export.demand_records(report.demand)),
                                cr.budget_table(report), cr.resident_table(report))
    return _download(body, XLSX, _name(report, "xlsx"))


def _download(body: bytes, content_type: str, name: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response

"""Open-data page, downloads and the forums' meeting calendars (no login): the ``opendata`` blueprint.

Its URLs sit under ``/portal`` beside the portal's pages (``views``), which it does not import.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.urls import external_url, public_host
from ..meetings.models import AGENDA_PUBLIC_STATES
from ..neighbourhoods import cities
from . import calendar as ical
from . import demand, demand_export, opendata, opendata_areas, opendata_concerns, opendata_resolutions, queries

bp = Blueprint("opendata", __name__, url_prefix="/portal")

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _error(error: opendata.FilterError, *, as_json: bool = False):
    if as_json:
        response = jsonify({"error": error.message, "status": error.status})
        response.status_code = error.status
        return response
    title = _("Seite nicht gefunden") if error.status == 404 else _("Ungültige Anfrage")
    return render_template("core/error.html", code=error.status, title=title, message=error.message), error.status


@bp.get("/offene-daten")
def open_data():
    try:
        selection = opendata.parse_selection(request.args)
    except opendata.FilterError as error:
        return _error(error)
    return render_template(
        "public/opendata.html", selection=selection, neighbourhoods=queries.neighbourhoods(selection.city_id),
        cities=cities.all_cities(),
        years=opendata.years_with_decisions(), columns=opendata.COLUMNS, formats=list(FORMATS),
        concern_columns=opendata_concerns.COLUMNS,
        resolution_columns=opendata_resolutions.COLUMNS,
        demand_columns=demand_export.COLUMNS, area_columns=opendata_areas.COLUMNS,
        licence={"id": opendata.LICENCE_ID, "name": opendata.LICENCE_NAME, "url": opendata.LICENCE_URL},
        attribution=opendata.attribution(external_url(".open_data")),
    )


@bp.get("/offene-daten/beschluesse.<fmt>")
def open_data_download(fmt):
    if fmt not in FORMATS:
        abort(404)
    try:
        selection = opendata.parse_selection(request.args)
    except opendata.FilterError as error:
        return _error(error, as_json=fmt == "json")
    rows = opendata.decision_rows(selection)
    dataset_url = external_url(".open_data_download", fmt=fmt, **selection.args())
    if fmt == "csv":
        body = opendata.to_csv(rows)
    elif fmt == "xlsx":
        body = opendata.to_xlsx(rows, dataset_url)
    else:
        body = opendata.to_json(rows, selection, dataset_url)
    return _download(body, fmt, selection.filename(fmt))


@bp.get("/offene-daten/anliegen.<fmt>")
def concerns_download(fmt):
    """The concerns register (Wünsche und Anliegen), one row per step; same filters and dialects."""
    if fmt not in FORMATS:
        abort(404)
    try:
        selection = opendata.parse_selection(request.args)
    except opendata.FilterError as error:
        return _error(error, as_json=fmt == "json")
    rows = opendata_concerns.rows(selection)
    dataset_url = external_url(".concerns_download", fmt=fmt, **selection.args())
    if fmt == "csv":
        body = opendata_concerns.to_csv(rows)
    elif fmt == "xlsx":
        body = opendata_concerns.to_xlsx(rows, dataset_url)
    else:
        body = opendata_concerns.to_json(rows, selection, dataset_url)
    return _download(body, fmt, opendata_concerns.filename(selection, fmt))


def _download(body: bytes, fmt: str, filename: str) -> Response:
    response = Response(body, mimetype=FORMATS[fmt].split(";")[0], content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Machine readers on other sites (the open-data portal, dashboards) may fetch the files directly.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/offene-daten/quartiere.<fmt>")
def neighbourhoods_download(fmt):
    """The neighbourhoods with their Förderzeiträume (current and past areas), CSV or JSON."""
    if fmt not in ("csv", "json"):
        abort(404)
    rows = opendata_areas.rows()
    if fmt == "csv":
        body = opendata_areas.to_csv(rows)
    else:
        body = opendata_areas.to_json(rows, external_url(".neighbourhoods_download", fmt=fmt))
    return _download(body, fmt, f"{opendata_areas.FILENAME}.{fmt}")


@bp.get("/offene-daten/beschluesse-ohne-antrag.<fmt>")
def resolutions_download(fmt):
    """The forums' resolutions and statements without money: the same filters, formats and licence."""
    if fmt not in FORMATS:
        abort(404)
    try:
        selection = opendata.parse_selection(request.args)
    except opendata.FilterError as error:
        return _error(error, as_json=fmt == "json")
    rows = opendata_resolutions.rows(selection)
    dataset_url = external_url(".resolutions_download", fmt=fmt, **selection.args())
    if fmt == "csv":
        body = opendata_resolutions.to_csv(rows)
    elif fmt == "xlsx":
        body = opendata_resolutions.to_xlsx(rows, dataset_url)
    else:
        body = opendata_resolutions.to_json(rows, selection, dataset_url)
    response = Response(body, mimetype=FORMATS[fmt].split(";")[0], content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{opendata_resolutions.filename(selection, fmt)}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/offene-daten/bedarf.<fmt>")
def unmet_demand_download(fmt):
    """Unmet demand per neighbourhood × programme × field of action × year (``demand_export``), CSV or JSON."""
    if fmt not in ("csv", "json"):
        abort(404)
    try:
        selection = opendata.parse_selection(request.args)
    except opendata.FilterError as error:
        return _error(error, as_json=fmt == "json")
    rows = demand_export.demand_records(demand.unmet_demand(
        year=selection.year, neighbourhood_id=selection.neighbourhood.id if selection.neighbourhood else None,
        city_id=selection.city_id))
    if fmt == "csv":
        body = demand_export.to_csv(rows)
    else:
        body = demand_export.to_json(rows, selection.slug, selection.year,
                                     external_url(".unmet_demand_download", fmt=fmt, **selection.args()))
    response = Response(body, content_type=FORMATS[fmt])
    name = "-".join(p for p in ("wingrant-bedarf", selection.part, str(selection.year or "")) if p)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/termine.ics")
def city_calendar():
    """Every forum's public meetings in one feed; ``?stadt=<slug>``: those of one city."""
    city = cities.requested_city()
    found = ical.city_meetings(cities.city_id(city), date.today())
    neighbourhoods = {nb.id: nb for nb in queries.neighbourhoods(city_id=cities.city_id(city))}
    with force_locale("de"):
        texts = {m.id: _event_text(neighbourhoods[nb_id], m) for nb_id, m in found}
        name = _("WiN-Foren %(city)s", city=city.name) if city else _("WiN-Foren aller Städte")
    body = ical.calendar(name, [m for _nb, m in found], texts, uid_domain=public_host())
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="termine-{city.slug if city else "alle"}.ics"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/<slug>/termine.ics")
def calendar(slug):
    """The forum's public meetings as an iCalendar feed to subscribe to."""
    nb = queries.neighbourhood(slug) or abort(404)
    meetings = ical.forum_meetings(nb.id, date.today())
    with force_locale("de"):  # one feed for every subscriber: German, the programme's language
        texts = {m.id: _event_text(nb, m) for m in meetings}
        name = _("%(forum)s (WiN %(name)s)", forum=nb.forum_name, name=nb.name)
    body = ical.calendar(name, meetings, texts, uid_domain=public_host())
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="termine-{nb.slug}.ics"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _event_text(nb, m) -> ical.EventText:
    # The event links the meeting's public page: date and place, from the invitation on the agenda.
    url = external_url("public.meeting", slug=nb.slug, meeting_id=m.id)
    if m.minutes_published:
        extra = _("Das Protokoll ist veröffentlicht: %(url)s", url=external_url(
            "public.minutes", slug=nb.slug, meeting_id=m.id))
    elif m.state in AGENDA_PUBLIC_STATES:
        extra = _("Tagesordnung und Einladung: %(url)s", url=url)
    else:
        extra = _("Alle Anwesenden können mitreden; beschlossen wird im Konsens.")
    description = _("Öffentliche Sitzung: %(forum)s.", forum=nb.forum_name) + " " + extra
    if m.online:
        description += " " + _("Teilnahme auch online möglich.")
    return ical.EventText(_("Sitzung %(forum)s", forum=nb.forum_name), description, url)

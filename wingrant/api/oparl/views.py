"""The OParl 1.1 endpoints: GET only, JSON, no login, entry point ``/oparl/v1.1/system``.

External lists are paginated as the spec asks (``data``, ``pagination``,
``links`` with ``next`` on every page but the last), sorted by a stable key,
and take the filters ``created_since``, ``created_until``, ``modified_since``,
``modified_until`` (date-times with offset) and ``elementsPerPage``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, abort, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ...core.pagination import Window
from ...core.urls import external_url
from ...extensions import db
from ...neighbourhoods import cities
from ...neighbourhoods.models import City, Neighbourhood
from . import concerns, invitations
from . import files as protocols
from . import queries as q
from . import resolutions as res
from . import serialize as s
from .index import Entry

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1.1")

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
BODY = "/body/<city_slug>"


def _json(document: dict, status: int = 200) -> Response:
    return Response(json.dumps(document, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json")


@bp.after_request
def _cors(response):
    # The spec requires it for every JSON answer: browser applications elsewhere may read the feed.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(400)
@bp.errorhandler(404)
def _error(error: HTTPException):
    if error.code == 404:
        message = _("Dieses OParl-Objekt gibt es nicht (oder es ist nicht veröffentlicht).")
    else:
        message = error.description
    return _json({"error": {"code": error.code, "message": str(message)}}, error.code or 500)


# --- list pages --------------------------------------------------------------------------


def _time_filter(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    # A client that forgot to URL-encode "+01:00" sends " 01:00": take it as meant.
    raw = re.sub(r"(\d) (\d{2}:\d{2})$", r"\1+\2", raw.strip())
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        abort(400, description=_("„%(name)s“ braucht Datum, Uhrzeit und Zeitzone, z. B. 2026-01-01T00:00:00+01:00.",
                                 name=name))
    return value.astimezone(UTC).replace(tzinfo=None)


def _positive(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        abort(400, description=_("„%(name)s“ muss eine positive ganze Zahl sein.", name=name))
    return min(int(raw), maximum) if maximum else int(raw)


def _list(entries: list[Entry], build, endpoint: str, **values) -> Response:
    """One page of an external list; ``build(keys)`` returns ``{key: object}``."""
    since_c, until_c, since_m, until_m = (_time_filter(name) for name in FILTERS)
    selected = [e for e in entries
                if (since_c is None or e.created >= since_c) and (until_c is None or e.created <= until_c)
                and (since_m is None or e.modified >= since_m) and (until_m is None or e.modified <= until_m)]
    per_page = _positive("elementsPerPage", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    page = _positive("page", 1)
    window = Window(page, per_page, len(selected))
    pages = window.pages
    if page > pages:
        abort(404)
    keys = [e.key for e in selected[window.offset:window.offset + per_page]]
    objects = build(keys) if keys else {}
    kept = {k: request.args[k] for k in (*FILTERS, "elementsPerPage") if k in request.args}

    def link(number: int) -> str:
        return external_url(f"oparl.{endpoint}", **values, **kept, page=number)

    links = {"first": link(1), "self": link(page), "last": link(pages)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    return _json({
        "data": [objects[k] for k in keys],
        "pagination": {"totalElements": len(selected), "elementsPerPage": per_page, "currentPage": page,
                       "totalPages": pages},
        "links": links,
    })


def _one(found: list, serializer) -> Response:
    if not found:
        abort(404)
    return _json(serializer(found[0]))


# --- the frame -------------------------------------------------------------------------


@bp.get("/system")
def system():
    return _json(s.system())


#: A city's body without neighbourhoods yet: its creation and modification date.
EPOCH = datetime(1999, 1, 1)


def _city(city_slug: str) -> City:
    """The body's city; what the body's lists hold lies in it, so their objects name its body."""
    city = cities.city_or_404(city_slug)
    g.oparl_body_city = city.slug
    return city


def _body_entries() -> list[tuple[City, Entry]]:
    """Every city (by id) with the first of its neighbourhoods' creation as its date: two queries."""
    first = dict(db.session.execute(
        sa.select(Neighbourhood.city_id, sa.func.min(Neighbourhood.created_at)).group_by(Neighbourhood.city_id)).all())
    return [(c, Entry(c.id, first.get(c.id, EPOCH), first.get(c.id, EPOCH)))
            for c in sorted(cities.all_cities(), key=lambda c: c.id)]


def _body(city: City, entry: Entry) -> dict:
    return s.body(city) | {"created": s.timestamp(entry.created), "modified": s.timestamp(entry.modified)}


@bp.get("/body")
def bodies():
    """One body per Stadtgemeinde (Bremen 04011000, Bremerhaven 04012000, …)."""
    found = _body_entries()
    by_id = {c.id: _body(c, e) for c, e in found}
    return _list([e for _c, e in found], lambda keys: {k: by_id[k] for k in keys}, "bodies")


@bp.get(BODY)
def body(city_slug):
    city = _city(city_slug)
    return _json(next(_body(c, e) for c, e in _body_entries() if c.id == city.id))


@bp.get(BODY + "/organization")
def organizations(city_slug):
    city = _city(city_slug)
    return _list(q.organization_index(city.id),
                 lambda keys: {f.id: s.organization(f) for f in q.forums(ids=keys)}, "organizations",
                 city_slug=city.slug)


@bp.get(BODY + "/person")
def persons(city_slug):
    """Always empty: names of forum participants are not published (data protection)."""
    return _list([], lambda keys: {}, "persons", city_slug=_city(city_slug).slug)


def _meeting_builder(today: date):
    return lambda keys: {m.id: s.meeting(m) for m in q.meetings(keys, today)}


@bp.get(BODY + "/meeting")
def meetings(city_slug):
    city, today = _city(city_slug), date.today()
    return _list(q.meeting_index(today, city_id=city.id), _meeting_builder(today), "meetings", city_slug=city.slug)


def _papers(keys: list) -> dict:
    """Applications (int keys), resolutions (``r<id>``) and concerns of one page of the paper list."""
    built: dict = {p.id: s.paper(p) for p in q.papers([k for k in keys if isinstance(k, int)])}
    wanted = [int(k[len(res.PREFIX):]) for k in keys
              if isinstance(k, str) and not concerns.is_concern_key(k) and k.startswith(res.PREFIX)]
    if wanted:
        built.update({f"{res.PREFIX}{r.r.id}": s.resolution_paper(r) for r in res.records(ids=wanted)})
    return built | concerns.papers(keys)


@bp.get(BODY + "/paper")
def papers(city_slug):
    """Applications (by id), then resolutions (``r<id>``) and concerns (``anliegen-<id>``)."""
    city = _city(city_slug)
    resolution_entries = [Entry(f"{res.PREFIX}{e.key}", e.created, e.modified) for e in res.index(city.id)]
    return _list(q.paper_index(city_id=city.id) + resolution_entries + concerns.index(city.id), _papers, "papers",
                 city_slug=city.slug)


@bp.get(BODY + "/agendaItem")
def agenda_items(city_slug):
    city = _city(city_slug)
    return _list(q.agenda_item_index(city_id=city.id),
                 lambda keys: {i.id: s.agenda_item(i) for i in q.agenda_items(ids=keys)}, "agenda_items",
                 city_slug=city.slug)


def _consultations(keys: list) -> dict:
    built: dict = {c.id: s.consultation(c) for c in q.consultations(ids=keys)}
    built.update({r.r.agenda_item_id: s.resolution_consultation(r) for r in res.records(item_ids=keys)})
    return built


@bp.get(BODY + "/consultation")
def consultations(city_slug):
    # One key space: applications' and resolutions' consultations are keyed by their agenda item.
    city = _city(city_slug)
    entries = sorted(q.consultation_index(city.id) + res.consultation_index(city.id), key=lambda e: e.key)
    return _list(entries, _consultations, "consultations", city_slug=city.slug)


@bp.get(BODY + "/file")
def files(city_slug):
    city = _city(city_slug)
    return _list(protocols.file_index(city.id),
                 lambda keys: {r.version_id: s.file(r) for r in protocols.protocol_files(ids=keys)}, "files",
                 city_slug=city.slug)


# --- single objects ------------------------------------------------------------------------


@bp.get("/organization/<slug>")
def organization(slug):
    return _one(q.forums(slug=slug), s.organization)


@bp.get("/organization/<slug>/meeting")
def organization_meetings(slug):
    forum = q.forums(slug=slug) or abort(404)
    today = date.today()
    return _list(q.meeting_index(today, neighbourhood_id=forum[0].id), _meeting_builder(today),
                 "organization_meetings", slug=slug)


@bp.get("/meeting/<int:meeting_id>")
def meeting(meeting_id):
    return _one(q.meetings([meeting_id], date.today()), s.meeting)


@bp.get("/meeting/<int:meeting_id>/location")
def location(meeting_id):
    return _one(q.meetings([meeting_id], date.today()), s.location)


@bp.get("/agendaItem/<int:item_id>")
def agenda_item(item_id):
    return _one(q.agenda_items(ids=[item_id]), s.agenda_item)


@bp.get("/consultation/<int:item_id>")
def consultation(item_id):
    found = q.consultations(ids=[item_id])
    if not found:
        return _one(res.records(item_ids=[item_id]), s.resolution_consultation)
    return _one(found, s.consultation)


@bp.get("/paper/r<int:resolution_id>")
def resolution_paper(resolution_id):
    """A forum's Beschluss or Stellungnahme without money."""
    return _one(res.records(ids=[resolution_id]), s.resolution_paper)


@bp.get("/paper/<int:application_id>")
def paper(application_id):
    return _one(q.papers([application_id]), s.paper)


@bp.get("/paper/anliegen/<int:concern_id>")
def concern_paper(concern_id):
    return _one(list(concerns.papers([f"{concerns.PREFIX}{concern_id}"]).values()), lambda paper: paper)


@bp.get("/invitation/<int:meeting_id>")
def invitation(meeting_id):
    """The invitation of an invited meeting as an OParl File (embedded in Meeting and Paper)."""
    found = invitations.invitations([meeting_id])
    return _one(list(found.values()), s.invitation_file)


@bp.get("/file/<int:meeting_id>/<int:number>")
def file(meeting_id, number):
    return _one(protocols.protocol_files(meeting_id=meeting_id, number=number), s.file)

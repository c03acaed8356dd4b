"""Concerns (Wünsche und Anliegen) in the OParl feed: each one a Paper with ``paperType`` "Anliegen".

OParl has no object for a resident's concern; a Paper ("Drucksache") is the nearest: a document
of the body with a name, a reference, a date and the organization whose matter it is. The
concern's status, office and dated follow-ups go under the ``wingrant:`` prefix (docs/oparl.md).
Read through ``concerns.queries.public_concerns``: no names, nothing staff-only. Concerns sit in
the Body's paper list after the applications, under their own URLs (``/paper/anliegen/<id>``).
"""

from __future__ import annotations

from flask_babel import force_locale

from ...concerns import queries as concern_queries
from ...concerns.labels import status_text
from ...core.urls import external_url
from .index import Entry
from .serialize import EXT, _type, _url, body_url, timestamp

#: Keys of concerns in the Body's paper list (applications keep their integer ids).
PREFIX = "anliegen-"
PAPER_TYPE = "Anliegen"


def index(city_id: int | None = None) -> list[Entry]:
    return [Entry(f"{PREFIX}{cid}", created, modified)
            for cid, created, modified in concern_queries.public_index(city_id)]


def is_concern_key(key) -> bool:
    return isinstance(key, str) and key.startswith(PREFIX)


def papers(keys: list) -> dict:
    """``{key: Paper}`` for the concern keys of a list page."""
    ids = [int(k.removeprefix(PREFIX)) for k in keys if is_concern_key(k)]
    return {f"{PREFIX}{c.id}": paper(c) for c in concern_queries.public_concerns(ids=ids)} if ids else {}


def _step(s) -> dict:
    result = {"date": s.date.isoformat(), "status": s.status.value,
              "statusText": _in_german(s.status, s.office)}
    if s.office:
        result["office"] = s.office
    if s.note:
        result["note"] = s.note
    return result


def _in_german(status, office: str) -> str:
    with force_locale("de"):  # OParl data is German, whatever the request's language
        return status_text(status, office)


def paper(c: concern_queries.PublicConcern) -> dict:
    result = {
        "id": _url("concern_paper", concern_id=c.id),
        "type": _type("Paper"),
        "body": body_url(c.slug),
        "name": c.topic,
        "reference": c.reference,
        "date": c.raised_on.isoformat(),
        "paperType": PAPER_TYPE,
        "underDirectionOf": [_url("organization", slug=c.slug)],
        "web": external_url("public.concerns", slug=c.slug, _anchor=f"anliegen-{c.id}"),
        "created": timestamp(c.created),
        "modified": timestamp(c.modified),
        EXT + "status": c.status.value,
        EXT + "statusText": _in_german(c.status, c.office),
        EXT + "followUps": [_step(s) for s in c.steps],
    }
    if c.description:
        result[EXT + "description"] = c.description
    if c.office:
        result[EXT + "office"] = c.office
    if c.meeting_date:
        result[EXT + "meetingDate"] = c.meeting_date.isoformat()
    return result

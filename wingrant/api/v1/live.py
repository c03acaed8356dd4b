"""The live pointer of a meeting: which agenda item is open now (the projector and the public
live page follow it).

Setting it runs ``meetings.services.set_current_item``, the service of the QM's live page
(``meetings/live_views.py``: "Nächster Punkt", "Vorheriger Punkt", a click on an item), with the
page's permission (RECORD_MEETING); reading it needs READ. Once the minutes are approved the
meeting is locked: 409. ``version`` is the tag the public live page polls (``meetings.follow``), so
a client can poll cheaply, too.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ...auth.permissions import Action
from ...errors import DomainError, NotAllowed
from ...extensions import db
from ...meetings import follow, queries, services
from ...meetings.locking import MeetingLocked
from ...meetings.models import Meeting, MeetingState
from . import schema as s
from .core import ApiError, ok, route
from .meetings import AGENDA_ITEM, MEETING_PATH, item_json, load_meeting

LIVE_PATH = MEETING_PATH + "/live"

LIVE = s.component("LivePointer", s.obj({
    "meeting_id": s.integer(1), "meeting_state": s.string(enum=[m.value for m in MeetingState]),
    "current_item": {"anyOf": [AGENDA_ITEM, {"type": "null"}],
                     "description": "Der aufgerufene Tagesordnungspunkt; null: keiner (Sitzung nicht begonnen)"},
    "previous_item_id": s.integer(1, nullable=True), "next_item_id": s.integer(1, nullable=True),
    "version": s.string(64, description="Ändert sich, wenn der Zeiger wandert oder ein Beschluss fällt"),
}, ["meeting_id", "meeting_state", "current_item", "previous_item_id", "next_item_id", "version"]))
SET_INPUT = s.component("LivePointerInput", s.obj({
    "item_id": s.integer(1, nullable=True, description="Diesen Tagesordnungspunkt aufrufen; null schließt ihn"),
}, ["item_id"]))
MOVE_INPUT = s.component("LivePointerMove", s.obj({
    "to": s.string(enum=["next", "previous"], description="next: nächster Punkt (ohne aufgerufenen Punkt: der "
                                                          "erste); previous: vorheriger Punkt"),
}, ["to"]))


def _neighbours(rows: list[queries.AgendaRow], row: queries.AgendaRow | None):
    """(previous, next) around the open item, as the live page's buttons: without one, next is the first."""
    if row is None:
        return None, rows[0] if rows else None
    index = rows.index(row)
    return (rows[index - 1] if index else None), (rows[index + 1] if index + 1 < len(rows) else None)


def live_json(slug: str, meeting: Meeting) -> dict:
    rows = queries.agenda(meeting)
    row = queries.current_row(meeting, rows)
    previous, following = _neighbours(rows, row)
    version = follow.version(slug, meeting.id)
    return {"meeting_id": meeting.id, "meeting_state": meeting.state.value,
            "current_item": item_json(row) if row else None,
            "previous_item_id": previous.item.id if previous else None,
            "next_item_id": following.item.id if following else None,
            "version": version.tag if version else ""}


def _set(slug: str, meeting: Meeting, item_id: int | None):
    try:
        services.set_current_item(meeting, item_id, user=current_user)
    except (MeetingLocked, NotAllowed):  # 409 and 403, as everywhere in the API
        raise
    except DomainError as error:  # not an item of this meeting
        raise ApiError(422, None, {"item_id": [str(error.message)]}) from None
    db.session.expire_all()
    return ok(live_json(slug, db.session.get(Meeting, meeting.id)))


@route("GET", LIVE_PATH, summary="Live-Zeiger: der aufgerufene Tagesordnungspunkt", tag="Sitzungsleitung",
       response=LIVE)
def get_live(slug, meeting_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.READ)
    return ok(live_json(slug, meeting))


@route("PUT", LIVE_PATH, summary="Live-Zeiger auf einen Tagesordnungspunkt setzen", tag="Sitzungsleitung",
       response=LIVE, body=SET_INPUT, errors=(403, 409))
def set_live(slug, meeting_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    return _set(slug, meeting, data["item_id"])


@route("POST", LIVE_PATH + "/move", summary="Live-Zeiger zum nächsten oder vorherigen Tagesordnungspunkt",
       tag="Sitzungsleitung", response=LIVE, body=MOVE_INPUT, errors=(403, 409))
def move_live(slug, meeting_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    rows = queries.agenda(meeting)
    previous, following = _neighbours(rows, queries.current_row(meeting, rows))
    target = following if data["to"] == "next" else previous
    if target is None:
        raise ApiError(409, _("Es gibt keinen nächsten Tagesordnungspunkt.") if data["to"] == "next"
                       else _("Es gibt keinen vorherigen Tagesordnungspunkt."))
    return _set(slug, meeting, target.item.id)

"""Meetings, their agenda and attendance (the forum's decisions: ``decisions``).

The same load → authorize → validate (the UI's forms) → one service call as the
meeting pages (``meetings/views.py``, ``live_views.py``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...auth.permissions import Action, authorize, scoped_or_404
from ...extensions import db
from ...meetings import consensus, queries, services
from ...meetings.forms import (
    AddApplicationsForm,
    AgendaItemForm,
    AttendeeForm,
    MeetingForm,
    head_count_form,
)
from ...meetings.models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    AttendeeGroup,
    Decision,
    HeadCount,
    Meeting,
    MeetingState,
    Resolution,
    ResolutionKind,
)
from . import schema as s
from .core import ApiError, iso, ok, paginate_list, route
from .forms_input import FormInput, many, run_form

GROUPS = [g.value for g in AttendeeGroup]
OUTCOMES = [o.value for o in consensus.Outcome]
MEETING_STATES = [m.value for m in MeetingState]
MEETING_PATH = "/neighbourhoods/<slug>/meetings/<int:meeting_id>"
ITEM_PATH = MEETING_PATH + "/agenda-items/<int:item_id>"

# --- schemas ---------------------------------------------------------------------------------

TIME = {"type": ["string", "null"], "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "HH:MM"}
MEETING_FIELDS = {"date": s.date_(), "starts_at": TIME, "ends_at": TIME, "place": s.string(200),
                  "address": s.string(300), "online": s.boolean(), "invitation_text": s.string(10_000)}
MEETING_INPUT = s.component("MeetingInput", s.obj(MEETING_FIELDS, ["date"]))
MEETING = s.component("Meeting", s.obj({
    "id": s.integer(1), "neighbourhood": s.string(), **MEETING_FIELDS, "state": s.string(enum=MEETING_STATES),
    "next_state": s.string(enum=MEETING_STATES, nullable=True), "application_items": s.integer(0),
    "decided_items": s.integer(0),
}, ["id", "neighbourhood", *MEETING_FIELDS, "state", "next_state", "application_items", "decided_items"]))

RESOLUTION_FIELDS = {
    "id": s.integer(1), "kind": s.string(enum=[k.value for k in ResolutionKind]), "title": s.string(300),
    "addressee": s.string(300), "text": s.string(), "outcome": s.string(enum=OUTCOMES, nullable=True),
    "final_text": s.string(), "reason": s.string()}
#: A resolution without money (Beschluss / Stellungnahme) on its agenda item; read only here.
RESOLUTION = s.component("Resolution", s.obj(RESOLUTION_FIELDS, list(RESOLUTION_FIELDS)))
AGENDA_ITEM = s.component("AgendaItem", s.obj({
    "id": s.integer(1), "meeting_id": s.integer(1), "number": s.string(), "position": s.integer(-s.INT_MAX),
    "kind": s.string(enum=[k.value for k in AgendaItemKind]), "title": s.string(), "notes": s.string(),
    "application_id": s.integer(1, nullable=True), "outcome": s.string(enum=OUTCOMES, nullable=True),
    "resolution": {"anyOf": [RESOLUTION, {"type": "null"}]},
}, ["id", "meeting_id", "number", "position", "kind", "title", "notes", "application_id", "outcome", "resolution"]))
ATTENDEE_FIELDS = {"name": s.string(200), "group": s.string(enum=GROUPS), "organisation": s.string(200),
                   "email": s.string(254), "apologised": s.boolean(), "consent_to_publish": s.boolean()}
ATTENDEE = s.component("Attendee", s.obj({"id": s.integer(1), **ATTENDEE_FIELDS}, ["id", *ATTENDEE_FIELDS]))
HEAD_COUNTS = s.component("HeadCounts", s.obj({g: s.integer(0, 100_000) for g in GROUPS}, []))
ATTENDANCE = s.component("Attendance", s.obj({
    "head_counts": HEAD_COUNTS, "total": s.integer(0), "attendees": s.array(ATTENDEE, 10_000)},
    ["head_counts", "total", "attendees"]))

# --- the UI forms that validate the bodies, field by field --------------------------------------

MEETING_FORM = FormInput({name: name for name in MEETING_FIELDS})
HEAD_COUNTS_FORM = FormInput({g: f"count_{g}" for g in GROUPS}, prefix="heads")
ATTENDEE_FORM = FormInput({name: name for name in ATTENDEE_FIELDS})

# --- serializers -----------------------------------------------------------------------------


def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def meeting_json(m: Meeting, application_items: int = 0, decided_items: int = 0) -> dict:
    next_state = services.NEXT_STATE.get(m.state)
    return {"id": m.id, "neighbourhood": m.neighbourhood.slug, "date": iso(m.date), "starts_at": _time(m.starts_at),
            "ends_at": _time(m.ends_at), "place": m.place, "address": m.address, "online": m.online,
            "invitation_text": m.invitation_text, "state": m.state.value,
            "next_state": next_state.value if next_state else None,
            "application_items": application_items, "decided_items": decided_items}


def item_json(row: queries.AgendaRow) -> dict:
    item = row.item
    return {"id": item.id, "meeting_id": item.meeting_id, "number": row.number, "position": item.position,
            "kind": item.kind.value, "title": item.title, "notes": item.notes, "application_id": item.application_id,
            "outcome": item.decision.outcome.value if item.decision and item.decision.outcome else None,
            "resolution": resolution_json(item.resolution) if item.resolution else None}


def resolution_json(r: Resolution) -> dict:
    return {"id": r.id, "kind": r.kind.value, "title": r.title, "addressee": r.addressee, "text": r.text,
            "outcome": r.outcome.value if r.outcome else None, "final_text": r.final_text, "reason": r.reason}


def _counts(meeting: Meeting) -> tuple[int, int]:
    row = db.session.execute(
        sa.select(sa.func.count(AgendaItem.application_id), sa.func.count(Decision.outcome))
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
    ).one()
    return row[0], row[1]


def load_meeting(slug: str, meeting_id: int, action: Action):
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Meeting, meeting_id, neighbourhood)


def _reload_meeting(meeting_id: int):
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    return ok(meeting_json(meeting, *_counts(meeting)))


# --- meetings --------------------------------------------------------------------------------


@route("GET", "/neighbourhoods/<slug>/meetings", summary="Sitzungen eines Quartiers (neueste zuerst)",
       tag="Sitzungen", response=MEETING, paginated=True)
def list_meetings(slug, args):
    nb = authorize(slug, Action.READ)
    return paginate_list(queries.meetings_of(nb), args, lambda row: meeting_json(*row))


@route("GET", MEETING_PATH, summary="Eine Sitzung", tag="Sitzungen", response=MEETING)
def get_meeting(slug, meeting_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.READ)
    return ok(meeting_json(meeting, *_counts(meeting)))


def _meeting_data(data) -> services.MeetingData:
    form = run_form(MeetingForm, data)
    return services.MeetingData(date=form.date.data, starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                                place=form.place.data or "", address=form.address.data or "",
                                online=form.online.data, invitation_text=form.invitation_text.data or "")


@route("POST", "/neighbourhoods/<slug>/meetings", summary="Sitzung anlegen (mit der Standard-Tagesordnung)",
       tag="Sitzungen", response=MEETING, status=201, body=MEETING_INPUT, form=MEETING_FORM)
def create_meeting(slug, data):
    nb = authorize(slug, Action.MANAGE_MEETINGS)
    meeting = services.create_meeting(nb, _meeting_data(data), user=current_user)
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    return ok(meeting_json(meeting, *_counts(meeting)), 201)


@route("PUT", MEETING_PATH, summary="Sitzung ändern", tag="Sitzungen", response=MEETING, body=MEETING_INPUT,
       form=MEETING_FORM)
def update_meeting(slug, meeting_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.MANAGE_MEETINGS)
    services.update_meeting(meeting, _meeting_data(data), user=current_user)
    return _reload_meeting(meeting_id)


@route("POST", MEETING_PATH + "/state", summary="Sitzung weiterschalten: geplant → eingeladen → durchgeführt",
       tag="Sitzungen", response=MEETING, body=s.obj({"state": s.string(enum=["invited", "held"])}, ["state"]))
def change_state(slug, meeting_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.MANAGE_MEETINGS)
    services.change_state(meeting, MeetingState(data["state"]), user=current_user)
    return _reload_meeting(meeting_id)


# --- agenda ----------------------------------------------------------------------------------


@route("GET", MEETING_PATH + "/agenda-items", summary="Tagesordnung mit TOP-Nummern", tag="Tagesordnung",
       response=AGENDA_ITEM, paginated=True)
def list_agenda_items(slug, meeting_id, args):
    _nb, meeting = load_meeting(slug, meeting_id, Action.READ)
    return paginate_list(queries.agenda(meeting), args, item_json)


def _row(meeting: Meeting, item_id: int) -> queries.AgendaRow:
    row = next((r for r in queries.agenda(meeting) if r.item.id == item_id), None)
    if row is None:
        raise ApiError(404)
    return row


@route("GET", ITEM_PATH, summary="Ein Tagesordnungspunkt", tag="Tagesordnung", response=AGENDA_ITEM)
def get_agenda_item(slug, meeting_id, item_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.READ)
    return ok(item_json(_row(meeting, item_id)))


@route("POST", MEETING_PATH + "/agenda-items", summary="Freien Tagesordnungspunkt anfügen", tag="Tagesordnung",
       response=AGENDA_ITEM, status=201, body=s.obj({"title": s.string(300)}, ["title"]),
       form=FormInput({"title": "title"}))
def add_agenda_item(slug, meeting_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.MANAGE_MEETINGS)
    form = run_form(AgendaItemForm, data)
    item = services.add_item(meeting, form.title.data, user=current_user)
    db.session.expire_all()
    return ok(item_json(_row(db.session.get(Meeting, meeting_id), item.id)), 201)


@route("POST", MEETING_PATH + "/agenda-items/applications", summary="Beschlussreife Anträge auf die Tagesordnung",
       tag="Tagesordnung", response=s.obj({"items": s.array(AGENDA_ITEM, 1000)}, ["items"]), status=201,
       body=s.obj({"application_ids": s.array(s.integer(1), 200)}, ["application_ids"]),
       form=FormInput({"application_ids": many("application_ids")}))
def add_agenda_applications(slug, meeting_id, data):
    nb, meeting = load_meeting(slug, meeting_id, Action.MANAGE_MEETINGS)

    def build(**kwargs):
        form = AddApplicationsForm(**kwargs)
        form.application_ids.choices = [SelectChoice(a.id, a.title) for a in queries.agenda_candidates(nb)]
        return form

    form = run_form(build, data)
    items = services.add_applications(meeting, form.application_ids.data, user=current_user)
    db.session.expire_all()
    ids = {i.id for i in items}
    rows = [r for r in queries.agenda(db.session.get(Meeting, meeting_id)) if r.item.id in ids]
    return ok({"items": [item_json(r) for r in rows]}, 201)


@route("POST", ITEM_PATH + "/move", summary="Tagesordnungspunkt nach oben oder unten schieben",
       tag="Tagesordnung", response=AGENDA_ITEM, body=s.obj({"direction": s.string(enum=["up", "down"])},
                                                            ["direction"]))
def move_agenda_item(slug, meeting_id, item_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.MANAGE_MEETINGS)
    services.move_item(meeting, item_id, -1 if data["direction"] == "up" else 1, user=current_user)
    db.session.expire_all()
    return ok(item_json(_row(db.session.get(Meeting, meeting_id), item_id)))


@route("DELETE", ITEM_PATH, summary="Tagesordnungspunkt entfernen", tag="Tagesordnung", status=204)
def remove_agenda_item(slug, meeting_id, item_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.MANAGE_MEETINGS)
    services.remove_item(meeting, item_id, user=current_user)
    return "", 204


# --- attendance ------------------------------------------------------------------------------


def _attendance(meeting_id: int):
    counts = {hc.group.value: hc.count for hc in db.session.execute(
        sa.select(HeadCount).filter_by(meeting_id=meeting_id)).scalars()}
    attendees = db.session.execute(sa.select(Attendance).filter_by(meeting_id=meeting_id)
                                   .order_by(Attendance.apologised, Attendance.name, Attendance.id)).scalars()
    return {"head_counts": {g: counts.get(g, 0) for g in GROUPS}, "total": sum(counts.values()),
            "attendees": [attendee_json(a) for a in attendees]}


def attendee_json(a: Attendance) -> dict:
    return {"id": a.id, "name": a.name, "group": a.group.value, "organisation": a.organisation, "email": a.email,
            "apologised": a.apologised, "consent_to_publish": a.consent_to_publish}


@route("GET", MEETING_PATH + "/attendance", summary="Anwesenheit: Zahlen je Gruppe und eingetragene Personen",
       tag="Anwesenheit", response=ATTENDANCE)
def get_attendance(slug, meeting_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.READ)
    return ok(_attendance(meeting.id))


@route("PUT", MEETING_PATH + "/attendance/head-counts", summary="Teilnehmendenzahlen je Gruppe setzen",
       tag="Anwesenheit", response=ATTENDANCE, body=HEAD_COUNTS, form=HEAD_COUNTS_FORM)
def set_head_counts(slug, meeting_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    form = run_form(lambda **kwargs: head_count_form({}, **kwargs), data, defaults=dict.fromkeys(GROUPS, 0))
    counts = {g: getattr(form, f"count_{g.value}").data or 0 for g in AttendeeGroup}
    services.set_head_counts(meeting, counts, user=current_user)
    db.session.expire_all()
    return ok(_attendance(meeting_id))


@route("POST", MEETING_PATH + "/attendees", summary="Person oder Entschuldigung eintragen", tag="Anwesenheit",
       response=ATTENDEE, status=201, body=s.obj(ATTENDEE_FIELDS, ["name", "group"]), form=ATTENDEE_FORM)
def add_attendee(slug, meeting_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    form = run_form(AttendeeForm, data)
    attendee = services.add_attendee(meeting, services.AttendeeData(
        name=form.name.data, group=AttendeeGroup(form.group.data), organisation=form.organisation.data or "",
        apologised=form.apologised.data, consent_to_publish=form.consent_to_publish.data,
        email=form.email.data or ""), user=current_user)
    return ok(attendee_json(attendee), 201)


@route("DELETE", MEETING_PATH + "/attendees/<int:attendance_id>", summary="Eintrag entfernen", tag="Anwesenheit",
       status=204)
def remove_attendee(slug, meeting_id, attendance_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    services.remove_attendee(meeting, attendance_id, user=current_user)
    return "", 204

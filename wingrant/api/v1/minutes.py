"""Minutes: state and versions, the draft's texts, approval, publication and the stored PDFs."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...auth.permissions import Action, authorize, scoped_or_404
from ...extensions import db
from ...meetings.models import Meeting, MeetingState
from ...minutes import forms, queries, services
from ...minutes.downloads import stored_pdf_response
from ...minutes.models import Minutes, MinutesState, MinutesVersion
from ...minutes.record_loader import minutes_record
from . import schema as s
from .core import ApiError, iso, ok, paginate_list, route
from .forms_input import FormInput, Keyed, run_form

MINUTES_PATH = "/neighbourhoods/<slug>/meetings/<int:meeting_id>/minutes"
STATES = [m.value for m in MinutesState]

VERSION = s.component("MinutesVersion", s.obj({
    "number": s.integer(1), "reason": s.string(), "sha256": s.string(64), "size_bytes": s.integer(0, 2**62),
    "created_at": s.datetime_(), "pdf_url": s.string(),
}, ["number", "reason", "sha256", "size_bytes", "created_at", "pdf_url"]))
NOTE = s.obj({"agenda_item_id": s.integer(1), "notes": s.string(services.TEXT_MAX)}, ["agenda_item_id", "notes"])
MINUTES = s.component("Minutes", s.obj({
    "meeting_id": s.integer(1), "state": s.string(enum=STATES),
    "meeting_state": s.string(enum=[m.value for m in MeetingState]), "editable": s.boolean(),
    "introduction": s.string(services.TEXT_MAX), "closing_remarks": s.string(services.TEXT_MAX),
    "next_meeting_date": s.date_(nullable=True), "notes": s.array(NOTE, 1000),
    "approved_at": s.datetime_(nullable=True), "published_at": s.datetime_(nullable=True),
    "objection_period_end": s.date_(), "versions": s.array(VERSION, 1000),
}, ["meeting_id", "state", "meeting_state", "editable", "introduction", "closing_remarks", "next_meeting_date",
    "notes", "approved_at", "published_at", "objection_period_end", "versions"]))
MINUTES_ROW = s.component("MinutesSummary", s.obj({
    "meeting_id": s.integer(1), "date": s.date_(), "place": s.string(), "state": s.string(enum=STATES),
    "meeting_state": s.string(enum=[m.value for m in MeetingState]), "versions": s.integer(0),
}, ["meeting_id", "date", "place", "state", "meeting_state", "versions"]))
TEXT_FIELDS = {"introduction": s.string(services.TEXT_MAX), "closing_remarks": s.string(services.TEXT_MAX),
               "next_meeting_date": s.date_(nullable=True), "notes": s.array(NOTE, 1000)}
TEXT_INPUT = s.component("MinutesTextInput", s.obj(TEXT_FIELDS, []))
CORRECTION_INPUT = s.component("MinutesCorrection", s.obj({
    "reason": s.string(services.REASON_MAX, description=f"Grund der Berichtigung (mindestens {services.REASON_MIN} "
                                                        "Zeichen), steht in der neuen Fassung"),
    **TEXT_FIELDS}, ["reason"]))
APPROVE_INPUT = s.component("MinutesApproval", s.obj({
    "how": s.string(enum=["meeting", "period"], description="meeting: in einer späteren Sitzung unter „Genehmigung "
                                                            "des Protokolls“; period: nach Ablauf der Einspruchsfrist"),
    "meeting_id": s.integer(1, nullable=True), "no_objections": s.boolean()}, ["how"]))
TEXT_FORM = FormInput({"introduction": "introduction", "closing_remarks": "closing_remarks",
                       "next_meeting_date": "next_meeting_date",
                       "notes": Keyed("agenda_item_id", "notes", forms.NOTE_PREFIX)})
CORRECTION_FORM = FormInput({**TEXT_FORM.fields, "reason": "reason"})
APPROVE_FORM = FormInput({"how": "how", "meeting_id": "meeting_id", "no_objections": "no_objections"})


def _load(slug: str, meeting_id: int, action: Action):
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Meeting, meeting_id, neighbourhood)


def _version_json(slug: str, meeting_id: int, v) -> dict:
    return {"number": v.number, "reason": v.reason, "sha256": v.sha256, "size_bytes": v.size_bytes,
            "created_at": iso(v.created_at),
            "pdf_url": f"/api/v1/neighbourhoods/{slug}/meetings/{meeting_id}/minutes/versions/{v.number}.pdf"}


def minutes_json(neighbourhood, meeting: Meeting) -> dict:
    record = minutes_record(meeting.id, public=False)
    minutes = db.session.execute(sa.select(Minutes).filter_by(meeting_id=meeting.id)).scalar_one_or_none()
    return {
        "meeting_id": meeting.id, "state": record.state.value, "meeting_state": record.meeting_state.value,
        "editable": record.editable, "introduction": record.introduction, "closing_remarks": record.closing_remarks,
        "next_meeting_date": iso(record.next_meeting_date_recorded),
        "notes": [{"agenda_item_id": e.item_id, "notes": e.notes} for e in record.agenda],
        "approved_at": iso(record.approved_at), "published_at": iso(record.published_at),
        "objection_period_end": iso(services.objection_period_end(meeting, minutes, neighbourhood)),
        "versions": [_version_json(neighbourhood.slug, meeting.id, v) for v in queries.versions_of(record.minutes_id)],
    }


@route("GET", "/neighbourhoods/<slug>/minutes", summary="Protokolle aller Sitzungen eines Quartiers",
       tag="Protokolle", response=MINUTES_ROW, paginated=True)
def list_minutes(slug, args):
    nb = authorize(slug, Action.READ)
    return paginate_list(queries.minutes_overview(nb.id), args, lambda r: {
        "meeting_id": r.meeting_id, "date": iso(r.date), "place": r.place, "state": r.state.value,
        "meeting_state": r.meeting_state.value, "versions": r.versions})


@route("GET", MINUTES_PATH, summary="Protokoll einer Sitzung: Stand, Texte, Versionen", tag="Protokolle",
       response=MINUTES)
def get_minutes(slug, meeting_id):
    nb, meeting = _load(slug, meeting_id, Action.READ)
    return ok(minutes_json(nb, meeting))


@route("PUT", MINUTES_PATH, summary="Texte des Protokollentwurfs speichern", tag="Protokolle", response=MINUTES,
       body=TEXT_INPUT, errors=(403, 409), form=TEXT_FORM)
def update_minutes(slug, meeting_id, data):
    nb, meeting = _load(slug, meeting_id, Action.EDIT_MINUTES)
    record = minutes_record(meeting.id, public=False)
    if not record.editable:
        raise ApiError(409, _locked())
    known = {e.item_id for e in record.agenda}
    unknown = [i for i, n in enumerate(data.get("notes", [])) if n["agenda_item_id"] not in known]
    if unknown:
        raise ApiError(422, None, {f"notes[{i}].agenda_item_id": [_not_on_agenda()] for i in unknown})
    # A field the body leaves out keeps its text; so does the note of an item it does not name.
    form = run_form(lambda **kwargs: forms.minutes_text_form(record, **kwargs), data, defaults=_texts_of(record))
    services.update_texts(meeting.id, forms.text_from(form), user=current_user)
    db.session.expire_all()
    return ok(minutes_json(nb, db.session.get(Meeting, meeting_id)))


def _texts_of(record) -> dict:
    """The record's texts as JSON: what a body that leaves a field (or an item's note) out keeps."""
    return {"introduction": record.introduction, "closing_remarks": record.closing_remarks,
            "next_meeting_date": iso(record.next_meeting_date_recorded),
            "notes": [{"agenda_item_id": e.item_id, "notes": e.notes} for e in record.agenda]}


def _locked() -> str:
    return _("Das Protokoll ist genehmigt und kann nicht mehr bearbeitet werden.")


def _not_on_agenda() -> str:
    return _("Diesen Tagesordnungspunkt hat die Sitzung nicht.")


@route("POST", MINUTES_PATH + "/approve", summary="Protokoll genehmigen (sperrt die Sitzung)", tag="Protokolle",
       response=MINUTES, body=APPROVE_INPUT, form=APPROVE_FORM)
def approve_minutes(slug, meeting_id, data):
    nb, meeting = _load(slug, meeting_id, Action.APPROVE_MINUTES)

    def build(**kwargs):
        form = forms.ApproveForm(**kwargs)
        form.meeting_id.choices = [SelectChoice(m.id, str(m.date))
                                   for m in queries.approving_meetings(meeting, date.today())]
        return form

    form = run_form(build, data)
    services.approve(meeting.id, user=current_user,
                     in_meeting_id=form.meeting_id.data if form.how.data == "meeting" else None,
                     no_objections=form.how.data == "period" and form.no_objections.data)
    db.session.expire_all()
    return ok(minutes_json(nb, db.session.get(Meeting, meeting_id)))


@route("POST", MINUTES_PATH + "/publish", summary="Genehmigtes Protokoll veröffentlichen (PDF/A, einmal gerendert)",
       tag="Protokolle", response=VERSION, status=201)
def publish_minutes(slug, meeting_id):
    nb, meeting = _load(slug, meeting_id, Action.APPROVE_MINUTES)
    version = services.publish(meeting.id, user=current_user)
    return ok(_version_json(nb.slug, meeting.id, version), 201)


@route("GET", MINUTES_PATH + "/versions/<int:number>.pdf", summary="Eine veröffentlichte Fassung als PDF",
       tag="Protokolle", media_type="application/pdf",
       description="Die gespeicherten Bytes, wie veröffentlicht; Repr-Digest trägt die SHA-256.")
def minutes_pdf(slug, meeting_id, number):
    nb, meeting = _load(slug, meeting_id, Action.READ)
    version = db.session.execute(
        sa.select(MinutesVersion).join(Minutes, MinutesVersion.minutes_id == Minutes.id)
        .where(Minutes.meeting_id == meeting.id, MinutesVersion.number == number)
    ).scalar_one_or_none()
    if version is None:
        raise ApiError(404)
    return stored_pdf_response(version, f"protokoll-{nb.slug}-{meeting.date.isoformat()}-v{number}.pdf")


@route("GET", MINUTES_PATH + "/versions", summary="Veröffentlichte Fassungen mit SHA-256 (älteste zuerst)",
       tag="Protokolle", response=VERSION, paginated=True)
def list_minutes_versions(slug, meeting_id, args):
    nb, meeting = _load(slug, meeting_id, Action.READ)
    minutes_id = db.session.execute(sa.select(Minutes.id).filter_by(meeting_id=meeting.id)).scalar_one_or_none()
    return paginate_list(queries.versions_of(minutes_id), args, lambda v: _version_json(nb.slug, meeting.id, v))


@route("POST", MINUTES_PATH + "/corrections", summary="Veröffentlichtes Protokoll berichtigen (neue Fassung)",
       tag="Protokolle", response=VERSION, status=201, body=CORRECTION_INPUT, errors=(403, 409),
       form=CORRECTION_FORM,
       description="Wie „Berichtigen“ auf der Protokollseite: Die Texte ändern sich wie angegeben (nicht genannte "
                   "Felder und Notizen bleiben), eine neue PDF-Fassung wird einmal gerendert und mit ihrer "
                   "SHA-256 gespeichert, frühere Fassungen bleiben abrufbar. Der Grund ist Pflicht. Nur ein "
                   "veröffentlichtes Protokoll kann berichtigt werden (sonst 409).")
def correct_minutes(slug, meeting_id, data):
    nb, meeting = _load(slug, meeting_id, Action.APPROVE_MINUTES)
    record = minutes_record(meeting.id, public=False)
    known = {e.item_id for e in record.agenda}
    unknown = [i for i, n in enumerate(data.get("notes", [])) if n["agenda_item_id"] not in known]
    if unknown:
        raise ApiError(422, None, {f"notes[{i}].agenda_item_id": [_not_on_agenda()] for i in unknown})
    form = run_form(lambda **kwargs: forms.correction_form(record, **kwargs), data, defaults=_texts_of(record))
    try:
        version = services.correct(meeting.id, forms.text_from(form), form.reason.data, user=current_user)
    except services.MinutesError as error:
        if error.field:
            raise
        raise ApiError(409, str(error.message)) from None
    return ok(_version_json(nb.slug, meeting.id, version), 201)

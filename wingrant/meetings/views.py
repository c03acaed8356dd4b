"""Meetings: list, create and edit, the agenda builder and attendance.

Thin views: load → authorize → validate → one service call → redirect or render.
The live meeting, the projector, the invitation and the administration's pages
are in ``live_views.py`` (the ``live`` blueprint).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.routing import BuildError
from wtforms.fields.choices import SelectChoice

from ..applications.lifecycle import STATE_LABELS
from ..auth.permissions import Action, authorize, can, neighbourhood_ids_for
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from ..neighbourhoods.models import Neighbourhood
from . import queries, services
from .forms import (
    AddApplicationsForm,
    AgendaItemForm,
    AttendeeForm,
    ButtonForm,
    MeetingForm,
    head_count_form,
)
from .labels import (
    GROUPS,
    KINDS,
    MEETING_STATE_ACTIONS,
    MEETING_STATES,
    OUTCOMES,
    REASONS,
    RESOLUTION_BLOCKED,
    RESOLUTION_KINDS,
    RESOLUTION_OUTCOME_LABELS,
    SIGNAL_KINDS,
    SIGNAL_STATES,
)
from .models import Attendance, AttendeeGroup, HeadCount, Meeting, MeetingState
from .view_helpers import load

bp = Blueprint("meetings", __name__)


@bp.record_once
def _register_labels(state) -> None:
    """Enum labels as template globals, so that imported macros see them too."""
    state.app.jinja_env.globals.update(
        MEETING_STATES=MEETING_STATES, OUTCOMES=OUTCOMES, GROUP_LABELS=GROUPS, KIND_LABELS=KINDS,
        CONSENSUS_REASONS=REASONS, APPLICATION_STATES=STATE_LABELS, RESOLUTION_KINDS=RESOLUTION_KINDS,
        RESOLUTION_OUTCOMES=RESOLUTION_OUTCOME_LABELS, RESOLUTION_BLOCKED=RESOLUTION_BLOCKED, SIGNAL_KINDS=SIGNAL_KINDS,
        SIGNAL_STATES=SIGNAL_STATES)


def meeting_url(neighbourhood: Neighbourhood, meeting: Meeting, anchor: str | None = None) -> str:
    return url_for("meetings.show", slug=neighbourhood.slug, meeting_id=meeting.id, _anchor=anchor)


# --- lists --------------------------------------------------------------------------


@bp.get("/sitzungen")
@login_required
def overview():
    """Entry from the main navigation: the neighbourhoods whose meetings the user may see."""
    ids = neighbourhood_ids_for(current_user, Action.READ)
    stmt = db.select(Neighbourhood).where(Neighbourhood.active.is_(True)).order_by(Neighbourhood.name)
    if ids is not None:
        stmt = stmt.where(Neighbourhood.id.in_(ids))
    neighbourhoods = db.session.execute(stmt).scalars().all()
    if len(neighbourhoods) == 1:
        return redirect(url_for("meetings.index", slug=neighbourhoods[0].slug))
    return render_template("meetings/overview.html", neighbourhoods=neighbourhoods)


@bp.get("/quartiere/<slug>/sitzungen")
@login_required
def index(slug):
    neighbourhood = authorize(slug, Action.READ)
    return render_template("meetings/list.html", neighbourhood=neighbourhood,
                           meetings=queries.meetings_of(neighbourhood),
                           may_manage=can(current_user, neighbourhood.id, Action.MANAGE_MEETINGS))


# --- create and edit ---------------------------------------------------------------------


def _meeting_data(form) -> services.MeetingData:
    return services.MeetingData(date=form.date.data, starts_at=form.starts_at.data, ends_at=form.ends_at.data,
                                place=form.place.data or "", address=form.address.data or "",
                                online=form.online.data, invitation_text=form.invitation_text.data or "")


@bp.route("/quartiere/<slug>/sitzungen/neu", methods=["GET", "POST"])
@login_required
def create(slug):
    neighbourhood = authorize(slug, Action.MANAGE_MEETINGS)
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(neighbourhood, _meeting_data(form), user=current_user)
        except DomainError as error:
            if not show_error_at(form, error):
                flash(error.message, "error")
        else:
            flash(_("Die Sitzung ist angelegt, mit der Standard-Tagesordnung des Forums."), "success")
            return redirect(meeting_url(neighbourhood, meeting))
    status = 422 if form.is_submitted() else 200
    return render_template("meetings/form.html", neighbourhood=neighbourhood, form=form, meeting=None), status


@bp.route("/quartiere/<slug>/sitzungen/<int:meeting_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, _meeting_data(form), user=current_user)
        except DomainError as error:
            if not show_error_at(form, error):
                flash(error.message, "error")
        else:
            flash(_("Die Angaben zur Sitzung sind gespeichert."), "success")
            return redirect(meeting_url(neighbourhood, meeting))
    status = 422 if form.is_submitted() else 200
    return render_template("meetings/form.html", neighbourhood=neighbourhood, form=form, meeting=meeting), status


# --- the meeting page: agenda builder and attendance ------------------------------------------


def render_meeting(neighbourhood, meeting, status=200, **forms):
    rows = queries.agenda(meeting)
    counts = {hc.group: hc.count for hc in db.session.execute(
        db.select(HeadCount).filter_by(meeting_id=meeting.id)).scalars()}
    attendees = db.session.execute(
        db.select(Attendance).filter_by(meeting_id=meeting.id).order_by(Attendance.apologised, Attendance.name)
    ).scalars().all()
    candidates = queries.agenda_candidates(neighbourhood)
    add_apps = forms.get("add_apps") or AddApplicationsForm(prefix="apps", formdata=None)
    add_apps.application_ids.choices = [SelectChoice(a.id, a.title) for a in candidates]
    may = {action: can(current_user, neighbourhood.id, action) for action in Action}
    next_state = services.NEXT_STATE.get(meeting.state)
    try:  # the minutes feature, where the minutes are written and approved
        minutes_url = url_for("minutes.show", slug=neighbourhood.slug, meeting_id=meeting.id)
    except BuildError:
        minutes_url = None
    return render_template(
        "meetings/meeting.html", neighbourhood=neighbourhood, meeting=meeting, rows=rows,
        money=queries.money_for(rows, neighbourhood), counts=counts, total=sum(counts.values()),
        attendees=attendees, candidates=candidates, may=may, Action=Action,
        locked=meeting.state == MeetingState.MINUTES_APPROVED,
        next_state=next_state, next_state_label=MEETING_STATE_ACTIONS.get(next_state), minutes_url=minutes_url,
        add_item=forms.get("add_item") or AgendaItemForm(prefix="item", formdata=None),
        add_apps=add_apps,
        heads=forms.get("heads") or head_count_form(counts),
        attendee=forms.get("attendee") or AttendeeForm(prefix="person", formdata=None),
        button=ButtonForm(formdata=None),
    ), status


@bp.get("/quartiere/<slug>/sitzungen/<int:meeting_id>")
@login_required
def show(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.READ)
    return render_meeting(neighbourhood, meeting)


def _run(neighbourhood, meeting, call, success: str, anchor: str, *, form=None, form_name=None):
    """Call one service; on a domain error show it at its field (re-render) or as a message (redirect)."""
    try:
        call()
    except DomainError as error:
        if form is not None and show_error_at(form, error):
            return render_meeting(neighbourhood, meeting, 422, **{form_name: form})
        flash(error.message, "error")
    else:
        flash(success, "success")
    return redirect(meeting_url(neighbourhood, meeting, anchor))


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/status")
@login_required
def change_state(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)  # authorise before reading input
    try:
        target = MeetingState(request.form.get("state", ""))
    except ValueError:
        abort(400)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting, lambda: services.change_state(meeting, target, user=current_user),
                _("Die Sitzung ist jetzt „%(state)s“.", state=MEETING_STATES[target]), "status")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/tagesordnung")
@login_required
def add_item(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)
    form = AgendaItemForm(prefix="item")
    if not form.validate_on_submit():
        return render_meeting(neighbourhood, meeting, 422, add_item=form)
    return _run(neighbourhood, meeting,
                lambda: services.add_item(meeting, form.title.data, user=current_user),
                _("Der Tagesordnungspunkt ist hinzugefügt."), "tagesordnung", form=form, form_name="add_item")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/tagesordnung/antraege")
@login_required
def add_applications(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)
    form = AddApplicationsForm(prefix="apps")
    form.application_ids.choices = [SelectChoice(a.id, a.title) for a in queries.agenda_candidates(neighbourhood)]
    if not form.validate_on_submit():
        return render_meeting(neighbourhood, meeting, 422, add_apps=form)
    return _run(neighbourhood, meeting,
                lambda: services.add_applications(meeting, form.application_ids.data, user=current_user),
                _("Die Anträge stehen auf der Tagesordnung."), "tagesordnung", form=form, form_name="add_apps")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/tagesordnung/<int:item_id>/verschieben")
@login_required
def move_item(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)
    offset = {"hoch": -1, "runter": 1}.get(request.form.get("richtung", ""))
    if offset is None or not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting, lambda: services.move_item(meeting, item_id, offset, user=current_user),
                _("Die Reihenfolge ist geändert."), f"top-{item_id}")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/tagesordnung/<int:item_id>/entfernen")
@login_required
def remove_item(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting, lambda: services.remove_item(meeting, item_id, user=current_user),
                _("Der Punkt ist von der Tagesordnung genommen."), "tagesordnung")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/anwesenheit/zahlen")
@login_required
def set_head_counts(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = head_count_form({}, formdata=request.form)
    if not form.validate_on_submit():
        return render_meeting(neighbourhood, meeting, 422, heads=form)
    counts = {g: getattr(form, f"count_{g.value}").data or 0 for g in AttendeeGroup}
    return _run(neighbourhood, meeting, lambda: services.set_head_counts(meeting, counts, user=current_user),
                _("Die Teilnehmendenzahlen sind gespeichert."), "anwesenheit", form=form, form_name="heads")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/anwesenheit")
@login_required
def add_attendee(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = AttendeeForm(prefix="person")
    if not form.validate_on_submit():
        return render_meeting(neighbourhood, meeting, 422, attendee=form)
    data = services.AttendeeData(name=form.name.data, group=AttendeeGroup(form.group.data),
                                 organisation=form.organisation.data or "", apologised=form.apologised.data,
                                 consent_to_publish=form.consent_to_publish.data, email=form.email.data or "")
    return _run(neighbourhood, meeting, lambda: services.add_attendee(meeting, data, user=current_user),
                _("Eingetragen."), "anwesenheit", form=form, form_name="attendee")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/anwesenheit/<int:attendance_id>/entfernen")
@login_required
def remove_attendee(slug, meeting_id, attendance_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting,
                lambda: services.remove_attendee(meeting, attendance_id, user=current_user),
                _("Der Eintrag ist entfernt."), "anwesenheit")


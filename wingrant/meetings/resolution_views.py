"""Resolutions without money (Beschluss / Stellungnahme ohne Antrag): the ``resolutions`` blueprint.

The QM drafts one on the meeting page (its own agenda item); in the live meeting the forum
records objections and recusals and decides it. Thin views: load the meeting of the URL
(scoped to its neighbourhood, after the permission check) → validate → one call into
``resolutions`` → redirect, or re-render with the form that failed.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Action
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from . import consensus, decisions, resolutions
from .forms import ButtonForm, ObjectionForm, RecusalForm, ReopenForm
from .labels import RESOLUTION_OUTCOME_LABELS
from .live_page import render_live
from .models import AgendaItem, AttendeeGroup, MeetingState, Resolution, ResolutionKind
from .resolution_forms import TEXT_MAX, TITLE_MAX, ResolutionForm, resolution_outcome_form
from .view_helpers import load

bp = Blueprint("resolutions", __name__)

BASE = "/quartiere/<slug>/sitzungen/<int:meeting_id>"
ITEM = BASE + "/top/<int:item_id>/ohne-antrag"


def _resolution(meeting, item_id) -> Resolution:
    """The resolution of this meeting's item: 404 for an item of another meeting (or neighbourhood)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id or item.resolution is None:
        abort(404)
    return item.resolution


def _draft(form) -> resolutions.DraftData:
    return resolutions.DraftData(kind=ResolutionKind(form.kind.data), title=form.title.data or "",
                                 text=form.text.data or "", addressee=form.addressee.data or "")


def _render_draft(neighbourhood, meeting, form, resolution=None, status=200):
    return render_template("meetings/resolution_form.html", neighbourhood=neighbourhood, meeting=meeting,
                           form=form, resolution=resolution,
                           locked=meeting.state == MeetingState.MINUTES_APPROVED), status


def _meeting_url(neighbourhood, meeting):
    return url_for("meetings.show", slug=neighbourhood.slug, meeting_id=meeting.id, _anchor="tagesordnung")


@bp.route(BASE + "/ohne-antrag/neu", methods=["GET", "POST"])
@login_required
def create(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)
    form = ResolutionForm()
    if request.method == "GET":  # prefilled, e.g. from a concern (Wünsche und Anliegen)
        form.title.data = (request.args.get("titel") or "")[:TITLE_MAX]
        form.text.data = (request.args.get("text") or "")[:TEXT_MAX]
    if not form.validate_on_submit():
        return _render_draft(neighbourhood, meeting, form, status=422 if request.method == "POST" else 200)
    try:
        resolutions.add_resolution(meeting, _draft(form), user=current_user)
    except DomainError as error:
        if show_error_at(form, error):
            return _render_draft(neighbourhood, meeting, form, status=422)
        flash(error.message, "error")
    else:
        flash(_("Der Entwurf steht auf der Tagesordnung."), "success")
    return redirect(_meeting_url(neighbourhood, meeting))


@bp.route(ITEM + "/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.MANAGE_MEETINGS)
    resolution = _resolution(meeting, item_id)
    form = ResolutionForm(obj=resolution if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = resolution.kind.value
    if not form.validate_on_submit():
        return _render_draft(neighbourhood, meeting, form, resolution, 422 if request.method == "POST" else 200)
    try:
        resolutions.update_draft(meeting, item_id, _draft(form), user=current_user)
    except DomainError as error:
        if show_error_at(form, error):
            return _render_draft(neighbourhood, meeting, form, resolution, 422)
        flash(error.message, "error")
    else:
        flash(_("Der Entwurf ist gespeichert."), "success")
    return redirect(_meeting_url(neighbourhood, meeting))


# --- in the live meeting ----------------------------------------------------------------------


def _run(neighbourhood, meeting, call, success, *, item_id, form=None, form_name=None, anchor=None):
    try:
        call()
    except DomainError as error:
        if form is not None and show_error_at(form, error):
            return render_live(neighbourhood, meeting, 422, item_id=item_id, **{form_name: form})
        flash(error.message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("live.live", slug=neighbourhood.slug, meeting_id=meeting.id, _anchor=anchor))


@bp.post(ITEM + "/einwand")
@login_required
def add_objection(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    _resolution(meeting, item_id)  # 404 for an item of another meeting
    form = ObjectionForm(prefix="objection")
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, objection=form)
    data = decisions.ObjectionData(group=AttendeeGroup(form.group.data) if form.group.data else None,
                                   person_name=form.person_name.data or "", reason=form.reason.data or "",
                                   consent_to_publish=form.consent_to_publish.data)
    return _run(neighbourhood, meeting, lambda: resolutions.record_objection(meeting, item_id, data, user=current_user),
                _("Der Einwand ist erfasst."), item_id=item_id, form=form, form_name="objection", anchor="einwaende")


@bp.post(ITEM + "/einwand/<int:objection_id>/zurueckziehen")
@login_required
def withdraw_objection(slug, meeting_id, item_id, objection_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    _resolution(meeting, item_id)  # 404 for an item of another meeting
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting,
                lambda: resolutions.withdraw_objection(meeting, item_id, objection_id, user=current_user),
                _("Der Einwand ist zurückgezogen."), item_id=item_id, anchor="einwaende")


@bp.post(ITEM + "/befangenheit")
@login_required
def add_recusal(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    _resolution(meeting, item_id)  # 404 for an item of another meeting
    form = RecusalForm(prefix="recusal")
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, recusal=form)
    data = decisions.RecusalData(person_name=form.person_name.data, organisation=form.organisation.data or "",
                                 reason=form.reason.data or "", consent_to_publish=form.consent_to_publish.data)
    return _run(neighbourhood, meeting, lambda: resolutions.record_recusal(meeting, item_id, data, user=current_user),
                _("Die Befangenheit ist erfasst: Diese Person entscheidet hierüber nicht mit."),
                item_id=item_id, form=form, form_name="recusal", anchor="befangenheiten")


@bp.post(ITEM + "/befangenheit/<int:recusal_id>/entfernen")
@login_required
def remove_recusal(slug, meeting_id, item_id, recusal_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    _resolution(meeting, item_id)  # 404 for an item of another meeting
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting,
                lambda: resolutions.remove_recusal(meeting, item_id, recusal_id, user=current_user),
                _("Die Befangenheit ist entfernt."), item_id=item_id, anchor="befangenheiten")


@bp.post(ITEM + "/ergebnis")
@login_required
def record_outcome(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    resolution = _resolution(meeting, item_id)
    permitted = resolutions.permitted(consensus.assess(resolutions.deliberation(resolution, meeting)))
    form = resolution_outcome_form(permitted, formdata=request.form)
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, resolution_outcome=form)
    outcome = consensus.Outcome(form.outcome.data)
    data = resolutions.ResolutionOutcomeData(outcome=outcome, final_text=form.final_text.data or "",
                                             reason=form.reason.data or "")
    return _run(neighbourhood, meeting, lambda: resolutions.record_outcome(meeting, item_id, data, user=current_user),
                _("Ergebnis erfasst: %(outcome)s.", outcome=RESOLUTION_OUTCOME_LABELS[outcome]),
                item_id=item_id, form=form, form_name="resolution_outcome", anchor="beschluss")


@bp.post(ITEM + "/ergebnis/zuruecknehmen")
@login_required
def reopen(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    _resolution(meeting, item_id)  # 404 for an item of another meeting
    form = ReopenForm(prefix="reopen")
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, reopen=form)
    return _run(neighbourhood, meeting,
                lambda: resolutions.reopen(meeting, item_id, form.reopen_reason.data, user=current_user),
                _("Das Ergebnis ist zurückgenommen; der Entwurf ist wieder offen."),
                item_id=item_id, form=form, form_name="reopen", anchor="beschluss")

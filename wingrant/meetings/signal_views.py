"""The QM's side of the signals from the room: the room code and the pending list (``signals`` blueprint).

The pending list is part of the live page (``live_views.render_live``); its own small GET answers the
live page's poll (signals.js) with ``304`` while nothing changed, keyed on ``Meeting.signal_seq``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Action
from ..errors import DomainError
from . import decisions, signals
from .forms import ButtonForm, ObjectionForm
from .models import AttendeeGroup, MeetingState, SignalState
from .view_helpers import load, signal_context

bp = Blueprint("signals", __name__)

BASE = "/quartiere/<slug>/sitzungen/<int:meeting_id>/live/meldungen"


def _back(neighbourhood, meeting):
    return redirect(url_for("live.live", slug=neighbourhood.slug, meeting_id=meeting.id, _anchor="meldungen"))


def _run(call, success) -> None:
    try:
        call()
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(success, "success")


@bp.get(BASE)
@login_required
def pending(slug, meeting_id):
    """The pending list alone, for the live page's poll."""
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    tag = f"s{meeting.signal_seq}"
    if tag in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(render_template("meetings/_signals.html", neighbourhood=neighbourhood, meeting=meeting,
                                            locked=meeting.state == MeetingState.MINUTES_APPROVED,
                                            **signal_context(meeting)))
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post(BASE + "/code")
@login_required
def switch_on(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    if not ButtonForm().validate_on_submit():
        abort(400)
    renewed = meeting.signal_code is not None
    _run(lambda: signals.switch_on(meeting, user=current_user),
         _("Neuer Code erzeugt; der alte gilt nicht mehr.") if renewed
         else _("Meldungen aus dem Raum sind eingeschaltet. Der Code steht auf dem Beamer."))
    return _back(neighbourhood, meeting)


@bp.post(BASE + "/aus")
@login_required
def switch_off(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    if not ButtonForm().validate_on_submit():
        abort(400)
    _run(lambda: signals.switch_off(meeting, user=current_user), _("Meldungen aus dem Raum sind ausgeschaltet."))
    return _back(neighbourhood, meeting)


@bp.post(BASE + "/<int:signal_id>/einwand")
@login_required
def record(slug, meeting_id, signal_id):
    """Als Einwand aufnehmen: through the objection rules (a group or a name), then it counts."""
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = ObjectionForm(prefix=f"signal{signal_id}")
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return _back(neighbourhood, meeting)
    data = decisions.ObjectionData(group=AttendeeGroup(form.group.data) if form.group.data else None,
                                   person_name=form.person_name.data or "", reason=form.reason.data or "",
                                   consent_to_publish=form.consent_to_publish.data)
    _run(lambda: signals.record_as_objection(meeting, signal_id, data, user=current_user),
         _("Der Einwand ist erfasst; er zählt jetzt für den Konsens."))
    return _back(neighbourhood, meeting)


@bp.post(BASE + "/<int:signal_id>/erledigt")
@login_required
def close(slug, meeting_id, signal_id):
    """Verwerfen (an objection signal) or Gesehen (a question, a consent)."""
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        state = signals.close(meeting, signal_id, user=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Die Meldung ist verworfen.") if state == SignalState.DISMISSED
              else _("Die Meldung ist als gesehen markiert."), "success")
    return _back(neighbourhood, meeting)

"""The projector (Beamer): what the room sees, for staff logged in or through a secret link per meeting.

The ``projector`` blueprint. The projector reads the same small state as the live mode (the current
item, its money, the counts of objections) and speaks the forum's language unless switched; the
secret link lets the room's computer show it without a staff login (only the token's hash is kept).
"""

from __future__ import annotations

import hashlib
import json

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Action
from ..core.urls import external_url
from ..errors import DomainError
from . import follow, queries, services, signals
from .forms import ButtonForm
from .labels import OUTCOMES
from .view_helpers import load, projector_link_key

bp = Blueprint("projector", __name__)


def beamer_state(neighbourhood, meeting) -> tuple[dict, object, object]:
    """What the projector shows, as plain data; its hash tells the page when to update."""
    rows = queries.agenda(meeting)
    row = queries.current_row(meeting, rows)
    money = queries.money_for([row], neighbourhood).get(row.item.id) if row else None
    state = {"meeting": {"id": meeting.id, "state": meeting.state.value}, "item": None}
    if row is not None:
        item = {"number": row.number, "title": row.item.title, "kind": row.item.kind.value}
        if row.item.application is not None:
            decision = row.decision
            counting, discounted = queries.objection_counts(decision) if decision else ([], [])
            item.update(
                reference=row.item.application.reference,
                amounts=[{"programme": r.programme.code, "requested": r.requested, "approved": r.approved,
                          "available_before": r.before, "available_after": r.after} for r in money.rows],
                objections=len(counting), recused=len(decision.recusals) if decision else 0,
                outcome=decision.outcome.value if decision and decision.outcome else None,
                outcome_label=str(OUTCOMES[decision.outcome]) if decision and decision.outcome else None,
                conditions=decision.conditions if decision and decision.outcome else "",
            )
        if meeting.signal_code:
            item["signals"] = {kind.value: n for kind, n in signals.counts(row.item.id).items()}
        state["item"] = item
    # The room code is on the projector: whoever sees the screen is in the room.
    state["signal_code"] = signals.format_code(meeting.signal_code) if meeting.state in signals.OPEN_STATES else ""
    state["fingerprint"] = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]
    return state, row, money


def render_beamer(neighbourhood, meeting, *, state_url, fragment_url, reload_url):
    # The projector speaks the forum's language (German), not the projector browser's, unless
    # someone switches it with /sprache.
    g.forum_language = True
    state, row, money = beamer_state(neighbourhood, meeting)
    follow_link = None
    if meeting.state in follow.FOLLOWABLE_STATES:
        url = follow.follow_url(neighbourhood, meeting)
        follow_link = {"url": url, "qr": follow.qr_data_uri(url)}
    template = "meetings/_beamer_stage.html" if request.args.get("teil") == "1" else "meetings/beamer.html"
    return render_template(template, neighbourhood=neighbourhood, meeting=meeting, row=row, money=money,
                           state=state, state_url=state_url, fragment_url=fragment_url, reload_url=reload_url,
                           follow_link=follow_link)


@bp.get("/quartiere/<slug>/sitzungen/<int:meeting_id>/beamer")
@login_required
def beamer(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.READ)
    values = {"slug": slug, "meeting_id": meeting_id}
    return render_beamer(neighbourhood, meeting, state_url=url_for("projector.beamer_json", **values),
                         fragment_url=url_for("projector.beamer", **values, teil=1),
                         reload_url=url_for("projector.beamer", **values))


@bp.get("/quartiere/<slug>/sitzungen/<int:meeting_id>/beamer.json")
@login_required
def beamer_json(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.READ)
    response = jsonify(beamer_state(neighbourhood, meeting)[0])
    response.headers["Cache-Control"] = "no-store"
    return response


def _projector(slug, meeting_id, token):
    return follow.projector_meeting(slug, meeting_id, token) or abort(404)


@bp.get("/beamer/<slug>/<int:meeting_id>/<token>")
def projector(slug, meeting_id, token):
    """The projector through its secret link: no staff login on the room's computer."""
    neighbourhood, meeting = _projector(slug, meeting_id, token)
    values = {"slug": slug, "meeting_id": meeting_id, "token": token}
    response = make_response(render_beamer(
        neighbourhood, meeting, state_url=url_for("projector.projector_json", **values),
        fragment_url=url_for("projector.projector", **values, teil=1),
        reload_url=url_for("projector.projector", **values)))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


@bp.get("/beamer/<slug>/<int:meeting_id>/<token>/stand.json")
def projector_json(slug, meeting_id, token):
    neighbourhood, meeting = _projector(slug, meeting_id, token)
    response = jsonify(beamer_state(neighbourhood, meeting)[0])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/live/beamer-link")
@login_required
def new_projector_link(slug, meeting_id):
    """A new secret projector link; the old one stops working. Shown to this QM (the server keeps only
    its hash), kept in this browser's session so the live page can show it again."""
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        token = services.new_projector_link(meeting, user=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        session[projector_link_key(meeting)] = external_url(
            "projector.projector", slug=neighbourhood.slug, meeting_id=meeting.id, token=token)
        flash(_("Der neue Beamer-Link ist erzeugt; ein früherer Link funktioniert nicht mehr."), "success")
    return redirect(url_for("live.live", slug=neighbourhood.slug, meeting_id=meeting.id, _anchor="beamer-link"))

"""The live meeting page (Sitzungsmodus) as the views of the ``live`` and ``resolutions``
blueprints render it: after a refused write each re-renders it with the form that failed.

Not a view module: both view modules import this, neither imports the other.
"""

from __future__ import annotations

from flask import render_template, session, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.permissions import Action, can
from . import consensus, follow, outcome_input, queries, resolutions
from .forms import ButtonForm, NavigateForm, NotesForm, ObjectionForm, RecusalForm, ReopenForm
from .models import MeetingState
from .resolution_forms import resolution_outcome_form
from .view_helpers import projector_link_key, signal_context


def _deliberation_forms(forms: dict) -> dict:
    return dict(
        objection=forms.get("objection") or ObjectionForm(prefix="objection", formdata=None),
        recusal=forms.get("recusal") or RecusalForm(prefix="recusal", formdata=None),
        reopen=forms.get("reopen") or ReopenForm(prefix="reopen", formdata=None),
    )


def _resolution_context(resolution, meeting, forms: dict) -> dict:
    assessment = consensus.assess(resolutions.deliberation(resolution, meeting))
    counting, discounted = resolutions.objection_counts(resolution)
    permitted = resolutions.permitted(assessment)
    return dict(
        resolution=resolution, assessment=assessment, counting=counting, discounted=discounted,
        resolution_outcome=forms.get("resolution_outcome") or resolution_outcome_form(
            permitted, defaults={"final_text": resolution.text}),
        attendees=queries.attendee_names(meeting.id), **_deliberation_forms(forms),
    )


def render_live(neighbourhood, meeting, status=200, *, item_id=None, **forms):
    rows = queries.agenda(meeting)
    row = (next((r for r in rows if r.item.id == item_id), None) if item_id is not None
           else queries.current_row(meeting, rows))
    money = queries.money_for([row], neighbourhood).get(row.item.id) if row else None
    context = {}
    if row is not None and row.item.application is not None:
        deliberation = queries.deliberation(row.decision, row.item.application, meeting)
        assessment = consensus.assess(deliberation)
        counting, discounted = queries.objection_counts(row.decision) if row.decision else ([], [])
        context = dict(
            assessment=assessment, deliberation=deliberation, counting=counting, discounted=discounted,
            outcome=forms.get("outcome") or outcome_input.form_for(row, money, assessment),
            attendees=queries.attendee_names(meeting.id), **_deliberation_forms(forms),
        )
    elif row is not None and row.item.resolution is not None:
        context = _resolution_context(row.item.resolution, meeting, forms)
    navigate = NavigateForm(prefix="nav", formdata=None)
    navigate.item_id.choices = [SelectChoice(r.item.id, f"{r.number} {r.item.title}") for r in rows]
    index = rows.index(row) if row in rows else None
    return render_template(
        "meetings/live.html", neighbourhood=neighbourhood, meeting=meeting, rows=rows, row=row, money=money,
        previous=rows[index - 1] if index else None,
        following=rows[index + 1] if index is not None and index + 1 < len(rows) else (
            rows[0] if index is None and rows else None),
        navigate=navigate, button=ButtonForm(formdata=None),
        notes=forms.get("notes") or NotesForm(prefix="notes", formdata=None, obj=row.item if row else None),
        locked=meeting.state == MeetingState.MINUTES_APPROVED,
        may_admin=can(current_user, neighbourhood.id, Action.ADMINISTER),
        projector_link=session.get(projector_link_key(meeting)),
        follow_url=(url_for("public.live", slug=neighbourhood.slug, meeting_id=meeting.id)
                    if meeting.state in follow.FOLLOWABLE_STATES else None),
        **signal_context(meeting), **context,
    ), status

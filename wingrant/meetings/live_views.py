"""The live meeting (Sitzungsmodus), the projector (Beameransicht), the invitation and the
administration's decision and grant: the ``live`` blueprint, beside ``meetings`` (planning)."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Action
from ..core.urls import external_url
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from ..funding.models import Grant
from . import administration as admin_acts
from . import agenda_money, consensus, decisions, follow, outcome_input, pdf, queries, services
from .forms import (
    ButtonForm,
    NavigateForm,
    NotesForm,
    ObjectionForm,
    RecusalForm,
    ReopenForm,
    admin_decision_form,
    grant_form,
)
from .labels import OUTCOMES
from .live_page import render_live
from .models import AGENDA_PUBLIC_STATES, AgendaItem, AttendeeGroup
from .view_helpers import load, load_for_administration

bp = Blueprint("live", __name__)


def _live_url(neighbourhood, meeting, anchor=None):
    return url_for("live.live", slug=neighbourhood.slug, meeting_id=meeting.id, _anchor=anchor)


def _item(meeting, item_id) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


@bp.get("/quartiere/<slug>/sitzungen/<int:meeting_id>/live")
@login_required
def live(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    return render_live(neighbourhood, meeting)


def _run(neighbourhood, meeting, call, success, *, item_id=None, form=None, form_name=None, anchor=None):
    try:
        call()
    except DomainError as error:
        if form is not None and show_error_at(form, error):
            return render_live(neighbourhood, meeting, 422, item_id=item_id, **{form_name: form})
        flash(error.message, "error")
    else:
        if success:
            flash(success, "success")
    return redirect(_live_url(neighbourhood, meeting, anchor))


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/live/aufrufen")
@login_required
def navigate(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = NavigateForm(prefix="nav")
    if not form.validate_on_submit():
        abort(400)
    item_id = form.item_id.data or None
    return _run(neighbourhood, meeting, lambda: services.set_current_item(meeting, item_id, user=current_user),
                None, anchor="aktuell")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/notizen")
@login_required
def save_notes(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = NotesForm(prefix="notes")
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, notes=form)
    return _run(neighbourhood, meeting,
                lambda: services.update_notes(meeting, item_id, form.notes.data or "", user=current_user),
                _("Die Notizen sind gespeichert."), item_id=item_id, form=form, form_name="notes", anchor="notizen")


# --- objections and recusals ----------------------------------------------------------------


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/einwand")
@login_required
def add_objection(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = ObjectionForm(prefix="objection")
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, objection=form)
    data = decisions.ObjectionData(group=AttendeeGroup(form.group.data) if form.group.data else None,
                                   person_name=form.person_name.data or "", reason=form.reason.data or "",
                                   consent_to_publish=form.consent_to_publish.data)
    return _run(neighbourhood, meeting,
                lambda: decisions.record_objection(meeting, item_id, data, user=current_user),
                _("Der Einwand ist erfasst."),
                item_id=item_id, form=form, form_name="objection", anchor="einwaende")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/einwand/<int:objection_id>/zurueckziehen")
@login_required
def withdraw_objection(slug, meeting_id, item_id, objection_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting,
                lambda: decisions.withdraw_objection(meeting, item_id, objection_id, user=current_user),
                _("Der Einwand ist zurückgezogen."), anchor="einwaende")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/befangenheit")
@login_required
def add_recusal(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = RecusalForm(prefix="recusal")
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, recusal=form)
    data = decisions.RecusalData(person_name=form.person_name.data, organisation=form.organisation.data or "",
                                 reason=form.reason.data or "", consent_to_publish=form.consent_to_publish.data)
    return _run(neighbourhood, meeting, lambda: decisions.record_recusal(meeting, item_id, data, user=current_user),
                _("Die Befangenheit ist erfasst: Diese Person entscheidet über den Antrag nicht mit."),
                item_id=item_id, form=form, form_name="recusal", anchor="befangenheiten")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/befangenheit/<int:recusal_id>/entfernen")
@login_required
def remove_recusal(slug, meeting_id, item_id, recusal_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    if not ButtonForm().validate_on_submit():
        abort(400)
    return _run(neighbourhood, meeting,
                lambda: decisions.remove_recusal(meeting, item_id, recusal_id, user=current_user),
                _("Die Befangenheit ist entfernt."), anchor="befangenheiten")


# --- the outcome ---------------------------------------------------------------------------


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/beschluss")
@login_required
def record_outcome(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    item = _item(meeting, item_id)
    if item.application is None:
        abort(404)
    rows = [r for r in queries.agenda(meeting) if r.item.id == item.id]
    money = queries.money_for(rows, neighbourhood)[item.id]
    assessment = consensus.assess(queries.deliberation(rows[0].decision, item.application, meeting))
    form = outcome_input.form_for(rows[0], money, assessment, formdata=request.form)
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, outcome=form)
    data = outcome_input.outcome_data(form, outcome_input.programmes_of(money))
    return _run(neighbourhood, meeting, lambda: decisions.record_outcome(meeting, item_id, data, user=current_user),
                _("Beschluss erfasst: %(outcome)s.", outcome=OUTCOMES[data.outcome]),
                item_id=item_id, form=form, form_name="outcome", anchor="beschluss")


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/beschluss/zuruecknehmen")
@login_required
def reopen(slug, meeting_id, item_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.RECORD_MEETING)
    form = ReopenForm(prefix="reopen")
    if not form.validate_on_submit():
        return render_live(neighbourhood, meeting, 422, item_id=item_id, reopen=form)
    return _run(neighbourhood, meeting,
                lambda: decisions.reopen_decision(meeting, item_id, form.reopen_reason.data, user=current_user),
                _("Der Beschluss ist zurückgenommen; das Geld ist wieder verfügbar."),
                item_id=item_id, form=form, form_name="reopen", anchor="beschluss")


# --- the invitation ------------------------------------------------------------------------


@bp.get("/quartiere/<slug>/sitzungen/<int:meeting_id>/einladung")
@login_required
def invitation(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.READ)
    rows = queries.agenda(meeting)
    return render_template("meetings/invitation.html", neighbourhood=neighbourhood, meeting=meeting, rows=rows,
                           projection=agenda_money.agenda_projection(meeting, rows), today=date.today())


@bp.get("/quartiere/<slug>/sitzungen/<int:meeting_id>/einladung.pdf")
@login_required
def invitation_pdf(slug, meeting_id):
    neighbourhood, meeting = load(slug, meeting_id, Action.READ)
    rows = queries.agenda(meeting)
    public_url = (external_url("public.meeting", slug=neighbourhood.slug, meeting_id=meeting.id)
                  if meeting.state in AGENDA_PUBLIC_STATES else None)
    document = pdf.invitation_pdf(neighbourhood=neighbourhood, meeting=meeting, rows=rows, public_url=public_url,
                                  follow_qr=follow.invitation_qr(neighbourhood, meeting),
                                  projection=agenda_money.agenda_projection(meeting, rows), today=date.today())
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="einladung-{meeting.date.isoformat()}.pdf"'
    return response


# --- the administration: referred cases and the formal grant ------------------------------------


def _admin_context(neighbourhood, meeting, item_id):
    item = _item(meeting, item_id)
    if item.application is None or item.decision is None or item.decision.outcome is None:
        abort(404)
    rows = [r for r in queries.agenda(meeting) if r.item.id == item.id]
    return item, rows[0], queries.money_for(rows, neighbourhood)[item.id]


def render_admin(neighbourhood, meeting, item_id, status=200, **forms):
    item, row, money = _admin_context(neighbourhood, meeting, item_id)
    decision = item.decision
    programmes = outcome_input.programmes_of(money)
    approved = [r for r in money.rows if r.approved]
    grants = db.session.execute(db.select(Grant).filter_by(application_id=item.application_id)
                                .order_by(Grant.id)).scalars().all()
    admin = forms.get("admin") or admin_decision_form(
        programmes, defaults={f"amount_{r.programme.id}": r.requested for r in money.rows})
    grant = forms.get("grant") or grant_form(
        [r.programme for r in approved], defaults={f"amount_{r.programme.id}": r.approved for r in approved})
    return render_template(
        "meetings/admin.html", neighbourhood=neighbourhood, meeting=meeting, item=item, row=row, money=money,
        decision=decision, grants=grants, admin=admin, grant=grant, approved=approved,
        effective=admin_acts.effective_outcome(decision), APPROVALS=consensus.APPROVALS, Outcome=consensus.Outcome,
    ), status


def _admin_url(neighbourhood, meeting, item_id):
    return url_for("live.administration", slug=neighbourhood.slug, meeting_id=meeting.id, item_id=item_id)


@bp.get("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/verwaltung")
@login_required
def administration(slug, meeting_id, item_id):
    neighbourhood, meeting = load_for_administration(slug, meeting_id, item_id)
    return render_admin(neighbourhood, meeting, item_id)


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/verwaltung/entscheidung")
@login_required
def admin_decide(slug, meeting_id, item_id):
    neighbourhood, meeting = load_for_administration(slug, meeting_id, item_id)
    item, row, money = _admin_context(neighbourhood, meeting, item_id)
    programmes = outcome_input.programmes_of(money)
    form = admin_decision_form(programmes, formdata=request.form)
    if not form.validate_on_submit():
        return render_admin(neighbourhood, meeting, item_id, 422, admin=form)
    outcome = consensus.Outcome(form.outcome.data)
    data = decisions.OutcomeData(
        outcome=outcome, conditions=form.conditions.data or "", reason=form.reason.data or "",
        amounts=(outcome_input.amounts_from(form, programmes)
                 if outcome == consensus.Outcome.APPROVED_WITH_CHANGES else None))
    try:
        admin_acts.record_admin_decision(item.decision.id, data, user=current_user)
    except DomainError as error:
        if show_error_at(form, error):
            return render_admin(neighbourhood, meeting, item_id, 422, admin=form)
        flash(error.message, "error")
    else:
        flash(_("Die Entscheidung der Geschäftsführung ist erfasst: %(outcome)s.", outcome=OUTCOMES[outcome]),
              "success")
    return redirect(_admin_url(neighbourhood, meeting, item_id))


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/verwaltung/bewilligung")
@login_required
def admin_grant(slug, meeting_id, item_id):
    neighbourhood, meeting = load_for_administration(slug, meeting_id, item_id)
    item, row, money = _admin_context(neighbourhood, meeting, item_id)
    approved = [r.programme for r in money.rows if r.approved]
    form = grant_form(approved, formdata=request.form)
    if not form.validate_on_submit():
        return render_admin(neighbourhood, meeting, item_id, 422, grant=form)
    lines = [admin_acts.GrantLine(programme_id=p.id, number=getattr(form, f"number_{p.id}").data or "",
                                 granted_on=getattr(form, f"granted_on_{p.id}").data,
                                 amount_cents=getattr(form, f"amount_{p.id}").data or 0) for p in approved]
    try:
        admin_acts.record_grant(item.decision.id, lines, user=current_user)
    except DomainError as error:
        if show_error_at(form, error):
            return render_admin(neighbourhood, meeting, item_id, 422, grant=form)
        flash(error.message, "error")
    else:
        flash(_("Die Bewilligung ist erfasst."), "success")
    return redirect(_admin_url(neighbourhood, meeting, item_id))


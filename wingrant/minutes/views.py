"""Internal minutes pages: read (READ), edit the draft (EDIT_MINUTES), approve, publish, correct
(APPROVE_MINUTES). Every meeting is looked up within the neighbourhood of the URL."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth.permissions import Action, authorize, can, deny, neighbourhood_ids_for, scoped_or_404
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from ..meetings.models import Meeting
from ..neighbourhoods import cities
from . import circulation, forms, queries, reports, services
from .chart import minutes_chart
from .downloads import stored_pdf_response
from .labels import init_labels
from .models import Minutes, MinutesVersion
from .pdf import render_pdf
from .record_loader import minutes_record

bp = Blueprint("minutes", __name__)

PREFIX = "/quartiere/<slug>/protokolle"


@bp.record_once
def _setup(state) -> None:
    init_labels(state.app)


def _load(slug: str, meeting_id: int, action: Action):
    neighbourhood = authorize(slug, action)
    meeting = scoped_or_404(Meeting, meeting_id, neighbourhood)
    return neighbourhood, meeting


def _show_error(error: DomainError, form=None) -> None:
    if not show_error_at(form, error):
        flash(error.message, "error")


@bp.get("/protokolle")
@login_required
def overview():
    """Every neighbourhood the user may read, with the state of its minutes."""
    rows = queries.neighbourhood_overview(neighbourhood_ids_for(current_user, Action.READ))
    return render_template("minutes/overview.html", rows=rows)


@bp.get("/verwaltung/jahresueberblick")
@login_required
def year_overview():
    """All neighbourhoods for one year: for the WiN-Geschäftsführung only."""
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)
    year = request.args.get("jahr", date.today().year, type=int)
    if not 1999 <= year <= 2200:
        abort(404)
    city = cities.requested_city()
    rows = reports.year_overview(year, neighbourhood_ids_for(current_user, Action.ADMINISTER), cities.city_id(city))
    return render_template("minutes/year_overview.html", year=year, rows=rows, city=city,
                           cities=cities.all_cities(),
                           totals={k: sum(getattr(r, k) for r in rows) for k in
                                   ("allocated", "committed", "available", "meetings", "drafts",
                                    "approved_minutes", "published_minutes", "decisions", "approvals",
                                    "approved_cents")})


@bp.get(PREFIX)
@login_required
def index(slug):
    neighbourhood = authorize(slug, Action.READ)
    return render_template("minutes/index.html", neighbourhood=neighbourhood,
                           rows=queries.minutes_overview(neighbourhood.id))


@bp.get(PREFIX + "/<int:meeting_id>")
@login_required
def show(slug, meeting_id):
    neighbourhood, meeting = _load(slug, meeting_id, Action.READ)
    return _render_show(neighbourhood, meeting)


def _render_show(neighbourhood, meeting, approve_form=None, status=200, objection_form=None):
    record = minutes_record(meeting.id, public=False)
    may_approve = can(current_user, neighbourhood.id, Action.APPROVE_MINUTES)
    approve_form = approve_form or forms.ApproveForm(formdata=None)
    approving = queries.approving_meetings(meeting, date.today())
    approve_form.meeting_id.choices = [
        SelectChoice(m.id, m.date.strftime("%d.%m.%Y") + (f" – {m.place}" if m.place else "")) for m in approving]
    minutes = db.session.execute(sa.select(Minutes).filter_by(meeting_id=meeting.id)).scalar_one_or_none()
    return render_template(
        "minutes/show.html", neighbourhood=neighbourhood, meeting=meeting, r=record,
        chart=minutes_chart(record.budgets),
        versions=queries.versions_of(record.minutes_id),
        may_edit=record.editable and can(current_user, neighbourhood.id, Action.EDIT_MINUTES),
        may_approve=may_approve, approve_form=approve_form, publish_form=forms.PublishForm(formdata=None),
        period_end=services.objection_period_end(meeting, minutes, neighbourhood),
        circulation=queries.circulation_status(meeting, minutes),
        may_circulate=record.editable and can(current_user, neighbourhood.id, Action.EDIT_MINUTES),
        circulate_form=forms.CirculateForm(formdata=None),
        objection_form=objection_form or forms.MinutesObjectionForm(formdata=None),
    ), status


@bp.route(PREFIX + "/<int:meeting_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug, meeting_id):
    neighbourhood, meeting = _load(slug, meeting_id, Action.EDIT_MINUTES)
    record = minutes_record(meeting.id, public=False)
    if not record.editable:
        flash(_("Das Protokoll ist genehmigt und kann nicht mehr bearbeitet werden."), "error")
        return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))
    form = forms.minutes_text_form(record)
    if form.validate_on_submit():
        try:
            services.update_texts(meeting.id, forms.text_from(form), user=current_user)
        except DomainError as error:
            _show_error(error, form)
        else:
            flash(_("Das Protokoll wurde gespeichert."), "success")
            return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))
    return render_template("minutes/edit.html", neighbourhood=neighbourhood, meeting=meeting, r=record, form=form,
                           notes=forms.note_fields(form)), 422 if form.errors else 200


@bp.post(PREFIX + "/<int:meeting_id>/genehmigen")
@login_required
def approve(slug, meeting_id):
    neighbourhood, meeting = _load(slug, meeting_id, Action.APPROVE_MINUTES)
    form = forms.ApproveForm()
    if form.validate_on_submit():
        try:
            services.approve(meeting.id, user=current_user,
                             in_meeting_id=form.meeting_id.data if form.how.data == "meeting" else None,
                             no_objections=form.how.data == "period" and form.no_objections.data)
        except DomainError as error:
            _show_error(error, form)
        else:
            flash(_("Das Protokoll ist genehmigt. Die Sitzung ist damit abgeschlossen."), "success")
            return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))
    return _render_show(neighbourhood, meeting, approve_form=form, status=422)


@bp.post(PREFIX + "/<int:meeting_id>/versenden")
@login_required
def circulate(slug, meeting_id):
    neighbourhood, meeting = _load(slug, meeting_id, Action.EDIT_MINUTES)
    if forms.CirculateForm().validate_on_submit():
        try:
            sent = circulation.circulate(meeting.id, user=current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Der Entwurf ist versandt: an %(attendees)s Anwesende und %(subscribers)s Abonnent:innen des "
                    "Verteilers. Die Einspruchsfrist läuft ab heute.", attendees=sent.attendee_count,
                    subscribers=sent.subscriber_count), "success")
    return redirect(url_for(".show", slug=slug, meeting_id=meeting.id, _anchor="versand"))


@bp.post(PREFIX + "/<int:meeting_id>/einwaende")
@login_required
def object_to_minutes(slug, meeting_id):
    neighbourhood, meeting = _load(slug, meeting_id, Action.EDIT_MINUTES)
    form = forms.MinutesObjectionForm()
    if form.validate_on_submit():
        try:
            circulation.record_objection(meeting.id, form.author.data, form.text.data, form.received_on.data,
                                         user=current_user)
        except DomainError as error:
            _show_error(error, form)
        else:
            flash(_("Der Einwand ist eingetragen."), "success")
            return redirect(url_for(".show", slug=slug, meeting_id=meeting.id, _anchor="einwaende"))
    return _render_show(neighbourhood, meeting, status=422, objection_form=form)


@bp.post(PREFIX + "/<int:meeting_id>/veroeffentlichen")
@login_required
def publish(slug, meeting_id):
    neighbourhood, meeting = _load(slug, meeting_id, Action.APPROVE_MINUTES)
    form = forms.PublishForm()
    if form.validate_on_submit():
        try:
            version = services.publish(meeting.id, user=current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Das Protokoll ist veröffentlicht (SHA-256 %(sha)s).", sha=version.sha256), "success")
    return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))


@bp.route(PREFIX + "/<int:meeting_id>/berichtigen", methods=["GET", "POST"])
@login_required
def correct(slug, meeting_id):
    neighbourhood, meeting = _load(slug, meeting_id, Action.APPROVE_MINUTES)
    record = minutes_record(meeting.id, public=False)
    form = forms.correction_form(record)
    if form.validate_on_submit():
        try:
            version = services.correct(meeting.id, forms.text_from(form), form.reason.data, user=current_user)
        except DomainError as error:
            _show_error(error, form)
        else:
            flash(_("Version %(number)s ist veröffentlicht.", number=version.number), "success")
            return redirect(url_for(".show", slug=slug, meeting_id=meeting.id))
    return render_template("minutes/correct.html", neighbourhood=neighbourhood, meeting=meeting, r=record,
                           form=form, notes=forms.note_fields(form)), 422 if form.errors else 200


@bp.get(PREFIX + "/<int:meeting_id>/protokoll.pdf")
@login_required
def preview_pdf(slug, meeting_id):
    """Rendered on request: the internal record, or (``?fassung=oeffentlich``) the public one."""
    neighbourhood, meeting = _load(slug, meeting_id, Action.READ)
    public = request.args.get("fassung") == "oeffentlich"
    pdf = render_pdf(minutes_record(meeting.id, public=public))
    name = f"protokoll-{meeting.date.isoformat()}-{'oeffentlich' if public else 'intern'}-vorschau.pdf"
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=name, as_attachment=True)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(PREFIX + "/<int:meeting_id>/versionen/<int:number>.pdf")
@login_required
def version_pdf(slug, meeting_id, number):
    neighbourhood, meeting = _load(slug, meeting_id, Action.READ)
    version = db.session.execute(
        sa.select(MinutesVersion).join(Minutes, MinutesVersion.minutes_id == Minutes.id)
        .where(Minutes.meeting_id == meeting.id, MinutesVersion.number == number)
    ).scalar_one_or_none() or abort(404)
    return stored_pdf_response(version, f"protokoll-{neighbourhood.slug}-{meeting.date.isoformat()}-v{number}.pdf")


"""The applicant's pages, without an account: the public form and the private link.

Access to one application is the token in the URL; nothing else of the
internal pages is reachable from here. Private pages are never cached and send
no referrer, so the link does not leak into other sites' logs.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..applications import attachments
from ..applications import forms as application_forms
from ..applications import services as application_services
from ..applications.forms import ReasonForm
from ..applications.lifecycle import AFTER_GRANT_STATES, STATE_LABELS
from ..applications.models import ApplicationComment
from ..applications.models import ApplicationState as S
from ..core.security import accepts_uploads
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from ..funding import drafts
from ..funding import queries as funding_queries
from ..funding.services import InvalidAfterGrant
from ..neighbourhoods import queries as area_queries
from ..neighbourhoods.models import Neighbourhood
from . import decisions, forms, history
from . import services as applicant

bp = Blueprint("applicant", __name__)


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refuse_stray_requests(form) -> bool:
    """A request for a programme the form does not offer (a stale page or a forged post) is refused
    as a whole rather than silently dropped: the applicant must know the money was not asked for."""
    stray = [name for name, value in request.form.items()
             if name.startswith("request_") and value.strip() and name not in form]
    if stray:
        form.section_errors.setdefault("form", []).append(_(
            "Aus einem der gewählten Förderprogramme kann hier nichts beantragt werden: In diesem Quartier ist "
            "dafür kein Budget offen. Bitte die Seite neu laden und ein angebotenes Förderprogramm wählen."))
    return bool(stray)


@bp.route("/antrag-stellen/<slug>", methods=["GET", "POST"])
def start(slug):
    neighbourhood = db.session.execute(
        sa.select(Neighbourhood).filter_by(slug=slug, active=True)).scalar_one_or_none()
    if neighbourhood is None:
        abort(404)
    form = forms.applicant_form(forms.PublicApplicationForm, neighbourhood.id)
    status = 200
    if request.method == "GET":
        form.year.data = forms.preferred_year(form)
    elif rows := form.wants_row(request.form):
        form.add_row(rows)
    elif _refuse_stray_requests(form):
        status = 422
    elif form.website.data:
        applicant.record_trap(request.remote_addr or "")
        form.section_errors["form"] = [_("Ihr Antrag konnte nicht gespeichert werden. Bitte lassen Sie das Feld "
                                         "„Bitte dieses Feld leer lassen“ leer.")]
        status = 422
    elif form.validate():
        try:
            app, token = applicant.start_application(neighbourhood, form.organisation_values(), form.to_input(),
                                                  ip=request.remote_addr or "")
        except application_services.InvalidApplication as error:
            form.attach(error.problems)
        except applicant.Throttled as error:
            form.section_errors["form"] = [error.message]
            return _render_start(neighbourhood, form, 429)
        else:
            flash(_("Ihr Antrag %(ref)s ist als Entwurf gespeichert.", ref=app.reference), "success")
            return redirect(url_for(".private", token=token, neu=1))
        status = 422
    else:
        status = 422
    return _render_start(neighbourhood, form, status)


def _render_start(neighbourhood, form, status):
    data = form.plan_preview()
    return render_template("applicant/start.html", neighbourhood=neighbourhood, form=form, data=data,
                           request_rows=form.request_rows(data), max_rows=application_forms.MAX_ROWS,
                           area=area_queries.area_status(neighbourhood.id)), status


def _load(token: str):
    app = applicant.find_by_token(token)
    if app is None:
        abort(404)
    return app


@bp.route("/antrag/<token>", methods=["GET", "POST"])
def private(token):
    app = _load(token)
    form = forms.applicant_form(forms.ApplicantForm, app.neighbourhood_id, app) if app.state == S.DRAFT else None
    status = 200
    if form is not None and request.method == "GET":
        form.fill_from(application_services.input_from_application(app))
        form.loaded_at.data = app.updated_at.isoformat()
    elif form is not None and (rows := form.wants_row(request.form)):
        form.add_row(rows)
    elif form is not None and request.method == "POST":
        status = 422
        if not _refuse_stray_requests(form) and form.validate():
            try:
                applicant.update_draft(app, form.to_input(), loaded_at=form.loaded_at.data)
            except application_services.InvalidApplication as error:
                form.attach(error.problems)
            except application_services.EditConflict as error:
                form.loaded_at.data = error.current.isoformat()
                form.section_errors["form"] = [error.message]
            except DomainError as error:
                flash(error.message, "error")
                return redirect(url_for(".private", token=token))
            else:
                flash(_("Änderungen gespeichert."), "success")
                return redirect(url_for(".private", token=token))
    elif request.method == "POST":
        abort(405)
    return _render_private(token, app, form, status=status)


def _render_private(token, app, form, *, answer_form=None, report_form=None, status=200):
    answer_form = answer_form or ReasonForm(prefix="antwort", formdata=None)
    answer_form.reason.label.text = _("Ihre Antwort")
    data = form.plan_preview() if form is not None else application_services.input_from_application(app)
    comments = db.session.execute(
        sa.select(ApplicationComment).where(ApplicationComment.application_id == app.id)
        .order_by(ApplicationComment.created_at, ApplicationComment.id)).scalars().all()
    decided = decisions.decision_state(app)
    rows = funding_queries.grant_rows(app) if app.state in AFTER_GRANT_STATES else []
    report_drafts = drafts.drafts_of(app) if rows else []
    may_report = bool(rows) and drafts.may_send_draft(app)
    return render_template(
        "applicant/private.html", app=app, token=token, form=form, state_labels=STATE_LABELS,
        data=data, request_rows=form.request_rows(data) if form is not None else [],
        max_rows=application_forms.MAX_ROWS, comments=comments, is_new=request.args.get("neu") == "1",
        problems=application_services.problems_before_forum(app) if app.state == S.DRAFT else [],
        submit_form=ReasonForm(prefix="einreichen", formdata=None),
        answer_form=answer_form, status_label=history.status_label(app.state, decided), decisions=decided,
        history=history.history(app, decided), grant_rows=rows, report_drafts=report_drafts,
        report_form=report_form or (forms.draft_report_form(rows) if may_report else None),
        max_upload_mb=attachments.max_bytes() // (1024 * 1024),
    ), status


@bp.post("/antrag/<token>/einreichen")
def submit(token):
    app = _load(token)
    if not ReasonForm(prefix="einreichen").validate():
        abort(400)
    try:
        applicant.submit(app, token)
    except application_services.InvalidApplication as error:
        flash(_("Der Antrag kann noch nicht eingereicht werden: %(problems)s",
                problems=" ".join(p.message for p in error.problems)), "error")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Vielen Dank! Ihr Antrag ist eingereicht. Das Quartiersmanagement meldet sich bei Ihnen."),
              "success")
    return redirect(url_for(".private", token=token))


@bp.post("/antrag/<token>/antwort")
def answer(token):
    app = _load(token)
    form = ReasonForm(prefix="antwort")
    if form.validate():
        try:
            applicant.answer(app, form.reason.data)
        except DomainError as error:
            if error.field != "reason" or not show_error_at(form, error):
                flash(error.message, "error")
                return redirect(url_for(".private", token=token))
        else:
            flash(_("Danke für Ihre Antwort. Das Quartiersmanagement prüft den Antrag weiter."), "success")
            return redirect(url_for(".private", token=token))
    return _render_private(token, app, None, answer_form=form, status=422)


@bp.get("/antrag/<token>/beschluss/<int:decision_id>.pdf")
def decision_letter(token, decision_id):
    app = _load(token)
    pdf = decisions.letter_pdf(app, decision_id)
    if pdf is None:
        abort(404)
    return pdf, 200, {"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
                      "Content-Disposition": attachments.content_disposition(
                          _("Beschlussmitteilung-%(reference)s.pdf", reference=app.reference))}


@bp.post("/antrag/<token>/verwendungsnachweis")
@accepts_uploads
def report_draft(token):
    app = _load(token)
    rows = funding_queries.grant_rows(app)
    form = forms.draft_report_form(rows, submitted=True)
    if form.validate():
        uploads = form.uploads()
        try:
            drafts.submit_draft(app, narrative=form.narrative.data or "", actual_cost_cents=form.actual_cost.data,
                                spent={row.grant.id: f.data for row, f in form.spent_fields},
                                uploads=[(f.stream, f.filename or "") for f in uploads])
        except InvalidAfterGrant as error:
            form.attach(error.problems)
        except DomainError as error:
            if error.field == "file":
                form.files.errors = [*form.files.errors, error.message]
            else:
                flash(error.message, "error")
                return redirect(url_for(".private", token=token))
        else:
            flash(_("Danke! Ihr Verwendungsnachweis liegt jetzt dem Quartiersmanagement vor. Es prüft ihn und "
                    "meldet sich, falls etwas fehlt."), "success")
            return redirect(url_for(".private", token=token) + "#verwendungsnachweis")
    return _render_private(token, app, None, report_form=form, status=422)


@bp.route("/link-verloren", methods=["GET", "POST"])
def lost_link():
    form = forms.LostLinkForm()
    sent, problem, status = False, None, 200
    if request.method == "POST":
        if form.validate():
            try:
                # The page says the same whether anything matched: it must not tell who applied.
                applicant.resend_link(form.reference.data, form.email.data, ip=request.remote_addr or "")
            except applicant.Throttled as error:
                problem, status = error.message, 429
            else:
                sent = True
        else:
            status = 422
    return render_template("applicant/lost_link.html", form=form, sent=sent, problem=problem), status

"""The page after the grant (Abwicklung): payouts, the proof of use, closing.

Blueprint ``funding``; its URLs hang below the application's
(``/quartiere/<slug>/antraege/<id>/abwicklung``): load → check access →
validate → one call into ``services`` → redirect or render.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..applications import attachments
from ..applications.forms import ReasonForm
from ..applications.lifecycle import STATE_LABELS
from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..auth.permissions import Action, authorize, can, scoped_or_404
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from ..money import format_eur
from . import drafts, queries, rules, services, showcase
from .forms import ProjectPhotoForm, ProjectReportForm, payout_form, report_form
from .models import UseOfFundsDraftFile

bp = Blueprint("funding", __name__)


def _load(slug, application_id, action):
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Application, application_id, neighbourhood)


def _render(neighbourhood, app, *, payout=None, report=None, back=None, draft_back=None, project_report=None,
            photo=None, status=200):
    rows = queries.grant_rows(app)
    may_manage = can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS)
    stored = queries.report_of(app)
    back = back or ReasonForm(prefix="back", formdata=None)
    back.reason.label.text = _("Was ist am Verwendungsnachweis zu korrigieren?")
    return render_template(
        "funding/after_grant.html", neighbourhood=neighbourhood, app=app, rows=rows,
        payouts=queries.payouts(app), report=stored, state_labels=STATE_LABELS, may_manage=may_manage,
        payable=may_manage and rows and app.state in rules.PAYABLE_STATES,
        reportable=may_manage and rows and app.state in rules.REPORTABLE_STATES,
        decidable=may_manage and app.state == S.REPORT_SUBMITTED,
        payout_form=payout or payout_form(rows), report_form=report or report_form(rows, stored),
        back_form=back,
        drafts=drafts.drafts_of(app), draft_back_form=draft_back or _draft_back_form(formdata=None),
        take_over_form=ReasonForm(prefix="take-over", formdata=None),
        accept_form=ReasonForm(prefix="accept", formdata=None),
        totals={"granted": sum(r.grant.amount_cents for r in rows), "paid": sum(r.paid_cents for r in rows)},
        **_showcase(app, may_manage, project_report, photo),
    ), status


def _showcase(app, may_manage, project_report, photo) -> dict:
    """The project's public report and photos, with their forms where the QM may keep them."""
    stored = showcase.report_of(app)
    if project_report is None:
        project_report = ProjectReportForm(prefix="project", formdata=None)
        project_report.text.data = stored.text if stored else ""
    return {"showcase_open": may_manage and app.state in showcase.SHOWCASE_STATES,
            "project_report": stored, "photos": showcase.photos_of(app), "max_photos": showcase.MAX_PHOTOS,
            "project_report_form": project_report,
            "photo_form": photo or ProjectPhotoForm(prefix="photo", formdata=None)}


def _page(slug, app):
    return url_for(".after_grant_page", slug=slug, application_id=app.id)


@bp.get("/quartiere/<slug>/antraege/<int:application_id>/abwicklung")
@login_required
def after_grant_page(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.READ)
    return _render(neighbourhood, app)


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/abwicklung/auszahlung")
@login_required
def record_payout(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    form = payout_form(queries.grant_rows(app), formdata=request.form)
    if form.validate():
        try:
            payout = services.record_payout(app, form.grant_id.data, form.amount.data, form.paid_on.data,
                                               memo=form.memo.data or "", user=current_user)
        except services.InvalidAfterGrant as error:
            for problem in error.problems:
                target = form._fields.get(problem.field or "amount", form.amount)
                target.errors = [*target.errors, problem.message]
        except DomainError as error:
            flash(error.message, "error")
            return redirect(_page(slug, app))
        else:
            flash(_("Auszahlung über %(amount)s erfasst.", amount=format_eur(payout.amount_cents)), "success")
            return redirect(_page(slug, app) + "#auszahlungen")
    return _render(neighbourhood, app, payout=form, status=422)


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/abwicklung/verwendungsnachweis")
@login_required
def submit_report(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    rows = queries.grant_rows(app)
    form = report_form(rows, formdata=request.form)
    if form.validate():
        try:
            services.submit_report(
                app, submitted_on=form.submitted_on.data, actual_cost_cents=form.actual_cost.data,
                spent={row.grant.id: f.data for row, f in form.spent_fields}, notes=form.notes.data or "",
                user=current_user)
        except services.InvalidAfterGrant as error:
            form.attach(error.problems)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(_page(slug, app))
        else:
            flash(_("Verwendungsnachweis erfasst. Neuer Status: %(state)s.", state=STATE_LABELS[app.state]),
                  "success")
            return redirect(_page(slug, app))
    return _render(neighbourhood, app, report=form, status=422)


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/abwicklung/korrektur")
@login_required
def return_report(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    form = ReasonForm(prefix="back")
    if form.validate():
        try:
            services.return_report(app, reason=form.reason.data or "", user=current_user)
        except DomainError as error:
            if error.field != "reason" or not show_error_at(form, error):
                flash(error.message, "error")
                return redirect(_page(slug, app))
        else:
            flash(_("Verwendungsnachweis zur Korrektur zurückgegeben."), "success")
            return redirect(_page(slug, app))
    return _render(neighbourhood, app, back=form, status=422)


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/abwicklung/abschluss")
@login_required
def accept_report(slug, application_id):
    _neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    if not ReasonForm(prefix="accept").validate():
        flash(_("Das Formular ist abgelaufen. Bitte noch einmal versuchen."), "error")
        return redirect(_page(slug, app))
    try:
        report = services.accept_report(app, user=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        message = _("Verwendungsnachweis angenommen, Projekt abgeschlossen.")
        if report.repayment_claim_cents:
            message += " " + _("Vom Träger zurückzufordern: %(amount)s.",
                               amount=format_eur(report.repayment_claim_cents))
        flash(message, "success")
    return redirect(_page(slug, app))


# --- the Träger's draft (sent through the private link) --------------------------------------------


def _draft_back_form(formdata=None):
    form = ReasonForm(prefix="draft-back", formdata=formdata)
    form.reason.label.text = _("Was soll der Träger ändern?")
    return form


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/abwicklung/entwurf/<int:draft_id>/uebernehmen")
@login_required
def take_over_draft(slug, application_id, draft_id):
    _neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    if not ReasonForm(prefix="take-over").validate():
        flash(_("Das Formular ist abgelaufen. Bitte noch einmal versuchen."), "error")
        return redirect(_page(slug, app))
    try:
        drafts.take_over(app, draft_id, user=current_user)
    except DomainError as error:
        flash(_("Der Entwurf kann so nicht übernommen werden: %(problem)s Bitte geben Sie ihn zurück oder erfassen "
                "Sie den Verwendungsnachweis selbst.", problem=error.message), "error")
    else:
        flash(_("Verwendungsnachweis des Trägers übernommen. Neuer Status: %(state)s.",
                state=STATE_LABELS[app.state]), "success")
    return redirect(_page(slug, app) + "#verwendungsnachweis")


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/abwicklung/entwurf/<int:draft_id>/zurueckgeben")
@login_required
def return_draft(slug, application_id, draft_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    form = _draft_back_form(formdata=request.form)
    if form.validate():
        try:
            drafts.return_draft(app, draft_id, reason=form.reason.data or "", user=current_user)
        except DomainError as error:
            if error.field != "reason" or not show_error_at(form, error):
                flash(error.message, "error")
                return redirect(_page(slug, app))
        else:
            flash(_("Der Entwurf ist an den Träger zurückgegeben."), "success")
            return redirect(_page(slug, app) + "#entwurf")
    return _render(neighbourhood, app, draft_back=form, status=422)


@bp.get("/quartiere/<slug>/antraege/<int:application_id>/abwicklung/entwurf-datei/<int:file_id>")
@login_required
def draft_file(slug, application_id, file_id):
    _neighbourhood, app = _load(slug, application_id, Action.READ)
    stored = db.session.get(UseOfFundsDraftFile, file_id)
    if stored is None or stored.draft.application_id != app.id:
        abort(404)
    path = attachments.folder() / stored.storage_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=stored.media_type, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = attachments.content_disposition(stored.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

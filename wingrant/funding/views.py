"""The page after the grant (Abwicklung): payouts, the proof of use, closing.

Blueprint ``funding``; its URLs hang below the application's
(``/quartiere/<slug>/antraege/<id>/abwicklung``): load → check access →
validate → one call into ``services`` → redirect or render.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..applications.forms import ReasonForm
from ..applications.lifecycle import STATE_LABELS
from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..auth.permissions import Action, authorize, can, scoped_or_404
from ..errors import DomainError
from ..fields import show_error_at
from ..money import format_eur
from . import queries, rules, services
from .forms import payout_form, report_form

bp = Blueprint("funding", __name__)


def _load(slug, application_id, action):
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Application, application_id, neighbourhood)


def _render(neighbourhood, app, *, payout=None, report=None, back=None, status=200):
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
        accept_form=ReasonForm(prefix="accept", formdata=None),
        totals={"granted": sum(r.grant.amount_cents for r in rows), "paid": sum(r.paid_cents for r in rows)},
    ), status


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

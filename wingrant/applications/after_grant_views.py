"""The page after the grant (Abwicklung): payouts, the proof of use, closing.

Routes of the applications blueprint (registered by ``views``): load → check
access → validate → one call into ``after_grant`` → redirect or render.
"""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..auth.permissions import Action, authorize, can, scoped_or_404
from ..errors import DomainError
from ..fields import MoneyField
from ..money import format_eur
from . import after_grant
from .forms import ReasonForm
from .lifecycle import STATE_LABELS
from .models import Application
from .views import bp


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PayoutForm(FlaskForm):
    grant_id = SelectField(_l("Bewilligung"), coerce=int)
    paid_on = DateField(_l("Ausgezahlt am"), format=["%Y-%m-%d", "%d.%m.%Y"], validators=[Optional()])
    amount = MoneyField(_l("Betrag"), required=True)
    memo = StringField(_l("Vermerk (z. B. Mittelabruf vom …)"), filters=[_strip], validators=[Length(max=500)])


class ReportForm(FlaskForm):
    """Build it with ``report_form(rows)``: one "spent" field per grant."""

    submitted_on = DateField(_l("Eingegangen am"), format=["%Y-%m-%d", "%d.%m.%Y"], validators=[Optional()])
    actual_cost = MoneyField(_l("Tatsächliche Gesamtkosten"), required=True, allow_zero=True)
    notes = TextAreaField(_l("Anmerkungen"), filters=[_strip], validators=[Length(max=10_000)],
                          render_kw={"rows": 3})

    @property
    def spent_fields(self):
        return [(row, self[after_grant.spent_field(row.grant.id)]) for row in self._rows]

    def attach(self, problems) -> None:
        for problem in problems:
            target = self._fields.get(problem.field or "") or self.actual_cost
            target.errors = [*target.errors, problem.message]


def payout_form(rows, formdata=None) -> PayoutForm:
    form = PayoutForm(prefix="payout", formdata=formdata)
    form.grant_id.choices = [(r.grant.id, _("%(programme)s – Bescheid %(number)s", programme=r.programme_name,
                                            number=r.grant.number)) for r in rows]
    if formdata is None:
        form.paid_on.data = date.today()
    return form


def report_form(rows, report=None, formdata=None) -> ReportForm:
    attrs = {after_grant.spent_field(r.grant.id): MoneyField(
        _l("Davon ausgegeben aus %(programme)s", programme=r.programme_name), required=True, allow_zero=True)
        for r in rows}
    form_class = type("BoundReportForm", (ReportForm,), attrs)
    form = form_class(prefix="report", formdata=formdata)
    form._rows = list(rows)
    if formdata is None:
        form.submitted_on.data = report.submitted_on if report else date.today()
        if report:
            form.actual_cost.data = report.actual_cost_cents
            form.notes.data = report.notes
        for row, f in form.spent_fields:
            f.data = row.spent_cents
    return form


def _load(slug, application_id, action):
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Application, application_id, neighbourhood)


def _render(neighbourhood, app, *, payout=None, report=None, back=None, status=200):
    rows = after_grant.grant_rows(app)
    may_manage = can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS)
    stored = after_grant.report_of(app)
    back = back or ReasonForm(prefix="back", formdata=None)
    back.reason.label.text = _("Was ist am Verwendungsnachweis zu korrigieren?")
    return render_template(
        "applications/after_grant.html", neighbourhood=neighbourhood, app=app, rows=rows,
        payouts=after_grant.payouts(app), report=stored, state_labels=STATE_LABELS, may_manage=may_manage,
        payable=may_manage and rows and app.state in after_grant.PAYABLE_STATES,
        reportable=may_manage and rows and app.state in after_grant.REPORTABLE_STATES,
        decidable=may_manage and app.state == after_grant.S.REPORT_SUBMITTED,
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
    form = payout_form(after_grant.grant_rows(app), formdata=request.form)
    if form.validate():
        try:
            payout = after_grant.record_payout(app, form.grant_id.data, form.amount.data, form.paid_on.data,
                                               memo=form.memo.data or "", user=current_user)
        except after_grant.InvalidAfterGrant as error:
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
    rows = after_grant.grant_rows(app)
    form = report_form(rows, formdata=request.form)
    if form.validate():
        try:
            after_grant.submit_report(
                app, submitted_on=form.submitted_on.data, actual_cost_cents=form.actual_cost.data,
                spent={row.grant.id: f.data for row, f in form.spent_fields}, notes=form.notes.data or "",
                user=current_user)
        except after_grant.InvalidAfterGrant as error:
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
            after_grant.return_report(app, reason=form.reason.data or "", user=current_user)
        except DomainError as error:
            if error.field != "reason":
                flash(error.message, "error")
                return redirect(_page(slug, app))
            form.reason.errors = [error.message]
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
        report = after_grant.accept_report(app, user=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        message = _("Verwendungsnachweis angenommen, Projekt abgeschlossen.")
        if report.repayment_claim_cents:
            message += " " + _("Vom Träger zurückzufordern: %(amount)s.",
                               amount=format_eur(report.repayment_claim_cents))
        flash(message, "success")
    return redirect(_page(slug, app))

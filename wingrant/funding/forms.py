"""Forms of the funding feature: a payout, and the proof of use with one "spent" field per grant."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..fields import MoneyField, strip
from .rules import spent_field


class PayoutForm(FlaskForm):
    grant_id = SelectField(_l("Bewilligung"), coerce=int)
    paid_on = DateField(_l("Ausgezahlt am"), format=["%Y-%m-%d", "%d.%m.%Y"], validators=[Optional()])
    amount = MoneyField(_l("Betrag"), required=True)
    memo = StringField(_l("Vermerk (z. B. Mittelabruf vom …)"), filters=[strip], validators=[Length(max=500)])


class ReportForm(FlaskForm):
    """Build it with ``report_form(rows)``: one "spent" field per grant."""

    submitted_on = DateField(_l("Eingegangen am"), format=["%Y-%m-%d", "%d.%m.%Y"], validators=[Optional()])
    actual_cost = MoneyField(_l("Tatsächliche Gesamtkosten"), required=True, allow_zero=True)
    notes = TextAreaField(_l("Anmerkungen"), filters=[strip], validators=[Length(max=10_000)],
                          render_kw={"rows": 3})

    @property
    def spent_fields(self):
        return [(row, self[spent_field(row.grant.id)]) for row in self._rows]

    def attach(self, problems) -> None:
        for problem in problems:
            target = self._fields.get(problem.field or "") or self.actual_cost
            target.errors = [*target.errors, problem.message]


def payout_form(rows, formdata=None, **kwargs) -> PayoutForm:
    form = PayoutForm(prefix="payout", formdata=formdata, **kwargs)
    form.grant_id.choices = [(r.grant.id, _("%(programme)s – Bescheid %(number)s", programme=r.programme_name,
                                            number=r.grant.number)) for r in rows]
    if formdata is None:
        form.paid_on.data = date.today()
    return form


def report_form(rows, report=None, formdata=None) -> ReportForm:
    attrs = {spent_field(r.grant.id): MoneyField(
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

"""Forms of the funding feature: a payout, and the proof of use with one "spent" field per grant."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..fields import PUBLIC_TEXT_HINT, MoneyField, strip
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


SHORT = Length(max=300, message=_l("Höchstens 300 Zeichen."))


class ProjectReportForm(FlaskForm):
    """The project's public report (shown on its portal page)."""

    text = TextAreaField(_l("Kurzbericht für die Öffentlichkeit"), filters=[strip],
                         validators=[Length(max=2000, message=_l("Höchstens 2000 Zeichen."))],
                         render_kw={"rows": 5},
                         description=PUBLIC_TEXT_HINT)


class ProjectPhotoForm(FlaskForm):
    photo = FileField(_l("Foto (JPEG, PNG oder WebP)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    alt_text = StringField(_l("Was ist zu sehen?"), filters=[strip], validators=[SHORT],
                           description=_l("Für Menschen, die das Foto nicht sehen können, z. B. „Kinder "
                                          "pflanzen Blumen im Hochbeet vor dem Quartierstreff“."))
    caption = StringField(_l("Bildunterschrift (freiwillig)"), filters=[strip], validators=[SHORT],
                          description=PUBLIC_TEXT_HINT)
    consent = BooleanField(_l("Auf dem Foto ist niemand erkennbar, oder alle Abgebildeten (bei Kindern die "
                              "Eltern) haben der Veröffentlichung zugestimmt."))


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

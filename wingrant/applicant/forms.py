"""The applicant's forms: the project through the private link, the first form with the Träger, the
Verwendungsnachweis and the request for a lost link."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..applications import queries
from ..applications.forms import ApplicationForm, application_form
from ..fields import MoneyField, strip
from ..funding.rules import spent_field
from ..neighbourhoods.models import Programme
from ..organisations.forms import email_address, german_postcode


class ApplicantForm(ApplicationForm):
    """What an applicant edits through the private link: the project, not the Träger."""

    organisation_id = None
    contact_email = None


class PublicApplicationForm(ApplicantForm):
    """The first form of an applicant without an account: the Träger and the project together."""

    org_name = StringField(_l("Name des Trägers"), filters=[strip],
                           validators=[DataRequired(_l("Bitte den Namen des Trägers angeben.")), Length(max=200)],
                           render_kw={"autocomplete": "organization"})
    legal_form = StringField(_l("Rechtsform"), filters=[strip], validators=[Length(max=80)])
    street = StringField(_l("Straße und Hausnummer"), filters=[strip], validators=[Length(max=200)],
                         render_kw={"autocomplete": "street-address"})
    postcode = StringField(_l("PLZ"), filters=[strip], validators=[Length(max=10), german_postcode],
                           render_kw={"autocomplete": "postal-code", "inputmode": "numeric"})
    city = StringField(_l("Ort"), filters=[strip], default="Bremen", validators=[Length(max=100)])
    contact_person = StringField(_l("Ansprechperson"), filters=[strip],
                                 validators=[DataRequired(_l("Bitte eine Ansprechperson angeben.")),
                                             Length(max=200)], render_kw={"autocomplete": "name"})
    email = StringField(_l("E-Mail"), filters=[strip],
                        validators=[DataRequired(_l("Bitte eine E-Mail-Adresse angeben.")), Length(max=254),
                                    email_address], render_kw={"type": "email", "autocomplete": "email"})
    phone = StringField(_l("Telefon"), filters=[strip], validators=[Length(max=50)],
                        render_kw={"type": "tel", "autocomplete": "tel"})
    non_profit = BooleanField(_l("Gemeinnützig"))
    #: A trap for robots: people do not see it (and are asked to leave it empty if they do).
    website = StringField(_l("Bitte dieses Feld leer lassen"), render_kw={"autocomplete": "off", "tabindex": "-1"})

    def organisation_values(self) -> dict:
        return {"name": self.org_name.data, "legal_form": self.legal_form.data or "", "street": self.street.data or "",
                "postcode": self.postcode.data or "", "city": self.city.data or "",
                "contact_person": self.contact_person.data, "email": self.email.data, "phone": self.phone.data or "",
                "non_profit": bool(self.non_profit.data)}


def applicant_form(base, neighbourhood_id: int, app=None):
    """The applicant's form: only years and programmes with an open budget in the neighbourhood (and what
    a stored draft already holds). ``form.open_years`` says per programme in which years it is open."""
    years = queries.form_years(app.year if app else None)
    by_year = queries.open_budget_programmes(neighbourhood_id, years)
    offered = [y for y in years if by_year[y] or (app is not None and y == app.year)] or [date.today().year]
    programmes: dict[int, Programme] = {}
    open_years: dict[int, list[int]] = {}
    for year in offered:
        for programme in by_year.get(year, []):
            programmes.setdefault(programme.id, programme)
            open_years.setdefault(programme.id, []).append(year)
    if app is not None:
        requested = {item.programme_id for item in app.financing_items}
        for programme in queries.requestable_programmes(app):
            if programme.id in requested:
                programmes.setdefault(programme.id, programme)
    form = application_form(
        base=base, programmes=sorted(programmes.values(), key=lambda p: (p.position, p.code)), organisations=[],
        field_groups=queries.field_groups([f.id for f in app.fields_of_action] if app else []), years=offered)
    form.open_years = open_years
    return form


def preferred_year(form) -> int:
    """This year where it is offered, else the first year with an open budget."""
    years = [value for value, _label in form.year.choices]
    return date.today().year if date.today().year in years else years[0]


class LostLinkForm(FlaskForm):
    """"Link verloren?": the application's reference and the contact address it was filed with."""

    reference = StringField(_l("Antragsnummer"), filters=[strip],
                            validators=[DataRequired(_l("Bitte die Antragsnummer angeben.")), Length(max=30)],
                            render_kw={"autocomplete": "off", "spellcheck": "false"})
    email = StringField(_l("E-Mail-Adresse"), filters=[strip],
                        validators=[DataRequired(_l("Bitte die E-Mail-Adresse angeben.")), Length(max=254),
                                    email_address], render_kw={"type": "email", "autocomplete": "email"})


class DraftReportForm(FlaskForm):
    """The Verwendungsnachweis through the private link; build it with ``draft_report_form(rows)``."""

    narrative = TextAreaField(_l("Sachbericht"), filters=[strip], validators=[Length(max=20_000)],
                              render_kw={"rows": 8})
    actual_cost = MoneyField(_l("Tatsächliche Gesamtkosten"), required=True, allow_zero=True)
    files = MultipleFileField(_l("Belege und Unterlagen (optional)"))

    @property
    def spent_fields(self):
        return [(row, self[spent_field(row.grant.id)]) for row in self._rows]

    def uploads(self) -> list:
        """The chosen files (a browser sends one empty part when none is chosen)."""
        return [f for f in (self.files.data or []) if getattr(f, "filename", "")]

    def attach(self, problems) -> None:
        for problem in problems:
            target = self._fields.get(problem.field or "") or self.actual_cost
            target.errors = [*target.errors, problem.message]


def draft_report_form(rows, *, submitted: bool = False) -> DraftReportForm:
    """Empty, or (``submitted``) filled from the request's form and files."""
    attrs = {spent_field(r.grant.id): MoneyField(
        _l("Davon ausgegeben aus %(programme)s", programme=r.programme_name), required=True, allow_zero=True)
        for r in rows}
    form_class = type("BoundDraftReportForm", (DraftReportForm,), attrs)
    form = form_class(prefix="nachweis") if submitted else form_class(prefix="nachweis", formdata=None)
    form._rows = list(rows)
    return form

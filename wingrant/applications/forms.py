"""Forms of the applications feature.

The application form has dynamic rows (cost plan, financing plan) that work
without JavaScript: ``FieldList``s render a few empty rows, empty rows are
ignored, and a "Zeile hinzufügen" submit button re-renders the form with one
more row. ``to_input()`` turns a validated form into the plain
``rules.ApplicationInput`` the services work with.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.i18n import translations as wtf_translations
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .. import money
from ..fields import MoneyField, WholeNumberField, strip, whole_number
from ..organisations.forms import email_address
from .models import CostCategory, FundingSource
from .rules import (
    PLAN_FIELD,
    ApplicationInput,
    CostLine,
    FundingLine,
    Problem,
    line_field,
    max_share_cents,
    request_field,
)

COST_CATEGORY_LABELS = {
    CostCategory.PERSONNEL: _l("Personal"),
    CostCategory.FEES: _l("Honorare"),
    CostCategory.MATERIAL: _l("Sachkosten"),
    CostCategory.INVESTMENT: _l("Investitionen"),
    CostCategory.OTHER: _l("Sonstiges"),
}
#: The financing lines that are not a programme request.
FUNDING_SOURCE_LABELS = {
    FundingSource.OWN_FUNDS: _l("Eigenmittel"),
    FundingSource.VOLUNTEER_WORK: _l("Bewertete ehrenamtliche Arbeit"),
    FundingSource.THIRD_PARTY: _l("Drittmittel"),
}

#: Rows a new form shows, and the most a form accepts.
COST_ROWS, FUNDING_ROWS, MAX_ROWS = 3, 2, 60


class _RowForm(Form):
    """A row of a dynamic table: entirely empty rows are ignored, filled ones must be complete."""

    class Meta:
        def get_translations(self, form):
            return wtf_translations

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("– bitte wählen –"))] + [(k.value, label) for k, label in self.kind_labels.items()]

    def is_blank(self) -> bool:
        return not any(_has_input(f) for f in self)

    def validate(self, extra_validators=None):
        if self.is_blank():
            for f in self:
                f.errors = []
            return True
        ok = super().validate(extra_validators)
        if not self.kind.data:
            self.kind.errors.append(self.kind_missing)
            ok = False
        if not (self.description.data or "").strip() and self.description_required:
            self.description.errors.append(_l("Bitte beschreiben, wofür der Betrag ist."))
            ok = False
        if self.amount.data is None and not self.amount.errors:
            self.amount.errors.append(money.MSG_EMPTY)
            ok = False
        return ok


class CostRowForm(_RowForm):
    kind = SelectField(_l("Kostenart"))
    description = StringField(_l("Beschreibung"), filters=[strip], validators=[Length(max=300)])
    amount = MoneyField(_l("Betrag"))
    kind_missing = _l("Bitte die Kostenart wählen.")
    description_required = True
    kind_labels = COST_CATEGORY_LABELS


class FundingRowForm(_RowForm):
    kind = SelectField(_l("Art der Mittel"))
    description = StringField(_l("Beschreibung (z. B. Geldgeber)"), filters=[strip],
                              validators=[Length(max=300)])
    amount = MoneyField(_l("Betrag"))
    kind_missing = _l("Bitte die Art der Mittel wählen.")
    description_required = False
    kind_labels = FUNDING_SOURCE_LABELS


def _has_input(field) -> bool:
    if isinstance(field, MoneyField):
        return bool(field.raw.strip()) if field.raw is not None else field.data is not None
    return bool(str(field.data or "").strip())


def _optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


class RequestRow(NamedTuple):
    """A programme's request field on the form, with the cap the programme's share allows."""

    programme: Any
    field: Any
    cap_cents: int
    #: The Förderschiene choice, for a programme with lines.
    line: Any = None


class ApplicationForm(FlaskForm):
    """Build it with ``application_form(...)``: the programme request fields are added per programme."""

    organisation_id = SelectField(_l("Träger"), coerce=_optional_int,
                                  validators=[DataRequired(_l("Bitte den Träger auswählen."))])
    title = StringField(_l("Titel des Projekts"), filters=[strip],
                        validators=[DataRequired(_l("Bitte einen Titel angeben.")), Length(max=200)])
    summary = TextAreaField(_l("Kurzbeschreibung (öffentlich)"), filters=[strip], validators=[Length(max=1000)],
                            render_kw={"rows": 3})
    description = TextAreaField(_l("Beschreibung"), filters=[strip], validators=[Length(max=20_000)],
                                render_kw={"rows": 6})
    goals = TextAreaField(_l("Ziele"), filters=[strip], validators=[Length(max=10_000)], render_kw={"rows": 4})
    fields_of_action = SelectMultipleField(_l("Handlungsfelder"), coerce=int, validate_choice=True)
    target_groups = TextAreaField(_l("Zielgruppen"), filters=[strip], validators=[Length(max=5_000)],
                                  render_kw={"rows": 2})
    expected_participants = WholeNumberField(
        _l("Erwartete Teilnehmende"), validators=[Optional(), NumberRange(min=0, max=1_000_000)],
        render_kw={"inputmode": "numeric"})
    place = StringField(_l("Ort"), filters=[strip], validators=[Length(max=200)])
    year = SelectField(_l("Förderjahr"), coerce=int)
    start_date = DateField(_l("Beginn"), format=["%Y-%m-%d", "%d.%m.%Y"], validators=[Optional()])
    end_date = DateField(_l("Ende"), format=["%Y-%m-%d", "%d.%m.%Y"], validators=[Optional()])
    contact_email = StringField(_l("E-Mail für Rückfragen zum Antrag"), filters=[strip],
                                validators=[Length(max=254), email_address],
                                render_kw={"autocomplete": "email", "type": "email"})
    costs = FieldList(FormField(CostRowForm), min_entries=COST_ROWS, max_entries=MAX_ROWS)
    funding = FieldList(FormField(FundingRowForm), min_entries=FUNDING_ROWS, max_entries=MAX_ROWS)
    #: The ``updated_at`` the editor started from: a save over someone else's change is refused.
    loaded_at = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Problems of whole sections ("plan", "costs") that belong to no single field.
        self.section_errors: dict[str, list[str]] = {}

    # --- the programme request fields, one per programme ------------------------

    @property
    def request_fields(self):
        return [(p, self[request_field(p.id)]) for p in self._programmes]

    @property
    def line_fields(self):
        """The Förderschiene choice of each programme with lines."""
        return [(p, self[line_field(p.id)]) for p in self._programmes if line_field(p.id) in self]

    def request_rows(self, data: ApplicationInput) -> list[RequestRow]:
        """The request fields with the most each programme may pay for the plan ``data`` as it stands."""
        return [RequestRow(p, f, max_share_cents(data.total_cost_cents, p.max_share_percent),
                           self[line_field(p.id)] if line_field(p.id) in self else None)
                for p, f in self.request_fields]

    # --- rows -----------------------------------------------------------------------

    def wants_row(self, formdata) -> str | None:
        """Which "Zeile hinzufügen" button was pressed, if any ("costs" or "funding")."""
        for name in ("costs", "funding"):
            if f"add_{name}_row" in formdata:
                return name
        return None

    def add_row(self, name: str) -> None:
        rows = self[name]
        if len(rows.entries) < MAX_ROWS:
            rows.append_entry()

    # --- data -----------------------------------------------------------------------

    def to_input(self) -> ApplicationInput:
        return ApplicationInput(
            organisation_id=self.organisation_id.data if "organisation_id" in self else None,
            title=self.title.data or "",
            year=self.year.data,
            summary=self.summary.data or "",
            description=self.description.data or "",
            goals=self.goals.data or "",
            target_groups=self.target_groups.data or "",
            expected_participants=self.expected_participants.data,
            place=self.place.data or "",
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            contact_email=self.contact_email.data or "" if "contact_email" in self else "",
            field_of_action_ids=list(self.fields_of_action.data or []),
            costs=[CostLine(CostCategory(row.kind.data), row.description.data or "", row.amount.data,
                            row=_row_index(entry))
                   for entry in self.costs.entries if not (row := entry.form).is_blank()],
            funding=[FundingLine(FundingSource(row.kind.data), row.amount.data, row.description.data or "",
                                 row=_row_index(entry))
                     for entry in self.funding.entries if not (row := entry.form).is_blank()],
            requests={p.id: f.data for p, f in self.request_fields if f.data},
            request_lines={p.id: f.data for p, f in self.line_fields if f.data},
        )

    def plan_preview(self) -> ApplicationInput:
        """The plan as far as it is filled in, for the totals on the page (incomplete rows count
        with their amount; nothing here is validated)."""

        def category(value, enum_cls, fallback):
            try:
                return enum_cls(value)
            except ValueError:
                return fallback

        return ApplicationInput(
            organisation_id=None, title="", year=0,
            costs=[CostLine(category(e.form.kind.data, CostCategory, CostCategory.OTHER), "", e.form.amount.data)
                   for e in self.costs.entries if e.form.amount.data],
            funding=[FundingLine(category(e.form.kind.data, FundingSource, FundingSource.OWN_FUNDS),
                                 e.form.amount.data)
                     for e in self.funding.entries if e.form.amount.data],
            requests={p.id: f.data for p, f in self.request_fields if f.data},
        )

    def fill_from(self, data: ApplicationInput) -> None:
        """Pre-fill an edit form from stored data (GET)."""
        for name in ("organisation_id", "title", "summary", "description", "goals", "target_groups",
                     "expected_participants", "place", "year", "start_date", "end_date", "contact_email"):
            if name in self:
                self[name].data = getattr(data, name)
        self.fields_of_action.data = list(data.field_of_action_ids)
        for rows, lines in ((self.costs, data.costs), (self.funding, data.funding)):
            while rows.entries:
                rows.pop_entry()
            for line in lines:
                rows.append_entry()
                row = rows.entries[-1].form
                row.kind.data = (line.category if isinstance(line, CostLine) else line.source).value
                row.description.data = line.description
                row.amount.data = line.amount_cents
            for _ in range(1 if lines else (COST_ROWS if rows is self.costs else FUNDING_ROWS)):
                rows.append_entry()
        for p, f in self.request_fields:
            f.data = data.requests.get(p.id)
        for p, f in self.line_fields:
            f.data = data.request_lines.get(p.id)

    # --- errors ---------------------------------------------------------------------

    def attach(self, problems: list[Problem]) -> None:
        """Show the services' problems next to their fields (or at their section)."""
        fields = dict(_leaf_fields(self))
        for problem in problems:
            target = fields.get(problem.field or "")
            if target is None:
                self.section_errors.setdefault(problem.field or PLAN_FIELD, []).append(problem.message)
            else:
                target.errors = [*target.errors, problem.message]

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor id, message) of every error, in the order of the page."""
        items = [(f.id, str(msg)) for _name, f in _leaf_fields(self) for msg in f.errors]
        for section, messages in self.section_errors.items():  # anchors rendered by _macros.section_errors
            items += [(f"{section}-errors", str(msg)) for msg in messages]
        return items


def _row_index(entry) -> int:
    return int(entry.name.rsplit("-", 1)[1])


def _leaf_fields(form):
    for f in form:
        if isinstance(f, FieldList):
            for entry in f.entries:
                yield from _leaf_fields(entry.form)
        elif isinstance(f, FormField):
            yield from _leaf_fields(f.form)
        elif f.type not in ("CSRFTokenField", "HiddenField"):
            yield f.name, f


def application_form(*, programmes, organisations, field_groups, years, formdata=None, base=None, **kwargs):
    """An ``ApplicationForm`` with one request field per programme and its choices filled in.

    ``programmes``: the programmes money can be requested from; ``organisations``:
    (id, name) pairs; ``field_groups``: [(programme name, [(id, name)])].
    """
    attrs = {request_field(p.id): MoneyField(_l("Beantragt aus %(programme)s", programme=p.name))
             for p in programmes}
    attrs |= {line_field(p.id): SelectField(_l("Förderschiene (%(programme)s)", programme=p.name),
                                            coerce=_optional_int, validate_choice=False,
                                            choices=[SelectChoice("", _l("– bitte wählen –"))]
                                            + [SelectChoice(line.id, line.name) for line in p.lines if line.active])
              for p in programmes if any(line.active for line in p.lines)}
    form_class = type("BoundApplicationForm", (base or ApplicationForm,), attrs)
    if formdata is not None:
        kwargs["formdata"] = formdata
    form = form_class(**kwargs)
    form._programmes = list(programmes)
    if "organisation_id" in form:
        form.organisation_id.choices = [("", _l("– bitte wählen –"))] + [(oid, name) for oid, name in organisations]
    form.year.choices = [(y, str(y)) for y in years]
    form.fields_of_action.choices = [(fid, name) for _group, items in field_groups for fid, name in items]
    form.field_groups = field_groups
    return form


class ReasonForm(FlaskForm):
    """A life-cycle step; the text is a reason, a question or an answer depending on the step."""

    reason = TextAreaField(_l("Begründung"), filters=[strip], validators=[Length(max=10_000)],
                           render_kw={"rows": 3})


class AttachmentForm(FlaskForm):
    file = FileField(_l("Datei"), validators=[FileRequired(_l("Bitte eine Datei auswählen."))],
                     description=_l("PDF, PNG, JPEG, DOCX, XLSX oder ODT"))


class ApplicationFilterForm(Form):
    """The list's filters (GET, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

        def get_translations(self, form):
            return wtf_translations

    q = StringField(_l("Suche nach Titel oder Träger"), filters=[strip], validators=[Length(max=100)])
    state = SelectField(_l("Status"), validate_choice=False)
    year = SelectField(_l("Jahr"), validate_choice=False)
    programme = SelectField(_l("Förderprogramm"), validate_choice=False)
    organisation = SelectField(_l("Träger"), validate_choice=False)
    field = SelectField(_l("Handlungsfeld"), validate_choice=False)
    sort = SelectField(_l("Sortierung"), validate_choice=False)


def parse_int(value) -> int | None:
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        return None

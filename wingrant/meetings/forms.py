"""Forms of the meetings feature. Labels and messages German via Babel; money through money.parse."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateField, EmailField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from ..fields import PUBLIC_TEXT_HINT, MoneyField, whole_number
from .consensus import REASON_CATEGORY_CHOICES, Outcome
from .labels import GROUPS, OUTCOMES, REASON_CATEGORIES
from .models import AttendeeGroup

TEXT_MAX = 10_000


class GermanDateField(DateField):
    """A date input (type=date) that also accepts German input such as 24.12.2026."""

    FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        self.raw_text = text
        if not text:
            self.data = None
            return
        for fmt in self.FORMATS:
            try:
                self.data = datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_("„%(text)s“ ist kein gültiges Datum. Beispiel: 24.12.2026", text=text[:40]))


class GermanTimeField(TimeField):
    FORMATS = ("%H:%M", "%H.%M", "%H:%M:%S")

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        for fmt in self.FORMATS:
            try:
                self.data = datetime.strptime(text, fmt).time()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_("„%(text)s“ ist keine gültige Uhrzeit. Beispiel: 18:30", text=text[:20]))


class CountField(IntegerField):
    """A whole number of people or votes, 0 or more."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        if not text.isascii() or not text.isdigit():
            raise ValueError(_("Bitte eine ganze Zahl ab 0 eingeben."))
        self.data = int(text)
        if self.data > 100_000:
            raise ValueError(_("Diese Zahl ist zu groß."))


def _text(label, max_length=TEXT_MAX, validators=(), **kw):
    return TextAreaField(label, validators=[*validators, Length(max=max_length)], **kw)


class ButtonForm(FlaskForm):
    """A form that is only a button: CSRF token and nothing else."""


class MeetingForm(FlaskForm):
    date = GermanDateField(_l("Datum"), validators=[InputRequired(_l("Bitte das Datum der Sitzung angeben."))])
    starts_at = GermanTimeField(_l("Beginn"), validators=[Optional()])
    ends_at = GermanTimeField(_l("Ende"), validators=[Optional()])
    place = StringField(_l("Ort"), validators=[Length(max=200)], render_kw={"autocomplete": "off"})
    address = StringField(_l("Adresse"), validators=[Length(max=300)])
    online = BooleanField(_l("Online-Sitzung (oder zusätzlich online)"))
    invitation_text = _text(_l("Einladungstext"), render_kw={"rows": 6})

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_("Das Ende muss nach dem Beginn liegen."))


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Titel des Tagesordnungspunkts"),
                        validators=[InputRequired(_l("Bitte einen Titel angeben.")), Length(max=300)])


class NotesForm(FlaskForm):
    notes = _text(_l("Notizen zum Protokoll"), render_kw={"rows": 4}, description=PUBLIC_TEXT_HINT)


class AddApplicationsForm(FlaskForm):
    application_ids = SelectMultipleField(
        _l("Beschlussreife Anträge"), coerce=whole_number, widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(), validate_choice=False,
        validators=[InputRequired(_l("Bitte mindestens einen Antrag auswählen."))])


class NavigateForm(FlaskForm):
    item_id = SelectField(_l("Tagesordnungspunkt aufrufen"), coerce=whole_number, validate_choice=False)


def head_count_form(counts: dict, formdata=None, meta=None) -> FlaskForm:
    class HeadCountForm(FlaskForm):
        pass

    for group in AttendeeGroup:
        setattr(HeadCountForm, f"count_{group.value}",
                CountField(GROUPS[group], validators=[Optional()], render_kw={"inputmode": "numeric"}))
    form = HeadCountForm(prefix="heads", formdata=formdata, meta=meta)
    if formdata is None:
        for group in AttendeeGroup:
            getattr(form, f"count_{group.value}").data = counts.get(group, 0)
    return form


GROUP_CHOICES = [SelectChoice(g.value, GROUPS[g]) for g in AttendeeGroup]


class AttendeeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_l("Bitte einen Namen angeben.")), Length(max=200)])
    group = SelectField(_l("Gruppe"), choices=GROUP_CHOICES)
    organisation = StringField(_l("Einrichtung / Organisation"), validators=[Length(max=200)])
    email = EmailField(_l("E-Mail (für den Protokollentwurf, freiwillig)"), validators=[Length(max=254)])
    apologised = BooleanField(_l("entschuldigt (nicht anwesend)"))
    consent_to_publish = BooleanField(_l("Einverstanden, dass der Name im Protokoll veröffentlicht wird"))


#: Names are picked from the attendance list (a <datalist> on the live page), or typed.
ATTENDEE_LIST = {"list": "anwesende", "autocomplete": "off"}


class ObjectionForm(FlaskForm):
    group = SelectField(_l("Einwand von"),
                        choices=[SelectChoice("", _l("einer einzelnen Person (Name unten)"))] + GROUP_CHOICES)
    person_name = StringField(_l("Name der Person"), validators=[Length(max=200)], render_kw=ATTENDEE_LIST)
    reason = _text(_l("Begründung des Einwands"), render_kw={"rows": 2}, description=PUBLIC_TEXT_HINT)
    consent_to_publish = BooleanField(_l("Name darf im Protokoll stehen"))


class RecusalForm(FlaskForm):
    person_name = StringField(_l("Name der befangenen Person"),
                              validators=[InputRequired(_l("Bitte den Namen der befangenen Person angeben.")),
                                          Length(max=200)], render_kw=ATTENDEE_LIST)
    organisation = StringField(_l("Verbunden mit (Träger / Organisation)"), validators=[Length(max=200)])
    reason = _text(_l("Grund der Befangenheit"), render_kw={"rows": 2}, description=PUBLIC_TEXT_HINT)
    consent_to_publish = BooleanField(_l("Name darf im Protokoll stehen"))


def _add_amount_fields(form_class, programmes) -> None:
    for p in programmes:
        setattr(form_class, f"amount_{p.id}",
                MoneyField(_("Betrag %(programme)s (in €)", programme=p.name), allow_zero=True,
                           render_kw={"inputmode": "decimal", "autocomplete": "off"}))


def outcome_form(programmes, *, correcting: bool, vote_open: bool, formdata=None, defaults=None,
                 meta=None) -> FlaskForm:
    """The outcome of one application item; amount fields per requested programme."""

    class OutcomeForm(FlaskForm):
        outcome = RadioField(_l("Ergebnis"), choices=[SelectChoice(o.value, OUTCOMES[o]) for o in Outcome],
                             validate_choice=False, validators=[InputRequired(_l("Bitte ein Ergebnis wählen."))])
        conditions = _text(_l("Auflagen / Änderungen"), render_kw={"rows": 2}, description=PUBLIC_TEXT_HINT)
        reason = _text(_l("Begründung (bei Vertagung, Ablehnung, Rücknahme nötig)"), render_kw={"rows": 2},
                       description=PUBLIC_TEXT_HINT)
        reason_category = SelectField(
            _l("Warum kein oder weniger Geld?"),
            choices=[SelectChoice("", _l("– bitte wählen –"))]
            + [SelectChoice(c.value, REASON_CATEGORIES[c]) for c in REASON_CATEGORY_CHOICES],
            validate_choice=False, default="",
            description=_l("Nötig bei Vertagung, Ablehnung und bei weniger Geld als beantragt: so wird sichtbar, "
                           "wie viel aus Geldmangel nicht gefördert werden konnte."))

        def validate_reason_category(self, field):
            if field.data and field.data not in {c.value for c in REASON_CATEGORY_CHOICES}:
                raise ValidationError(_("Bitte einen der angebotenen Gründe wählen."))

        def validate_outcome(self, field):
            if field.data not in {o.value for o in Outcome}:
                raise ValidationError(_("Bitte ein Ergebnis wählen."))

    _add_amount_fields(OutcomeForm, programmes)
    if vote_open:
        OutcomeForm.votes_yes = CountField(_l("Ja-Stimmen"), validators=[Optional()])
        OutcomeForm.votes_no = CountField(_l("Nein-Stimmen"), validators=[Optional()])
        OutcomeForm.votes_abstain = CountField(_l("Enthaltungen"), validators=[Optional()])
    if correcting:
        OutcomeForm.correction_reason = _text(
            _l("Warum wird der Beschluss korrigiert?"), max_length=2000, render_kw={"rows": 2},
            validators=[InputRequired(_l("Bitte angeben, warum der Beschluss korrigiert wird."))])
    form = OutcomeForm(prefix="outcome", formdata=formdata, meta=meta)
    if formdata is None and defaults:
        for name, value in defaults.items():
            if hasattr(form, name):
                getattr(form, name).data = value
    return form


class ReopenForm(FlaskForm):
    reopen_reason = _text(_l("Warum wird der Beschluss zurückgenommen?"), max_length=2000, render_kw={"rows": 2},
                          validators=[InputRequired(_l("Bitte angeben, warum der Beschluss zurückgenommen wird."))])


def admin_decision_form(programmes, formdata=None, defaults=None) -> FlaskForm:
    class AdminDecisionForm(FlaskForm):
        outcome = RadioField(_l("Entscheidung der Geschäftsführung"),
                             choices=[SelectChoice(o.value, OUTCOMES[o]) for o in
                                      (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES, Outcome.REJECTED)],
                             validate_choice=False, validators=[InputRequired(_l("Bitte eine Entscheidung wählen."))])
        conditions = _text(_l("Auflagen / Änderungen"), render_kw={"rows": 2}, description=PUBLIC_TEXT_HINT)
        reason = _text(_l("Begründung"), render_kw={"rows": 2}, description=PUBLIC_TEXT_HINT)

    _add_amount_fields(AdminDecisionForm, programmes)
    form = AdminDecisionForm(prefix="admin", formdata=formdata)
    if formdata is None and defaults:
        for name, value in defaults.items():
            getattr(form, name).data = value
    return form


def grant_form(programmes, formdata=None, defaults=None) -> FlaskForm:
    class GrantForm(FlaskForm):
        pass

    for p in programmes:
        setattr(GrantForm, f"number_{p.id}", StringField(_("Bescheidnummer %(programme)s", programme=p.name),
                                                        validators=[Length(max=60)]))
        setattr(GrantForm, f"granted_on_{p.id}", GermanDateField(_("Bescheid vom (%(programme)s)",
                                                                   programme=p.name), validators=[Optional()]))
        setattr(GrantForm, f"amount_{p.id}", MoneyField(_("Bewilligter Betrag %(programme)s (in €)",
                                                          programme=p.name), required=True))
    form = GrantForm(prefix="grant", formdata=formdata)
    if formdata is None and defaults:
        for name, value in defaults.items():
            getattr(form, name).data = value
    return form


class SignalForm(FlaskForm):
    """A signal from the room (public live page). The kind is the button pressed; the rules (code,
    current item, one per device) are the service's (``signals.submit``)."""

    item_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    code = StringField(_l("Code aus dem Saal"), validators=[Length(max=20)],
                       description=_l("Sechs Ziffern, sie stehen auf der Leinwand."),
                       render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 11,
                                  "enterkeyhint": "send"})
    reason = TextAreaField(_l("Begründung (freiwillig)"), validators=[Length(max=300)],
                           description=_l("Nur für die Sitzungsleitung sichtbar. Bitte keine Namen."),
                           render_kw={"rows": 2, "maxlength": 300})
    group = SelectField(_l("Ich spreche für (freiwillig)"),
                        choices=[SelectChoice("", _l("– keine Angabe –"))] + GROUP_CHOICES)
    kind = StringField()

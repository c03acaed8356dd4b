"""The administration's forms: the neighbourhoods' populations and Förderzeiträume, the cities."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..fields import WholeNumberField, strip, whole_number
from ..meetings.forms import GermanDateField


def population_form(neighbourhoods, formdata=None) -> FlaskForm:
    """One optional whole number per neighbourhood, prefilled with the stored population."""

    class PopulationForm(FlaskForm):
        pass

    for nb in neighbourhoods:
        setattr(PopulationForm, f"population_{nb.id}", WholeNumberField(
            _("Einwohner:innen %(name)s", name=nb.name),
            validators=[Optional(), NumberRange(min=1, max=1_000_000, message=_l(
                "Die Einwohnerzahl muss eine ganze Zahl zwischen 1 und 1.000.000 sein (oder leer)."))],
            render_kw={"inputmode": "numeric", "autocomplete": "off"}))
    form = PopulationForm(formdata=formdata)
    if formdata is None:
        for nb in neighbourhoods:
            form[f"population_{nb.id}"].data = nb.population
    return form


def _optional_id(value):
    return whole_number(value) if value not in (None, "", "None") else None


class PeriodForm(FlaskForm):
    """A new Förderzeitraum: for the WiN area as a whole or for one programme."""

    programme_id = SelectField(_l("Gilt für"), coerce=_optional_id, validate_choice=True)
    valid_from = GermanDateField(_l("Fördergebiet ab"), validators=[
        InputRequired(_l("Bitte angeben, ab wann das Quartier Fördergebiet ist."))])
    valid_until = GermanDateField(_l("bis einschließlich (leer = offen)"), validators=[Optional()])
    decision_reference = StringField(_l("Beschluss"), filters=[strip], validators=[Length(max=300)],
                                     description=_l("z. B. „Senatsbeschluss vom 17.12.2024“"))
    note = TextAreaField(_l("Anmerkung"), filters=[strip], validators=[Length(max=2000)])


class EndPeriodForm(FlaskForm):
    """End an open Förderzeitraum on its last funded day."""

    period_id = HiddenField(validators=[InputRequired()])
    valid_until = GermanDateField(_l("Letzter Fördertag"), validators=[
        InputRequired(_l("Bitte den letzten Tag des Förderzeitraums angeben."))])


class CityForm(FlaskForm):
    """A Stadtgemeinde: its URL key, name and Amtlicher Gemeindeschlüssel."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Bitte den Namen der Stadtgemeinde angeben.")),
                                               Length(max=120)])
    slug = StringField(_l("Kurzname (in Adressen)"), validators=[
        DataRequired(_l("Bitte einen Kurznamen angeben.")), Length(max=60)])
    ags = StringField(_l("Amtlicher Gemeindeschlüssel"), validators=[
        DataRequired(_l("Bitte den Gemeindeschlüssel angeben.")), Length(max=8)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    position = WholeNumberField(_l("Reihenfolge"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])


class NeighbourhoodCityForm(FlaskForm):
    """Which Stadtgemeinde one neighbourhood belongs to."""

    neighbourhood = HiddenField(validators=[DataRequired()])
    city = SelectField(_l("Stadtgemeinde"), coerce=whole_number)

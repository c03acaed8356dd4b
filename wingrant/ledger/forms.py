from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from ..fields import MoneyField, WholeNumberField
from .years import usable_years


def optional_int(value):
    return None if value in (None, "", "None") else int(value)


class AllocationForm(FlaskForm):
    neighbourhood = SelectField(_l("Quartier"), coerce=int)
    programme = SelectField(_l("Förderprogramm"), coerce=int)
    #: Checked by the service: it must be one of the programme's lines, and given when it has lines.
    line = SelectField(_l("Förderschiene"), coerce=optional_int, validate_choice=False)
    year = WholeNumberField(_l("Haushaltsjahr"), validators=[
        DataRequired(_l("Bitte das Haushaltsjahr angeben.")), NumberRange(2000, 2100, _l(
            "Bitte ein Jahr zwischen 2000 und 2100 angeben."))])

    def validate_year(self, field) -> None:
        years = usable_years()
        if field.data not in years:
            raise ValidationError(_("Budgets lassen sich für %(first)s bis %(last)s zuweisen: die Jahre, für die "
                                    "Anträge gestellt werden können.", first=years[0], last=years[-1]))
    amount = MoneyField(_l("Betrag"), required=True, description=_l("z. B. 150.000 oder 75.000,00 €"))
    memo = StringField(_l("Vermerk"), validators=[Length(max=300)])


class ReversalForm(FlaskForm):
    reason = StringField(_l("Grund für das Storno"), validators=[
        DataRequired(_l("Bitte einen Grund für das Storno angeben.")), Length(max=500)])


class CloseYearForm(FlaskForm):
    confirm = BooleanField(_l("Ich habe die Salden geprüft: Was noch verfügbar ist, verfällt."), validators=[
        DataRequired(_l("Bitte bestätigen Sie, dass Sie die Salden geprüft haben."))])


class ReopenYearForm(FlaskForm):
    reason = StringField(_l("Grund für das erneute Öffnen"), validators=[
        DataRequired(_l("Bitte angeben, warum das Haushaltsjahr wieder geöffnet wird.")), Length(max=500)])

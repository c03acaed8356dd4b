"""Forms of the Träger feature, and the address validators the application forms share."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..fields import strip

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def email_address(form, field) -> None:
    """A plausible e-mail address (no DNS check); empty is fine, use DataRequired to demand one."""
    if field.data and not _EMAIL.match(field.data.strip()):
        raise ValidationError(_l("Bitte eine gültige E-Mail-Adresse angeben, z. B. name@example.org."))


def german_postcode(form, field) -> None:
    if field.data and not re.fullmatch(r"\d{5}", field.data):
        raise ValidationError(_l("Bitte eine fünfstellige Postleitzahl angeben."))



class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip],
                       validators=[DataRequired(_l("Bitte den Namen des Trägers angeben.")), Length(max=200)])
    legal_form = StringField(_l("Rechtsform"), filters=[strip], validators=[Length(max=80)],
                             description=_l("z. B. e. V., gGmbH, Schule, Privatperson"))
    street = StringField(_l("Straße und Hausnummer"), filters=[strip], validators=[Length(max=200)],
                         render_kw={"autocomplete": "street-address"})
    postcode = StringField(_l("PLZ"), filters=[strip], validators=[Length(max=10), german_postcode],
                           render_kw={"autocomplete": "postal-code", "inputmode": "numeric"})
    city = StringField(_l("Ort"), filters=[strip], default="Bremen", validators=[Length(max=100)])
    contact_person = StringField(_l("Ansprechperson"), filters=[strip], validators=[Length(max=200)])
    email = StringField(_l("E-Mail"), filters=[strip], validators=[Length(max=254), email_address],
                        render_kw={"type": "email"})
    phone = StringField(_l("Telefon"), filters=[strip], validators=[Length(max=50)],
                        render_kw={"type": "tel"})
    non_profit = BooleanField(_l("Gemeinnützig"))
    #: Shown with the duplicate warning: the user confirms that it is a different organisation.
    confirm_new = BooleanField(_l("Ich habe geprüft: Es ist ein anderer Träger. Trotzdem anlegen."))

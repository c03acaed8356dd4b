from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget


class ChoicesForm(FlaskForm):
    kinds = SelectMultipleField(_l("Diese Benachrichtigungen per Mail erhalten"),
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    language = RadioField(_l("Sprache der Mails"),
                          choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
                          validators=[InputRequired(_l("Bitte wählen Sie eine Sprache."))])

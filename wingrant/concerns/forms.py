"""Forms of the concerns register. Every text here is published: the hints say so."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..fields import PUBLIC_TEXT_HINT, strip, whole_number
from ..meetings.forms import GermanDateField
from .labels import STATUSES
from .models import ConcernStatus

TEXT_MAX = 5_000
#: The concern is public once recorded, without a name: the form says so above the fields.
PUBLIC_CONCERN_HINT = _l("Anliegen sind öffentlich, sobald sie aufgenommen sind (sie werden im offenen Forum "
                         "vorgebracht): im Portal, in den Protokollen und in den offenen Daten. Wer ein Anliegen "
                         "vorbringt, wird nicht gespeichert.")
OFFICE_HINT = _l("Ortsamt, Amt, Ressort oder Einrichtung, z. B. „Ortsamt Huchting“. Frühere Angaben werden "
                 "vorgeschlagen.")


def _status_choices():
    return [(s.value, STATUSES[s]) for s in ConcernStatus]


class ConcernForm(FlaskForm):
    """A new concern (the QM's page, and the quick form under "Wünsche und Anliegen")."""

    topic = StringField(_l("Thema"), filters=[strip], description=PUBLIC_TEXT_HINT,
                        validators=[InputRequired(_l("Bitte das Thema des Anliegens angeben.")), Length(max=200)])
    description = TextAreaField(_l("Beschreibung"), filters=[strip], description=PUBLIC_TEXT_HINT,
                                validators=[Length(max=TEXT_MAX)], render_kw={"rows": 3})
    office = StringField(_l("Zuständige Stelle"), filters=[strip], description=OFFICE_HINT,
                         validators=[Length(max=200)], render_kw={"list": "concern-offices", "autocomplete": "off"})
    raised_on = GermanDateField(_l("Aufgenommen am"),
                                validators=[InputRequired(_l("Bitte das Datum angeben, an dem das Anliegen "
                                                             "vorgebracht wurde."))])
    agenda_item_id = SelectField(_l("Vorgebracht"), coerce=whole_number, validate_choice=False)


class QuickConcernForm(FlaskForm):
    """The live meeting's short form: the meeting gives the date and the item."""

    topic = ConcernForm.topic
    description = ConcernForm.description
    office = ConcernForm.office


class FollowUpForm(FlaskForm):
    date = GermanDateField(_l("Datum"), validators=[InputRequired(_l("Bitte das Datum des Schritts angeben."))])
    status = SelectField(_l("Status"), choices=_status_choices, default=ConcernStatus.FORWARDED.value)
    office = StringField(_l("Zuständige Stelle"), filters=[strip], description=OFFICE_HINT,
                         validators=[Length(max=200)], render_kw={"list": "concern-offices", "autocomplete": "off"})
    note = TextAreaField(_l("Notiz (öffentlich)"), filters=[strip], description=PUBLIC_TEXT_HINT,
                         validators=[Length(max=TEXT_MAX)], render_kw={"rows": 3})


class ToApplicationForm(FlaskForm):
    organisation_id = SelectField(_l("Träger"), coerce=whole_number, validate_choice=False,
                                  validators=[InputRequired(_l("Bitte einen Träger auswählen."))])
    year = SelectField(_l("Haushaltsjahr"), coerce=whole_number, validate_choice=False)

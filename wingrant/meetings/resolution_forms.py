"""Forms of resolutions (Beschluss / Stellungnahme ohne Antrag): the draft and the outcome."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from ..fields import PUBLIC_TEXT_HINT
from .labels import RESOLUTION_KINDS, RESOLUTION_OUTCOME_LABELS
from .models import RESOLUTION_OUTCOMES, ResolutionKind
from .resolutions import ADDRESSEE_MAX, TEXT_MAX, TITLE_MAX


class ResolutionForm(FlaskForm):
    kind = RadioField(_l("Art"), choices=[SelectChoice(k.value, RESOLUTION_KINDS[k]) for k in ResolutionKind],
                      default=ResolutionKind.RESOLUTION.value,
                      validators=[InputRequired(_l("Bitte „Beschluss“ oder „Stellungnahme“ wählen."))])
    title = StringField(_l("Titel"), validators=[InputRequired(_l("Bitte einen Titel angeben.")),
                                                 Length(max=TITLE_MAX)])
    addressee = StringField(_l("An wen (Adressat, z. B. Senatorin für Soziales, Ortsamt, Beirat)"),
                            validators=[Length(max=ADDRESSEE_MAX)])
    text = TextAreaField(_l("Wortlaut des Entwurfs"), render_kw={"rows": 10}, description=PUBLIC_TEXT_HINT,
                         validators=[InputRequired(_l("Bitte den Wortlaut des Entwurfs angeben.")),
                                     Length(max=TEXT_MAX)])


def resolution_outcome_form(permitted, *, formdata=None, defaults=None, meta=None) -> FlaskForm:
    """The outcome of a resolution item: the outcomes the consensus rule permits now are offered; any
    outcome of a resolution passes the form, so that the service says why the rule refuses it."""
    allowed = {o.value for o in RESOLUTION_OUTCOMES}

    class ResolutionOutcomeForm(FlaskForm):
        outcome = RadioField(_l("Ergebnis"), validate_choice=False,
                             choices=[SelectChoice(o.value, RESOLUTION_OUTCOME_LABELS[o]) for o in permitted],
                             validators=[InputRequired(_l("Bitte ein Ergebnis wählen."))])
        final_text = TextAreaField(_l("Beschlossener Wortlaut (bei „geändert beschlossen“)"), render_kw={"rows": 8},
                                   description=PUBLIC_TEXT_HINT, validators=[Length(max=TEXT_MAX)])
        reason = TextAreaField(_l("Begründung (bei Vertagung oder „nicht beschlossen“ nötig)"),
                               render_kw={"rows": 2}, description=PUBLIC_TEXT_HINT, validators=[Length(max=TEXT_MAX)])

        def validate_outcome(self, field):
            if field.data not in allowed:
                raise ValidationError(_("Bitte ein Ergebnis wählen."))

    form = ResolutionOutcomeForm(prefix="resolution", formdata=formdata, meta=meta)
    if formdata is None and defaults:
        for name, value in defaults.items():
            getattr(form, name).data = value
    return form

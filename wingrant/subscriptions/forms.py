from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from ..core.http_cache import shared_page
from .services import consent_text


class SubscribeForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[
        DataRequired(_l("Bitte Ihre E-Mail-Adresse angeben.")), Length(max=254, message=_l("Höchstens 254 Zeichen.")),
        # The shape only (name@host.tld); whether the address exists, the confirmation mail shows.
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Bitte eine gültige E-Mail-Adresse angeben."))],
        render_kw={"autocomplete": "email"})
    language = RadioField(_l("Sprache der Mails"), default="de",
                          choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
                          validators=[InputRequired(_l("Bitte wählen Sie eine Sprache."))])
    #: The label is the consent text itself (set by the view, per forum).
    consent = BooleanField(validators=[DataRequired(_l("Ohne Ihre Einwilligung können wir Ihnen nichts senden."))])


class ConfirmForm(FlaskForm):
    """The button behind the link in the confirmation mail (a mail scanner's GET confirms nothing)."""


def subscribe_form(neighbourhood, posted: bool = False) -> SubscribeForm:
    """The form with this forum's consent text as the checkbox label (the portal page shows it too)."""
    # No token on a shared page, nor for a post that came without one from this site (core.security)
    tokenless = shared_page() or bool(g.get("csrf_by_origin"))
    meta = {"csrf": False} if tokenless else {}
    form = SubscribeForm(meta=meta) if posted else SubscribeForm(formdata=None, meta=meta)
    form.consent.label.text = consent_text(neighbourhood)
    return form

"""The account page for personal API tokens: create (the secret is shown once) and revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..errors import DomainError
from ..fields import show_error_at
from . import tokens

bp = Blueprint("api_tokens", __name__)

VALIDITY_CHOICES = [SelectChoice("90", _l("90 Tage")), SelectChoice("30", _l("30 Tage")),
                    SelectChoice("365", _l("1 Jahr")), SelectChoice("", _l("unbegrenzt"))]


class TokenForm(FlaskForm):
    name = StringField(_l("Name des Tokens"), validators=[
        DataRequired(_l("Bitte einen Namen für den Token angeben, z. B. wofür er gebraucht wird.")),
        Length(max=tokens.NAME_MAX)], description=_l("z. B. „Auswertung Tabellenkalkulation“"))
    valid_days = SelectField(_l("Gültig für"), choices=VALIDITY_CHOICES, default="90")


class RevokeForm(FlaskForm):
    """Only the CSRF token."""


def _render(form, secret=None, status=200):
    response = render_template("api/tokens.html", form=form, revoke_form=RevokeForm(formdata=None),
                               tokens=tokens.live_tokens(current_user.id), secret=secret)
    # the page may hold a secret: never cache it, never send it on as a referrer
    return response, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/konto/api-tokens", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(current_user, form.name.data,
                                                valid_days=int(form.valid_days.data) if form.valid_days.data else None)
        except DomainError as error:
            show_error_at(form, error, "name")
        else:
            flash(_("Der Token „%(name)s“ ist angelegt. Kopieren Sie ihn jetzt: Er wird nur dieses eine Mal "
                    "angezeigt.", name=token.name), "success")
            return _render(TokenForm(formdata=None), secret=secret)
    return _render(form, status=422 if form.errors else 200)


@bp.post("/konto/api-tokens/<int:token_id>/widerrufen")
@login_required
def revoke(token_id):
    if RevokeForm().validate_on_submit():
        try:
            token = tokens.revoke_token(token_id, user=current_user)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Der Token „%(name)s“ ist widerrufen.", name=token.name), "success")
    return redirect(url_for(".index"))

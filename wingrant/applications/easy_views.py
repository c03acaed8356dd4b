"""The QM keeps an application's summary in Leichte Sprache (blueprint ``easy_language``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from ..auth.permissions import Action, authorize, can, scoped_or_404
from ..errors import DomainError
from ..fields import PUBLIC_TEXT_HINT, show_error_at, strip
from . import easy_language
from .models import Application

bp = Blueprint("easy_language", __name__)


class EasySummaryForm(FlaskForm):
    text = TextAreaField(_l("Kurzbeschreibung in Leichter Sprache"), filters=[strip],
                         validators=[Length(max=easy_language.MAX_TEXT, message=_l("Der Text ist zu lang."))],
                         render_kw={"rows": 8}, description=PUBLIC_TEXT_HINT)
    reviewed_by = StringField(_l("Geprüft von"), filters=[strip],
                              validators=[Length(max=200, message=_l("Höchstens 200 Zeichen."))],
                              description=_l("Wer den Text geprüft hat, z. B. „Prüfgruppe des Büros für Leichte "
                                             "Sprache“. Leer lassen, solange er nicht geprüft ist: Veröffentlicht "
                                             "wird nur ein geprüfter Text. Wer den Text ändert, gibt die Prüfung "
                                             "danach neu an."))


@bp.route("/quartiere/<slug>/antraege/<int:application_id>/leichte-sprache", methods=["GET", "POST"])
@login_required
def edit(slug, application_id):
    neighbourhood = authorize(slug, Action.READ)
    app = scoped_or_404(Application, application_id, neighbourhood)
    may_manage = can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS)
    stored = easy_language.of(app)
    form = EasySummaryForm(data={"text": stored.text, "reviewed_by": stored.reviewed_by} if stored else None)
    status = 200
    if form.is_submitted():
        if not may_manage:
            authorize(slug, Action.MANAGE_APPLICATIONS)  # refuses as every other write does
        if form.validate():
            try:
                saved = easy_language.save(app, form.text.data or "", reviewed_by=form.reviewed_by.data or "",
                                           user=current_user)
            except DomainError as error:
                if not show_error_at(form, error):
                    flash(error.message, "error")
            else:
                flash(_("Gespeichert und veröffentlicht, wo die Kurzbeschreibung öffentlich ist.")
                      if saved.reviewed_by else
                      _("Gespeichert als Entwurf: Veröffentlicht wird der Text, sobald Sie angeben, wer ihn "
                        "geprüft hat."), "success")
                return redirect(url_for(".edit", slug=slug, application_id=app.id))
        status = 422
    return render_template("applications/easy_language.html", neighbourhood=neighbourhood, app=app, form=form,
                           stored=stored, may_manage=may_manage), status

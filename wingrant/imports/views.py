"""Importing a project list: upload → preview (nothing written) → confirm or discard.

Blueprint ``imports``; its URLs hang below a neighbourhood's applications
(``/quartiere/<slug>/antraege/import/…``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..applications.forms import ReasonForm
from ..applications.lifecycle import STATE_LABELS
from ..auth.permissions import Action, authorize, can, deny
from ..core.security import accepts_uploads
from ..errors import DomainError
from . import files, forms, matching, services

bp = Blueprint("imports", __name__)


@bp.route("/quartiere/<slug>/antraege/import/neu", methods=["GET", "POST"])
@accepts_uploads
@login_required
def upload(slug):
    neighbourhood = authorize(slug, Action.MANAGE_APPLICATIONS)
    form = forms.ImportUploadForm()
    if form.validate_on_submit():
        uploaded = form.file.data
        try:
            pending = services.upload(neighbourhood, uploaded.stream.read(files.MAX_BYTES + 1),
                                             uploaded.filename or "", user=current_user)
        except DomainError as error:
            form.file.errors = [error.message]
        else:
            return redirect(url_for(".preview", slug=slug, token=pending.token))
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", neighbourhood=neighbourhood, form=form,
                           columns=files.COLUMN_LABELS, state_labels=STATE_LABELS,
                           max_rows=files.MAX_ROWS, programmes=services.programme_list()), status


def _pending(slug: str, token: str):
    """The user's own pending import in this neighbourhood; anyone else's does not exist (404)."""
    neighbourhood = authorize(slug, Action.READ)
    pending = services.load(token, neighbourhood, user=current_user)
    if pending is None:
        abort(404)
    if not can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS):  # the role was taken away since
        deny(Action.MANAGE_APPLICATIONS, neighbourhood.id)
    return neighbourhood, pending


@bp.route("/quartiere/<slug>/antraege/import/<token>", methods=["GET", "POST"])
@login_required
def preview(slug, token):
    neighbourhood, pending = _pending(slug, token)
    form = forms.ImportConfirmForm()
    if form.validate_on_submit():
        try:
            choices = {k: v for k, v in request.form.items() if k.startswith(matching.FIELD_PREFIX)}
            result = services.confirm(neighbourhood, pending, user=current_user,
                                      book_commitments=form.book_commitments.data, choices=choices)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(ngettext("%(num)s Projekt importiert.", "%(num)s Projekte importiert.", len(result.references))
                  + " " + _("Neue Träger: %(n)s. Mittelbindungen gebucht: %(m)s. Übersprungene Zeilen: %(s)s.",
                            n=result.new_organisations, m=result.commitments, s=result.skipped), "success")
            return redirect(url_for("applications.index", slug=slug))
    checked = services.preview(pending)
    return render_template("imports/preview.html", neighbourhood=neighbourhood, pending=pending,
                           preview=checked, form=form, discard_form=ReasonForm(prefix="discard", formdata=None),
                           columns=files.COLUMN_LABELS, state_labels=STATE_LABELS,
                           ), 422 if request.method == "POST" else 200


@bp.post("/quartiere/<slug>/antraege/import/<token>/verwerfen")
@login_required
def discard(slug, token):
    _neighbourhood, pending = _pending(slug, token)
    if not ReasonForm(prefix="discard").validate():
        abort(400)
    services.discard(pending.token)
    flash(_("Der Import wurde verworfen; es wurde nichts gespeichert."), "success")
    return redirect(url_for(".upload", slug=slug))

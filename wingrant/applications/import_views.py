"""Importing a project list: upload → preview (nothing written) → confirm or discard.

Routes of the applications blueprint (registered by ``views``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ..auth.permissions import Action, authorize, can, deny
from ..core.security import accepts_uploads
from ..errors import DomainError
from . import forms, import_files, import_services
from .lifecycle import STATE_LABELS
from .views import bp


@bp.route("/quartiere/<slug>/antraege/import/neu", methods=["GET", "POST"])
@accepts_uploads
@login_required
def import_upload(slug):
    neighbourhood = authorize(slug, Action.MANAGE_APPLICATIONS)
    form = forms.ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            pending = import_services.upload(neighbourhood, upload.stream.read(import_files.MAX_BYTES + 1),
                                             upload.filename or "", user=current_user)
        except DomainError as error:
            form.file.errors = [error.message]
        else:
            return redirect(url_for(".import_preview", slug=slug, token=pending.token))
    status = 422 if request.method == "POST" else 200
    return render_template("applications/import.html", neighbourhood=neighbourhood, form=form,
                           columns=import_files.COLUMN_LABELS, state_labels=STATE_LABELS,
                           max_rows=import_files.MAX_ROWS), status


def _pending(slug: str, token: str):
    """The user's own pending import in this neighbourhood; anyone else's does not exist (404)."""
    neighbourhood = authorize(slug, Action.READ)
    pending = import_services.load(token, neighbourhood, user=current_user)
    if pending is None:
        abort(404)
    if not can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS):  # the role was taken away since
        deny(Action.MANAGE_APPLICATIONS, neighbourhood.id)
    return neighbourhood, pending


@bp.route("/quartiere/<slug>/antraege/import/<token>", methods=["GET", "POST"])
@login_required
def import_preview(slug, token):
    neighbourhood, pending = _pending(slug, token)
    form = forms.ImportConfirmForm()
    if form.validate_on_submit():
        try:
            result = import_services.confirm(neighbourhood, pending, user=current_user,
                                             book_commitments=form.book_commitments.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(ngettext("%(num)s Projekt importiert.", "%(num)s Projekte importiert.", len(result.references))
                  + " " + _("Neue Träger: %(n)s. Mittelbindungen gebucht: %(m)s. Übersprungene Zeilen: %(s)s.",
                            n=result.new_organisations, m=result.commitments, s=result.skipped), "success")
            return redirect(url_for(".index", slug=slug))
    preview = import_services.preview(pending)
    return render_template("applications/import_preview.html", neighbourhood=neighbourhood, pending=pending,
                           preview=preview, form=form, discard_form=forms.ReasonForm(prefix="discard", formdata=None),
                           columns=import_files.COLUMN_LABELS, state_labels=STATE_LABELS,
                           ), 422 if request.method == "POST" else 200


@bp.post("/quartiere/<slug>/antraege/import/<token>/verwerfen")
@login_required
def import_discard(slug, token):
    _neighbourhood, pending = _pending(slug, token)
    if not forms.ReasonForm(prefix="discard").validate():
        abort(400)
    import_services.discard(pending.token)
    flash(_("Der Import wurde verworfen; es wurde nichts gespeichert."), "success")
    return redirect(url_for(".import_upload", slug=slug))

"""The QM keeps a funded project's public report and photos (on the Abwicklung page).

Blueprint ``showcase``; its URLs hang below the application's Abwicklung page.
"""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..auth.permissions import Action
from ..errors import DomainError
from ..fields import show_error_at
from . import showcase
from .forms import ProjectPhotoForm, ProjectReportForm
from .views import _load, _render

bp = Blueprint("showcase", __name__)
BASE = "/quartiere/<slug>/antraege/<int:application_id>/abwicklung"


def _section(slug, app) -> str:
    return url_for("funding.after_grant_page", slug=slug, application_id=app.id) + "#oeffentlich"


@bp.post(BASE + "/bericht")
@login_required
def save_report(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    form = ProjectReportForm(prefix="project")
    if form.validate():
        try:
            showcase.save_report(app, form.text.data or "", user=current_user)
        except DomainError as error:
            if not show_error_at(form, error):
                flash(error.message, "error")
                return redirect(_section(slug, app))
        else:
            flash(_("Der öffentliche Bericht ist gespeichert.") if form.text.data
                  else _("Der öffentliche Bericht ist entfernt."), "success")
            return redirect(_section(slug, app))
    return _render(neighbourhood, app, project_report=form, status=422)


@bp.post(BASE + "/fotos")
@login_required
def add_photo(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    form = ProjectPhotoForm(prefix="photo")
    if form.validate():
        upload = request.files.get(form.photo.name)
        try:
            showcase.add_photo(app, upload.stream if upload else io.BytesIO(), alt_text=form.alt_text.data or "",
                               caption=form.caption.data or "", consent=bool(form.consent.data), user=current_user)
        except DomainError as error:
            if not show_error_at(form, error):
                flash(error.message, "error")
                return redirect(_section(slug, app))
        else:
            flash(_("Das Foto ist hinzugefügt. Es erscheint auf der öffentlichen Projektseite."), "success")
            return redirect(_section(slug, app))
    return _render(neighbourhood, app, photo=form, status=422)


@bp.post(BASE + "/fotos/<int:photo_id>/entfernen")
@login_required
def remove_photo(slug, application_id, photo_id):
    _neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    if not FlaskForm(prefix="remove").validate():
        flash(_("Das Formular ist abgelaufen. Bitte noch einmal versuchen."), "error")
        return redirect(_section(slug, app))
    try:
        showcase.remove_photo(app, photo_id, user=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Das Foto ist entfernt."), "success")
    return redirect(_section(slug, app))


@bp.get(BASE + "/fotos/<name>")
@login_required
def photo(slug, application_id, name):
    """The QM's view of a photo (also before the project is public)."""
    _neighbourhood, app = _load(slug, application_id, Action.READ)
    found = next((p for p in showcase.photos_of(app) if p.storage_name == name), None) or abort(404)
    path = showcase.path_of(found)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

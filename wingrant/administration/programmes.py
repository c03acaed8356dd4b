"""The WiN-Geschäftsführung keeps the programmes' structure: departments (Ressorts), which one owns
a programme, the programmes' lines (Förderschienen) and their owners (Programmverantwortliche).

One page of small forms; every write is a service that checks its input and audits it, so the
views only read the posted fields and show the service's message.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..auth import owners
from ..auth.permissions import Action, can, deny
from ..errors import DomainError
from ..extensions import db
from ..fields import whole_number
from ..neighbourhoods import programmes as services
from ..neighbourhoods.models import Department, Programme

bp = Blueprint("programme_admin", __name__, url_prefix="/verwaltung/programme")


@bp.before_request
@login_required
def _administrators_only():
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)


@bp.get("/")
def index():
    departments = list(db.session.execute(sa.select(Department).order_by(Department.name)).scalars())
    programmes = list(db.session.execute(
        sa.select(Programme).options(selectinload(Programme.lines))
        .order_by(Programme.position, Programme.code)).scalars())
    return render_template("administration/programmes.html", departments=departments, programmes=programmes,
                           owners=owners.owners_by_programme())


def _done(message: str):
    flash(message, "success")
    return redirect(url_for(".index"))


def _act(write, success: str):
    """Run one service write; its refusal is shown as it says, in German."""
    try:
        write()
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".index"))
    return _done(success)


def _form_int(name: str) -> int | None:
    """An optional id from the form; anything that is no id counts as none chosen."""
    try:
        return whole_number(request.form.get(name, ""))
    except ValueError:
        return None


@bp.post("/ressorts")
def add_department():
    return _act(lambda: services.create_department(request.form.get("name", ""), request.form.get("short_name", ""),
                                                   user=current_user), _("Ressort angelegt."))


@bp.post("/<int:programme_id>/ressort")
def assign_department(programme_id: int):
    return _act(lambda: services.assign_department(programme_id, _form_int("department"), user=current_user),
                _("Ressort zugeordnet."))


@bp.post("/<int:programme_id>/schienen")
def add_line(programme_id: int):
    return _act(lambda: services.add_line(programme_id, request.form.get("code", ""), request.form.get("name", ""),
                                          user=current_user), _("Förderschiene angelegt."))


@bp.post("/schienen/<int:line_id>/aktiv")
def toggle_line(line_id: int):
    active = request.form.get("active") == "1"
    return _act(lambda: services.set_line_active(line_id, active, user=current_user),
                _("Förderschiene geöffnet.") if active else _("Förderschiene beendet."))


@bp.post("/<int:programme_id>/verantwortliche")
def add_owner(programme_id: int):
    return _act(lambda: owners.add_owner(programme_id, request.form.get("email", ""), user=current_user),
                _("Programmverantwortliche:r eingetragen."))


@bp.post("/<int:programme_id>/verantwortliche/<int:user_id>/entfernen")
def remove_owner(programme_id: int, user_id: int):
    return _act(lambda: owners.remove_owner(programme_id, user_id, user=current_user),
                _("Zuständigkeit entfernt."))

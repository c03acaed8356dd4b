"""User administration for the WiN-Geschäftsführung."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from ..neighbourhoods.models import Neighbourhood
from . import services, two_factor
from .forms import RoleForm, UserCreateForm
from .models import Role, User
from .permissions import Action, can, deny

bp = Blueprint("admin_users", __name__, url_prefix="/verwaltung/benutzer")

ROLE_LABELS = {Role.MANAGER: _l("Quartiersmanager:in"), Role.MINUTES: _l("Protokoll"), Role.READER: _l("Lesend")}


@bp.before_request
@login_required
def _administrators_only():
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)


def _neighbourhood_choices():
    rows = db.session.execute(sa.select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)).all()
    return [(row.id, row.name) for row in rows]


def _role_choices(with_none: bool):
    choices = [(r.value, str(ROLE_LABELS[r])) for r in Role]
    return ([("", _("– keine Rolle –"))] if with_none else []) + choices


@bp.get("/")
def index():
    users = db.session.execute(sa.select(User).order_by(User.active.desc(), User.name)).scalars().all()
    names = dict(_neighbourhood_choices())
    return render_template("auth/users.html", users=users, names=names, role_labels=ROLE_LABELS)


@bp.route("/neu", methods=["GET", "POST"])
def create():
    form = UserCreateForm()
    form.neighbourhood.choices = [(0, _("– kein Quartier –"))] + _neighbourhood_choices()
    form.role.choices = _role_choices(with_none=False)
    if form.validate_on_submit():
        roles = {}
        if form.neighbourhood.data:
            neighbourhood = db.session.get(Neighbourhood, form.neighbourhood.data)
            if neighbourhood is None:
                abort(400)
            roles[neighbourhood] = Role(form.role.data)
        try:
            user = services.create_user(form.email.data, form.name.data, form.password.data,
                                        is_admin=form.is_admin.data, roles=roles, actor=current_user)
        except DomainError as e:
            show_error_at(form, e, "email")
        else:
            flash(_("Konto für %(name)s angelegt.", name=user.name), "success")
            return redirect(url_for(".index"))
    return render_template("auth/user_new.html", form=form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def detail(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    form.neighbourhood.choices = _neighbourhood_choices()
    form.role.choices = _role_choices(with_none=True)
    if form.validate_on_submit():
        try:
            services.set_role(user.id, form.neighbourhood.data, Role(form.role.data) if form.role.data else None,
                              actor=current_user)
        except DomainError as e:
            flash(str(e), "error")
        else:
            flash(_("Rolle gespeichert."), "success")
        return redirect(url_for(".detail", user_id=user.id))
    names = dict(_neighbourhood_choices())
    return render_template("auth/user_detail.html", user=user, form=form, names=names, role_labels=ROLE_LABELS)


@bp.post("/<int:user_id>/aktiv")
def toggle_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    try:
        services.set_active(user.id, not user.active, actor=current_user)
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash(_("Konto deaktiviert; alle Sitzungen wurden beendet.") if user.active
              else _("Konto wieder aktiviert."), "success")
    return redirect(url_for(".detail", user_id=user_id))


@bp.post("/<int:user_id>/zwei-faktor-zuruecksetzen")
def reset_two_factor(user_id: int):
    """For a lost phone: the account logs in with its password again and may enrol anew."""
    user = db.session.get(User, user_id) or abort(404)
    try:
        two_factor.reset(user.id, actor=current_user)
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash(_("Die Zwei-Faktor-Anmeldung von %(name)s ist zurückgesetzt; ihre Sitzungen wurden beendet.",
                name=user.name), "success")
    return redirect(url_for(".detail", user_id=user_id))

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
from ..neighbourhoods.models import City, Neighbourhood
from . import services, two_factor
from .forms import RoleForm, UserCreateForm
from .models import Role, User
from .permissions import Action, can, city_neighbourhood_ids, deny, is_global_admin, neighbourhood_ids_for

bp = Blueprint("admin_users", __name__, url_prefix="/verwaltung/benutzer")

ROLE_LABELS = {Role.MANAGER: _l("Quartiersmanager:in"), Role.MINUTES: _l("Protokoll"), Role.READER: _l("Lesend")}


@bp.before_request
@login_required
def _administrators_only():
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)


def _neighbourhood_choices():
    stmt = sa.select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)
    ids = neighbourhood_ids_for(current_user, Action.ADMINISTER)
    if ids is not None:
        stmt = stmt.where(Neighbourhood.id.in_(ids))
    return [(row.id, row.name) for row in db.session.execute(stmt).all()]


def _visible(user: User) -> bool:
    """A city administrator sees the accounts of the city: its roles, its administrators, new ones."""
    if is_global_admin(current_user):
        return True
    if user.is_admin and user.admin_city_id != current_user.admin_city_id:
        return False
    own = {m.neighbourhood_id for m in user.memberships}
    return not own or bool(own & city_neighbourhood_ids(current_user)) or user.is_admin


def _user_or_404(user_id: int, *, whole_account: bool = False) -> User:
    """``whole_account``: deactivating or resetting reaches every city the account works in."""
    user = db.session.get(User, user_id)
    if user is None or not _visible(user):
        abort(404)
    if whole_account and not is_global_admin(current_user) and not (
            {m.neighbourhood_id for m in user.memberships} <= city_neighbourhood_ids(current_user)):
        deny(Action.ADMINISTER)
    return user


def _admin_city(form) -> int | None:
    """The city a new administrator administers: a city administrator's own; for the
    Geschäftsführung the one chosen (none: every city)."""
    if not is_global_admin(current_user):
        return current_user.admin_city_id
    chosen = form.admin_city.data or None
    if chosen is not None and chosen not in {value for value, _label in form.admin_city.choices}:
        abort(400)
    return chosen


def _admin_city_choices():
    if not is_global_admin(current_user):
        return [(current_user.admin_city_id, _("nur die eigene Stadtgemeinde"))]
    cities = db.session.execute(sa.select(City.id, City.name).order_by(City.position, City.name)).all()
    return [(0, _("alle Stadtgemeinden"))] + [(c.id, c.name) for c in cities]


def _role_choices(with_none: bool):
    choices = [(r.value, str(ROLE_LABELS[r])) for r in Role]
    return ([("", _("– keine Rolle –"))] if with_none else []) + choices


@bp.get("/")
def index():
    users = [u for u in db.session.execute(sa.select(User).order_by(User.active.desc(), User.name)).scalars()
             if _visible(u)]
    names = dict(_neighbourhood_choices())
    return render_template("auth/users.html", users=users, names=names, role_labels=ROLE_LABELS)


@bp.route("/neu", methods=["GET", "POST"])
def create():
    form = UserCreateForm()
    form.neighbourhood.choices = [(0, _("– kein Quartier –"))] + _neighbourhood_choices()
    form.role.choices = _role_choices(with_none=False)
    form.admin_city.choices = _admin_city_choices()
    if form.validate_on_submit():
        roles = {}
        if form.neighbourhood.data:
            neighbourhood = db.session.get(Neighbourhood, form.neighbourhood.data)
            if neighbourhood is None or not can(current_user, neighbourhood.id, Action.ADMINISTER):
                abort(400)
            roles[neighbourhood] = Role(form.role.data)
        try:
            user = services.create_user(form.email.data, form.name.data, form.password.data,
                                        is_admin=form.is_admin.data, admin_city_id=_admin_city(form),
                                        roles=roles, actor=current_user)
        except DomainError as e:
            show_error_at(form, e, "email")
        else:
            flash(_("Konto für %(name)s angelegt.", name=user.name), "success")
            return redirect(url_for(".index"))
    return render_template("auth/user_new.html", form=form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def detail(user_id: int):
    user = _user_or_404(user_id)
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
    user = _user_or_404(user_id, whole_account=True)
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
    user = _user_or_404(user_id, whole_account=True)
    try:
        two_factor.reset(user.id, actor=current_user)
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash(_("Die Zwei-Faktor-Anmeldung von %(name)s ist zurückgesetzt; ihre Sitzungen wurden beendet.",
                name=user.name), "success")
    return redirect(url_for(".detail", user_id=user_id))

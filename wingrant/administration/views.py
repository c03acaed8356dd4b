"""Pages for the WiN-Geschäftsführung that read across the infrastructure: the audit log.

The ``administration`` blueprint. The audit log lists every write, failed login and denied access
(written by ``audit.services.record`` from every feature); the page checks ``auth`` permissions
and shows user and neighbourhood names. It sits above ``auth`` and ``audit`` so that ``audit``
stays at the bottom, importable by ``auth``'s services without a cycle.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit.models import AuditEvent
from ..auth.models import User
from ..auth.permissions import Action, can, deny, is_global_admin, neighbourhood_ids_for
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at, whole_number
from ..neighbourhoods import cities as city_queries
from ..neighbourhoods import services as neighbourhood_services
from ..neighbourhoods.models import City, Neighbourhood
from .forms import CityForm, NeighbourhoodCityForm, population_form

bp = Blueprint("administration", __name__, url_prefix="/verwaltung")

PAGE_SIZE = 50


@bp.get("/audit/")
@login_required
def audit_log():
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)
    neighbourhood_id = request.args.get("quartier", type=whole_number)
    action = request.args.get("aktion", "", type=str).strip()[:80]
    page = max(1, min(request.args.get("seite", 1, type=whole_number), 10_000))

    stmt = (
        sa.select(AuditEvent, User.name, User.email, Neighbourhood.name.label("neighbourhood"))
        .outerjoin(User, AuditEvent.user_id == User.id)
        .outerjoin(Neighbourhood, AuditEvent.neighbourhood_id == Neighbourhood.id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if neighbourhood_id:
        stmt = stmt.where(AuditEvent.neighbourhood_id == neighbourhood_id)
    scope = neighbourhood_ids_for(current_user, Action.ADMINISTER)
    if scope is not None:  # a city administrator reads what happened in the city's neighbourhoods
        stmt = stmt.where(AuditEvent.neighbourhood_id.in_(scope))
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    # No COUNT over the whole log (it only grows): one row more than a page says whether there is a next.
    rows = db.session.execute(stmt.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    names = sa.select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)
    neighbourhoods = db.session.execute(names if scope is None else names.where(Neighbourhood.id.in_(scope))).all()
    return render_template("administration/audit_log.html", rows=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE,
                           page=page, neighbourhoods=neighbourhoods, neighbourhood_id=neighbourhood_id,
                           action=action)


@bp.route("/einwohnerzahlen", methods=["GET", "POST"])
@login_required
def populations():
    """Residents per neighbourhood: the annual report's money per resident divides by them."""
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)
    stmt = sa.select(Neighbourhood).where(Neighbourhood.active.is_(True)).order_by(Neighbourhood.name)
    scope = neighbourhood_ids_for(current_user, Action.ADMINISTER)
    if scope is not None:
        stmt = stmt.where(Neighbourhood.id.in_(scope))
    neighbourhoods = list(db.session.execute(stmt).scalars())
    form = population_form(neighbourhoods, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            changed = neighbourhood_services.set_populations(
                {nb.id: form[f"population_{nb.id}"].data for nb in neighbourhoods}, user=current_user)
        except DomainError as error:
            show_error_at(form, error)
        else:
            flash(_("Einwohnerzahlen gespeichert (%(n)s geändert).", n=changed), "success")
            return redirect(url_for(".populations"))
    return render_template("administration/populations.html", form=form, neighbourhoods=neighbourhoods), \
        422 if form.errors else 200


def _global_admin_only() -> None:
    """Cities are the WiN-Geschäftsführung's: a city administrator keeps to the city given."""
    if not is_global_admin(current_user):
        deny(Action.ADMINISTER)


@bp.route("/staedte", methods=["GET", "POST"])
@bp.route("/staedte/<int:city_id>", methods=["GET", "POST"])
@login_required
def cities(city_id: int | None = None):
    """The Stadtgemeinden: create one, change one (``city_id``), and which city each neighbourhood is in."""
    _global_admin_only()
    city = db.session.get(City, city_id) or abort(404) if city_id is not None else None
    form = CityForm(obj=city, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            saved = neighbourhood_services.save_city(
                city_id, slug=form.slug.data, name=form.name.data, ags=form.ags.data,
                position=form.position.data or 0, user=current_user)
        except DomainError as error:
            show_error_at(form, error)
        else:
            flash(_("Stadtgemeinde %(name)s gespeichert.", name=saved.name), "success")
            return redirect(url_for(".cities"))
    found = city_queries.all_cities()
    neighbourhoods = list(db.session.execute(sa.select(Neighbourhood).order_by(Neighbourhood.name)).scalars())
    return render_template("administration/cities.html", form=form, city=city, cities=found,
                           neighbourhoods=neighbourhoods, choices=[(c.id, c.name) for c in found]), \
        422 if form.errors else 200


@bp.post("/staedte/quartier")
@login_required
def assign_city():
    _global_admin_only()
    form = NeighbourhoodCityForm()
    form.city.choices = [(c.id, c.name) for c in city_queries.all_cities()]
    try:
        neighbourhood_id = whole_number(form.neighbourhood.data or "")
    except ValueError:
        neighbourhood_id = None
    if not form.validate() or neighbourhood_id is None:
        flash(_("Bitte eine Stadtgemeinde wählen."), "error")
        return redirect(url_for(".cities"))
    try:
        changed = neighbourhood_services.assign_city(neighbourhood_id, form.city.data, user=current_user)
    except DomainError as error:
        flash(str(error), "error")
    else:
        if changed:
            flash(_("Das Quartier gehört jetzt zur gewählten Stadtgemeinde."), "success")
    return redirect(url_for(".cities"))

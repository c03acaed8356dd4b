"""Pages for the WiN-Geschäftsführung that read across the infrastructure: the audit log, the
neighbourhoods' populations and their Förderzeiträume.

The ``administration`` blueprint. The audit log lists every write, failed login and denied access
(written by ``audit.services.record`` from every feature); the page checks ``auth`` permissions
and shows user and neighbourhood names. It sits above ``auth`` and ``audit`` so that ``audit``
stays at the bottom, importable by ``auth``'s services without a cycle.
"""

from __future__ import annotations

from datetime import date

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
from ..neighbourhoods import periods as period_rules
from ..neighbourhoods import queries as area_queries
from ..neighbourhoods import services as neighbourhood_services
from ..neighbourhoods.models import City, Neighbourhood, Programme
from .forms import CityForm, EndPeriodForm, NeighbourhoodCityForm, PeriodForm, population_form

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


def _administer() -> None:
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)


@bp.get("/foerdergebiete")
@login_required
def areas():
    """Every neighbourhood with its Förderzeitraum, current and past areas apart."""
    _administer()
    ids = neighbourhood_ids_for(current_user, Action.ADMINISTER)
    neighbourhoods = list(db.session.execute(sa.select(Neighbourhood).where(
        Neighbourhood.id.in_(ids) if ids is not None else sa.true()).order_by(Neighbourhood.name)).scalars())
    found = area_queries.periods_by_neighbourhood()
    today = date.today()
    rows = [(nb, period_rules.is_current(found.get(nb.id, []), today), period_rules.ranges(found.get(nb.id, [])))
            for nb in neighbourhoods]
    return render_template("administration/areas.html", rows=rows)


def _period_forms(add: PeriodForm | None = None, end: EndPeriodForm | None = None):
    add = add or PeriodForm(formdata=None)
    add.programme_id.choices = [("", _("das WiN-Gebiet insgesamt"))] + [
        (str(p.id), p.name) for p in db.session.execute(sa.select(Programme).order_by(Programme.position,
                                                                                       Programme.code)).scalars()]
    return add, end or EndPeriodForm(formdata=None)


def _render_periods(nb, add, end, status=200):
    periods = area_queries.periods_of(nb.id)
    names = dict(db.session.execute(sa.select(Programme.id, Programme.name)).all())
    return render_template("administration/area_periods.html", nb=nb, periods=periods, names=names, add=add,
                           end=end, current=period_rules.is_current(periods, date.today()),
                           ranges=period_rules.ranges(periods)), status


def _area(slug: str) -> Neighbourhood:
    _administer()
    nb = db.session.execute(sa.select(Neighbourhood).filter_by(slug=slug)).scalar_one_or_none() or abort(404)
    if not can(current_user, nb.id, Action.ADMINISTER):  # a city administrator: another city's area
        abort(404)
    return nb


@bp.route("/foerdergebiete/<slug>", methods=["GET", "POST"])
@login_required
def area_periods(slug):
    """The history of one area's Förderzeiträume; a new period is added here."""
    nb = _area(slug)
    add, end = _period_forms(PeriodForm() if request.method == "POST" else None)
    if request.method == "POST" and add.validate():
        try:
            neighbourhood_services.add_period(
                nb.id, programme_id=add.programme_id.data, valid_from=add.valid_from.data,
                valid_until=add.valid_until.data, decision_reference=add.decision_reference.data or "",
                note=add.note.data or "", user=current_user)
        except DomainError as error:
            show_error_at(add, error, "valid_from")
        else:
            flash(_("Förderzeitraum gespeichert."), "success")
            return redirect(url_for(".area_periods", slug=nb.slug))
    return _render_periods(nb, add, end, 422 if add.errors else 200)


@bp.post("/foerdergebiete/<slug>/beenden")
@login_required
def end_area_period(slug):
    nb = _area(slug)
    add, end = _period_forms(end=EndPeriodForm())
    if end.validate():
        period_id = _whole_number_or_none(end.period_id.data)
        own = {p.id for p in area_queries.periods_of(nb.id)}
        if period_id not in own:
            abort(404)
        try:
            neighbourhood_services.end_period(period_id, end.valid_until.data, user=current_user)
        except DomainError as error:
            show_error_at(end, error, "valid_until")
        else:
            flash(_("Förderzeitraum beendet."), "success")
            return redirect(url_for(".area_periods", slug=nb.slug))
    return _render_periods(nb, add, end, 422)


def _whole_number_or_none(value) -> int | None:
    try:
        return whole_number(value)
    except (TypeError, ValueError):
        return None


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

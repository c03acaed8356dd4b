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
from ..auth.permissions import Action, can, deny
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at, whole_number
from ..neighbourhoods import periods as period_rules
from ..neighbourhoods import queries as area_queries
from ..neighbourhoods import services as neighbourhood_services
from ..neighbourhoods.models import Neighbourhood, Programme
from .forms import EndPeriodForm, PeriodForm, population_form

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
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    # No COUNT over the whole log (it only grows): one row more than a page says whether there is a next.
    rows = db.session.execute(stmt.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    neighbourhoods = db.session.execute(
        sa.select(Neighbourhood.id, Neighbourhood.name).order_by(Neighbourhood.name)).all()
    return render_template("administration/audit_log.html", rows=rows[:PAGE_SIZE], has_next=len(rows) > PAGE_SIZE,
                           page=page, neighbourhoods=neighbourhoods, neighbourhood_id=neighbourhood_id,
                           action=action)


@bp.route("/einwohnerzahlen", methods=["GET", "POST"])
@login_required
def populations():
    """Residents per neighbourhood: the annual report's money per resident divides by them."""
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)
    neighbourhoods = list(db.session.execute(
        sa.select(Neighbourhood).where(Neighbourhood.active.is_(True)).order_by(Neighbourhood.name)).scalars())
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
    neighbourhoods = list(db.session.execute(sa.select(Neighbourhood).order_by(Neighbourhood.name)).scalars())
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
    return db.session.execute(sa.select(Neighbourhood).filter_by(slug=slug)).scalar_one_or_none() or abort(404)


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

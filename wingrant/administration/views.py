"""Pages for the WiN-Geschäftsführung that read across the infrastructure: the audit log.

The ``administration`` blueprint. The audit log lists every write, failed login and denied access
(written by ``audit.services.record`` from every feature); the page checks ``auth`` permissions
and shows user and neighbourhood names. It sits above ``auth`` and ``audit`` so that ``audit``
stays at the bottom, importable by ``auth``'s services without a cycle.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..audit.models import AuditEvent
from ..auth.models import User
from ..auth.permissions import Action, can, deny
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at, whole_number
from ..neighbourhoods import services as neighbourhood_services
from ..neighbourhoods.models import Neighbourhood
from .forms import population_form

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

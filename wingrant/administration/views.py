"""Pages for the WiN-Geschäftsführung that read across the infrastructure: the audit log.

The ``administration`` blueprint. The audit log lists every write, failed login and denied access
(written by ``audit.services.record`` from every feature); the page checks ``auth`` permissions
and shows user and neighbourhood names. It sits above ``auth`` and ``audit`` so that ``audit``
stays at the bottom, importable by ``auth``'s services without a cycle.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..audit.models import AuditEvent
from ..auth.models import User
from ..auth.permissions import Action, can, deny
from ..extensions import db
from ..fields import whole_number
from ..neighbourhoods.models import Neighbourhood

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

"""A programme owner's work list: the referred cases (Dissens-Verfahren) and the decided applications
waiting for their grant that ask money of its programmes, each linked to the page where it decides.

Administrators see the list for every programme. Two queries, whatever the number of cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..applications.models import Application, FinancingItem, FundingSource
from ..applications.models import ApplicationState as S
from ..auth.permissions import Action, ProgrammeAction, budget_programme_ids_for, can_for_programmes, deny
from ..extensions import db
from ..meetings.models import AgendaItem, Decision, Meeting
from ..meetings.queries import requested_amounts
from ..neighbourhoods.models import Neighbourhood

bp = Blueprint("owner_cases", __name__, url_prefix="/verwaltung/programmfaelle")

STATES = (S.REFERRED, S.APPROVED, S.APPROVED_WITH_CHANGES)


@dataclass(frozen=True)
class Case:
    application: Application
    neighbourhood: Neighbourhood
    meeting_id: int
    item_id: int
    #: The owner may act on it: it owns every programme the application asks money of.
    actionable: bool


def cases(user, programme_ids) -> list[Case]:
    """Referred or decided-not-granted applications asking money of ``programme_ids`` (``None``: any)."""
    asks = sa.select(FinancingItem.application_id).where(FinancingItem.source == FundingSource.PROGRAMME)
    if programme_ids is not None:
        asks = asks.where(FinancingItem.programme_id.in_(sorted(programme_ids)))
    latest = (sa.select(sa.func.max(Decision.id)).where(Decision.application_id == Application.id,
                                                         Decision.outcome.is_not(None))
              .correlate(Application).scalar_subquery())
    rows = db.session.execute(
        sa.select(Application, Neighbourhood, AgendaItem.meeting_id, AgendaItem.id)
        .join(Neighbourhood, Application.neighbourhood_id == Neighbourhood.id)
        .join(Decision, Decision.id == latest)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(Application.state.in_(STATES), Application.id.in_(asks))
        .options(selectinload(Application.financing_items))
        .order_by(Application.state, Meeting.date, Application.id)
    ).all()
    action = ProgrammeAction.DECIDE_REFERRALS
    return [Case(app, nb, meeting_id, item_id, can_for_programmes(user, requested_amounts(app), action))
            for app, nb, meeting_id, item_id in rows]


@bp.get("/")
@login_required
def index():
    owned = budget_programme_ids_for(current_user)
    if owned is not None and not owned:
        deny(Action.ADMINISTER)
    found = cases(current_user, owned)
    return render_template("administration/owner_cases.html",
                           referred=[c for c in found if c.application.state == S.REFERRED],
                           to_grant=[c for c in found if c.application.state != S.REFERRED])

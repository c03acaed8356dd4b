"""The forum's decisions on one application, as its Träger may read them through the private link.

Handed to the ``applicant`` feature by the app factory (``applicant.decisions.SOURCE_KEY``).
Released: the minutes of the decision's meeting are approved (or published), or the
WiN-Geschäftsführung decided the referred case. Before that a decision can still be
corrected, so the Träger learns only that one is pending.
"""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa

from ..applicant.decisions import DecisionLine, DecisionState, ReleasedDecision
from ..applications.models import Application, FundingSource
from ..extensions import db
from ..meetings.consensus import APPROVALS
from ..meetings.labels import OUTCOMES
from ..meetings.models import AgendaItem, Decision, Meeting
from ..neighbourhoods.models import Programme
from .letters import NEXT_STEPS
from .models import Minutes, MinutesState

RELEASING = (MinutesState.APPROVED, MinutesState.PUBLISHED)


def decision_state(app: Application) -> DecisionState:
    """Three queries: the decisions with their meeting and minutes, the programmes' names (amounts load
    with the decisions)."""
    rows = db.session.execute(
        sa.select(Decision, Meeting.date, Minutes.state)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .where(Decision.application_id == app.id, Decision.outcome.is_not(None))
        .options(sa.orm.selectinload(Decision.amounts))
        .order_by(Meeting.date, Decision.id)).all()
    if not rows:
        return DecisionState()
    names = dict(db.session.execute(sa.select(Programme.id, Programme.name)).all())
    requested: dict[int, int] = {}
    for item in app.financing_items:
        if item.source == FundingSource.PROGRAMME and item.programme_id is not None:
            requested[item.programme_id] = requested.get(item.programme_id, 0) + item.amount_cents
    released, pending = [], []
    for decision, meeting_date, minutes_state in rows:
        minutes_approved = minutes_state in RELEASING
        if not minutes_approved and decision.admin_outcome is None:
            pending.append(decision.decided_at or datetime.combine(meeting_date, time.min))
            continue
        outcome = decision.admin_outcome or decision.outcome
        approved = {a.programme_id: a.amount_cents for a in decision.amounts} if outcome in APPROVALS else {}
        lines = [DecisionLine(names[pid], requested.get(pid, 0), approved.get(pid, 0))
                 for pid in sorted(set(requested) | set(approved), key=lambda p: names[p])]
        released.append(ReleasedDecision(
            decision_id=decision.id, meeting_date=meeting_date, forum=app.neighbourhood.forum_name,
            outcome=str(OUTCOMES[outcome]), approved=outcome in APPROVALS, next_step=NEXT_STEPS[outcome],
            lines=lines, conditions=decision.conditions or "",
            reason="" if outcome in APPROVALS else (decision.reason or ""), has_letter=minutes_approved))
    return DecisionState(released, min(pending) if pending else None)

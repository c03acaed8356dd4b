"""When the QM may approve the minutes without a forum meeting: the objection period.

The period runs from the latest circulation of the draft (``circulation.circulate``). Edits
after it do not restart it; a changed decision requires circulating again, and the period
restarts only then. Minutes never circulated through wingrant (sent some other way) keep the
earlier rule: the period runs from the meeting or from the latest edit of the draft, whichever is
later. Objections to the minutes received since the latest circulation block an approval by the
QM: the forum decides at its next meeting.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import sqlalchemy as sa

from ..audit.models import AuditEvent
from ..extensions import db
from ..meetings.models import AgendaItem, Decision, DecisionAmount, Meeting, Resolution
from ..neighbourhoods.models import Neighbourhood
from .models import Minutes, MinutesCirculation, MinutesObjection


def last_draft_change(minutes_id: int | None) -> date | None:
    """When the draft was last edited (from the audit log)."""
    if minutes_id is None:
        return None
    when = db.session.execute(
        sa.select(sa.func.max(AuditEvent.occurred_at)).where(
            AuditEvent.object_type == "Minutes", AuditEvent.object_id == minutes_id,
            AuditEvent.action == "minutes.update")
    ).scalar_one()
    return when.date() if when else None


def latest_circulation(minutes_id: int | None) -> MinutesCirculation | None:
    if minutes_id is None:
        return None
    return db.session.execute(
        sa.select(MinutesCirculation).where(MinutesCirculation.minutes_id == minutes_id)
        .order_by(MinutesCirculation.circulated_at.desc(), MinutesCirculation.id.desc()).limit(1)
    ).scalar_one_or_none()


def decisions_fingerprint(meeting_id: int) -> str:
    """SHA-256 over what the forum decided at the meeting: outcomes, amounts, conditions, reasons, votes."""
    decisions = db.session.execute(
        sa.select(Decision.id, Decision.agenda_item_id, Decision.outcome, Decision.reason, Decision.conditions,
                  Decision.votes_yes, Decision.votes_no, Decision.votes_abstain)
        .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id).order_by(Decision.agenda_item_id)).all()
    amounts = db.session.execute(
        sa.select(DecisionAmount.decision_id, DecisionAmount.programme_id, DecisionAmount.amount_cents)
        .where(DecisionAmount.decision_id.in_([d.id for d in decisions]))
        .order_by(DecisionAmount.decision_id, DecisionAmount.programme_id)).all()
    by_decision: dict[int, list] = {}
    for decision_id, programme_id, cents in amounts:
        by_decision.setdefault(decision_id, []).append([programme_id, cents])
    data: list = [[d.agenda_item_id, d.outcome.value if d.outcome else None, d.reason or "", d.conditions or "",
                   d.votes_yes, d.votes_no, d.votes_abstain, by_decision.get(d.id, [])] for d in decisions]
    resolutions = db.session.execute(
        sa.select(Resolution.agenda_item_id, Resolution.outcome, Resolution.title, Resolution.text,
                  Resolution.final_text, Resolution.reason, Resolution.addressee)
        .join(AgendaItem, Resolution.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id).order_by(Resolution.agenda_item_id)).all()
    if resolutions:  # only then: the fingerprints of meetings without resolutions stay as they were
        data.append(["resolutions", [[r.agenda_item_id, r.outcome.value if r.outcome else None, r.title, r.text,
                                      r.final_text, r.reason, r.addressee] for r in resolutions]])
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()


def decisions_changed_since(circulation: MinutesCirculation | None, meeting_id: int) -> bool:
    return circulation is not None and circulation.decisions_sha256 != decisions_fingerprint(meeting_id)


def objections(minutes_id: int | None) -> list[MinutesObjection]:
    if minutes_id is None:
        return []
    return list(db.session.execute(
        sa.select(MinutesObjection).where(MinutesObjection.minutes_id == minutes_id)
        .order_by(MinutesObjection.received_on, MinutesObjection.id)).scalars())


def standing_objections(minutes_id: int | None, circulation: MinutesCirculation | None) -> list[MinutesObjection]:
    """Objections against the draft as last circulated (earlier ones led to the new circulation)."""
    since = circulation.circulated_at.date() if circulation else None
    return [o for o in objections(minutes_id) if since is None or o.received_on >= since]


def objection_period_end(meeting: Meeting, minutes: Minutes | None, neighbourhood: Neighbourhood) -> date:
    """The first day on which the QM may approve the minutes without a forum meeting."""
    circulation = latest_circulation(minutes.id if minutes else None)
    if circulation is not None:
        start = circulation.circulated_at.date()
    else:
        changed = last_draft_change(minutes.id if minutes else None)
        start = max(meeting.date, changed) if changed else meeting.date
    return start + timedelta(days=neighbourhood.objection_period_days)

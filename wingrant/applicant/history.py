"""The application's story as its Träger may read it on the private page.

Only what is addressed to the Träger: the steps of the life cycle (without the
QM's notes on them, except where the note is meant for the Träger: why the
application was withdrawn, what to correct in the Verwendungsnachweis), the
Rückfragen and answers, the forum's decisions once released, grants, payouts
(without the office's memo) and the Verwendungsnachweis drafts. Forum outcomes
appear as the released decision, never as the bare step: a decision whose minutes
are not approved may still change. Staff names, files uploaded by staff and the
versions the forum saw stay internal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from ..applications.lifecycle import FORUM_OUTCOMES, STATE_LABELS
from ..applications.models import Application, ApplicationComment, ApplicationTransition
from ..applications.models import ApplicationState as S
from ..extensions import db
from ..funding import drafts
from ..funding import queries as funding_queries
from .decisions import DecisionState, ReleasedDecision


@dataclass(frozen=True)
class Entry:
    at: datetime
    #: "step", "question", "answer", "decision", "grant", "payout", "draft"
    kind: str
    state: S | None = None
    text: str = ""
    amount_cents: int | None = None
    programme: str = ""
    number: str = ""
    on: date | None = None
    decision: ReleasedDecision | None = None
    #: A draft's state: "submitted", "accepted", "returned".
    draft_state: str = ""


def reason_for_applicant(from_state: S | None, to_state: S) -> bool:
    """Whether a step's note is meant for the Träger (the others are the office's own notes)."""
    return to_state == S.WITHDRAWN or (from_state == S.REPORT_SUBMITTED and to_state == S.RUNNING)


def is_forum_step(from_state: S | None, to_state: S) -> bool:
    """A forum outcome, or its correction back to Beschlussreif: shown as the released decision instead."""
    return to_state in FORUM_OUTCOMES or (from_state in FORUM_OUTCOMES and to_state == S.READY)


def status_label(state: S, decisions: DecisionState) -> str:
    """The state as the Träger may know it: a forum outcome only once released."""
    if state in FORUM_OUTCOMES and (decisions.pending or not decisions.released):
        return _("In der Sitzung beraten")
    return str(STATE_LABELS[state])


def history(app: Application, decisions: DecisionState) -> list[Entry]:
    """Oldest first: a handful of queries, whatever the application's age."""
    entries = [
        Entry(t.created_at, "step", state=t.to_state,
              text=t.reason if reason_for_applicant(t.from_state, t.to_state) else "")
        for t in db.session.execute(
            sa.select(ApplicationTransition).where(ApplicationTransition.application_id == app.id)).scalars()
        if not is_forum_step(t.from_state, t.to_state)
    ]
    entries += [
        Entry(c.created_at, "question" if c.user_id is not None else "answer", text=c.body)
        for c in db.session.execute(
            sa.select(ApplicationComment).where(ApplicationComment.application_id == app.id)).scalars()
    ]
    entries += [Entry(datetime.combine(d.meeting_date, time.max), "decision", decision=d)
                for d in decisions.released]
    rows = funding_queries.grant_rows(app)
    for row in rows:
        entries.append(Entry(row.grant.created_at, "grant", amount_cents=row.grant.amount_cents,
                             programme=row.programme_name, number=row.grant.number, on=row.grant.granted_on))
    names = {row.grant.id: row.programme_name for row in rows}
    entries += [Entry(p.created_at, "payout", amount_cents=p.amount_cents, programme=names.get(p.grant_id, ""),
                      on=p.paid_on) for p in funding_queries.payouts(app)]
    for d in drafts.drafts_of(app):
        entries.append(Entry(d.submitted_at, "draft", draft_state="submitted"))
        if d.decided_at is not None:
            entries.append(Entry(d.decided_at, "draft", draft_state=d.state.value, text=d.return_reason))
    order = {"step": 0, "question": 1, "answer": 1}
    return sorted(entries, key=lambda e: (e.at, order.get(e.kind, 2)))

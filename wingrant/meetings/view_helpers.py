"""What the meeting pages of both blueprints share: the meeting of the URL.

``views`` (planning: agenda, attendance) and ``live_views`` (the meeting in session, beamer,
invitation, administration) load a meeting the same way — within the neighbourhood of the URL,
after the permission check — and show a service's ``DomainError`` at the form field it names.
Neither view module imports the other; both import this.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from ..auth.permissions import Action, ProgrammeAction, authorize, can, can_for_programmes, deny, scoped_or_404
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood
from . import queries, signals
from .forms import ButtonForm, ObjectionForm
from .models import AgendaItem, Meeting, RoomSignal, SignalKind


def load(slug: str, meeting_id: int, action: Action) -> tuple[Neighbourhood, Meeting]:
    """The neighbourhood of the URL (if the user may ``action`` there) and its meeting."""
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Meeting, meeting_id, neighbourhood)


def load_for_administration(slug: str, meeting_id: int, item_id: int) -> tuple[Neighbourhood, Meeting]:
    """The meeting of an administration page (referred case, grant): for the WiN-Geschäftsführung, or for
    the owner of every programme the item's application asks money of (and for nothing else there)."""
    neighbourhood = db.session.execute(sa.select(Neighbourhood).filter_by(slug=slug)).scalar_one_or_none()
    if neighbourhood is None:
        abort(404)
    if not can(current_user, neighbourhood.id, Action.ADMINISTER):
        item = db.session.get(AgendaItem, item_id)
        asked = queries.requested_amounts(item.application) if item is not None and item.application else {}
        # an administrator refused here administers another city: no programme owner's way round that
        if current_user.is_admin or not can_for_programmes(current_user, asked, ProgrammeAction.DECIDE_REFERRALS):
            deny(Action.ADMINISTER, neighbourhood.id)
    return neighbourhood, scoped_or_404(Meeting, meeting_id, neighbourhood)


def projector_link_key(meeting) -> str:
    """Where this browser's session keeps the projector link it created (the server keeps its hash only)."""
    return f"projector_link_{meeting.id}"


@dataclass(frozen=True)
class PendingSignal:
    signal: RoomSignal
    number: str
    #: For an objection: the recording form, prefilled with what the phone sent.
    form: ObjectionForm | None
    #: The item's decision is recorded meanwhile: an objection can no longer be taken in.
    decided: bool = False


def signal_context(meeting: Meeting) -> dict:
    """The QM's part of the room's signals: the code and the pending list (live page and its poll)."""
    numbers = signals.item_numbers(meeting.id)
    decided = signals.decided_item_ids(meeting.id)
    pending = [
        PendingSignal(s, numbers.get(s.agenda_item_id, ""), ObjectionForm(
            prefix=f"signal{s.id}", formdata=None,
            data={"group": s.group.value if s.group else "", "reason": s.reason})
            if s.kind == SignalKind.OBJECTION and s.agenda_item_id not in decided else None,
            decided=s.kind == SignalKind.OBJECTION and s.agenda_item_id in decided)
        for s in signals.pending(meeting.id)]
    return {"signal_code": signals.format_code(meeting.signal_code), "pending_signals": pending,
            "signals_possible": meeting.state in signals.OPEN_STATES, "signal_button": ButtonForm(formdata=None)}

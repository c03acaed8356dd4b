"""An application's story for its page: steps, comments, versions and files, oldest first.

Features above applications add their own events through ``add_source`` (the
funding feature adds grants and payouts), so this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..auth.models import User
from ..extensions import db
from .models import Application, ApplicationComment, ApplicationTransition, ApplicationVersion, Attachment
from .models import ApplicationState as S


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # "transition", "comment", "version", "attachment", "grant", "payout"
    actor: str
    #: The transition's states, the comment's or reason's text, the version number, the file name,
    #: the payout's memo.
    from_state: S | None = None
    to_state: S | None = None
    text: str = ""
    version: int | None = None
    #: Grant and payout: the amount, the programme's name, the Zuwendungsbescheid's number and the
    #: date on the notice or of the payment.
    amount_cents: int | None = None
    programme: str = ""
    grant_number: str = ""
    on: date | None = None


#: Where further events come from: features above applications add theirs (funding: grants, payouts).
_SOURCES: list[Callable[[Application], Iterable[TimelineEvent]]] = []


def add_source(source: Callable[[Application], Iterable[TimelineEvent]]):
    """Register a function that gives more events of an application (usable as a decorator)."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


#: Events at the same moment are shown in this order (the step first, then its text, …).
_ORDER = {"transition": 0, "comment": 1, "version": 2, "attachment": 3, "grant": 4, "payout": 5}


def timeline(app: Application) -> list[TimelineEvent]:
    """The application's whole story, oldest first: four queries, plus those of the added sources."""
    events = [
        TimelineEvent(t.created_at, "transition", name or "", from_state=t.from_state, to_state=t.to_state,
                      text=t.reason)
        for t, name in db.session.execute(
            sa.select(ApplicationTransition, User.name).outerjoin(User, ApplicationTransition.user_id == User.id)
            .where(ApplicationTransition.application_id == app.id))
    ]
    events += [
        TimelineEvent(c.created_at, "comment", c.author_name or (name or ""), text=c.body)
        for c, name in db.session.execute(
            sa.select(ApplicationComment, User.name).outerjoin(User, ApplicationComment.user_id == User.id)
            .where(ApplicationComment.application_id == app.id))
    ]
    events += [
        TimelineEvent(v.created_at, "version", "", version=v.version)
        for v in db.session.execute(
            sa.select(ApplicationVersion).where(ApplicationVersion.application_id == app.id)).scalars()
    ]
    events += [
        TimelineEvent(a.created_at, "attachment", name or "", text=a.original_name)
        for a, name in db.session.execute(
            sa.select(Attachment, User.name).outerjoin(User, Attachment.uploaded_by_id == User.id)
            .where(Attachment.application_id == app.id))
    ]
    for source in _SOURCES:
        events += source(app)
    return sorted(events, key=lambda e: (e.at, _ORDER.get(e.kind, len(_ORDER))))

"""The QM is told when a draft's objection period has ended, so the minutes can be approved.

A scheduled job of the mail worker; each reminder is written once per minutes and end date (a later
circulation that restarts the period gives a new end date and so a new reminder)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.models import Role
from ..core.urls import external_url
from ..database import unit_of_work
from ..extensions import db
from ..mail import outbox, recipients
from ..mail.models import OutboxMail
from ..meetings.models import Meeting, MeetingState
from ..neighbourhoods.models import Neighbourhood
from .models import Minutes
from .objection_period import objection_period_end

#: Meetings further back than this are not reminded of (an old backlog is not news).
LOOKBACK = timedelta(days=120)


def remind_objection_periods_ended(today: date | None = None) -> int:
    today = today or date.today()
    written = 0
    with unit_of_work():
        rows = db.session.execute(
            sa.select(Meeting, Minutes, Neighbourhood)
            .join(Neighbourhood, Neighbourhood.id == Meeting.neighbourhood_id)
            .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
            .where(Meeting.state == MeetingState.HELD, Meeting.date >= today - LOOKBACK,
                   Meeting.date < today)
            .order_by(Meeting.date)).all()
        for meeting, minutes, neighbourhood in rows:
            ends = objection_period_end(meeting, minutes, neighbourhood)
            if today < ends:
                continue
            key = f"objection_period:{meeting.id}:{ends.isoformat()}"
            if db.session.execute(sa.select(OutboxMail.id).where(OutboxMail.dedup_key.startswith(key))).first():
                continue
            page = external_url("minutes.show", slug=neighbourhood.slug, meeting_id=meeting.id)
            for r in recipients.staff(neighbourhood.id, Role.MANAGER, "manager.objection_period"):
                with force_locale(r.language):
                    reason = _("Sie sind Quartiersmanager:in in %(neighbourhood)s.", neighbourhood=neighbourhood.name)
                mail = outbox.enqueue(
                    "manager.objection_period", to=r.email, template="manager_objection_period",
                    language=r.language, neighbourhood_id=neighbourhood.id,
                    context={"meeting": meeting, "neighbourhood": neighbourhood, "ends": ends, "page": page,
                             "name": r.name, "reason": reason, "contact": None})
                mail.dedup_key = f"{key}:{r.email}"
                written += 1
    return written

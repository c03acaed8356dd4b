"""Writes on the minutes: free texts, approval, publication and corrections.

Every function takes the acting user, runs in one unit of work that first
locks the meeting row (two people saving the same minutes are serialised, and
a meeting cannot be published twice), and writes an audit entry.

The life cycle: draft (texts editable) → approved (by the forum at a later
meeting, or by the QM after the objection period; the meeting is then locked)
→ published (the public PDF is rendered once and stored with its SHA-256;
it is never rendered again). A correction is a new stored version with a
mandatory reason; earlier versions stay.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ..audit import services as audit
from ..core.templating import format_date_de
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from ..meetings import signals
from ..meetings.models import AgendaItem, AgendaItemKind, Decision, Meeting, MeetingState
from ..neighbourhoods.models import Neighbourhood
from . import announce, letters
from .models import Minutes, MinutesState, MinutesVersion
from .objection_period import (
    decisions_changed_since,
    latest_circulation,
    objection_period_end,
    standing_objections,
)
from .pdf import render_pdf
from .record_loader import minutes_record

TEXT_MAX = 20_000
REASON_MIN = 10
REASON_MAX = 2_000


class MinutesError(DomainError):
    pass


@dataclass
class MinutesText:
    introduction: str = ""
    closing_remarks: str = ""
    next_meeting_date: date | None = None
    #: Notes per agenda item id.
    notes: dict[int, str] = field(default_factory=dict)


# --- helpers ------------------------------------------------------------------------


def _open(meeting_id: int) -> tuple[Meeting, Minutes | None]:
    """Lock the meeting for this unit of work and load its minutes, if any."""
    meeting = lock_row(Meeting, meeting_id)
    minutes = db.session.execute(
        sa.select(Minutes).where(Minutes.meeting_id == meeting.id).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    return meeting, minutes


def _create(meeting: Meeting, user) -> Minutes:
    minutes = Minutes(meeting_id=meeting.id)
    db.session.add(minutes)
    db.session.flush()
    audit.record("minutes.create", user=user, obj=minutes, neighbourhood_id=meeting.neighbourhood_id,
                 after={"meeting_id": meeting.id})
    return minutes


def _snapshot(minutes: Minutes, items: list[AgendaItem]) -> dict:
    return {
        "introduction": minutes.introduction or "",
        "closing_remarks": minutes.closing_remarks or "",
        "next_meeting_date": minutes.next_meeting_date.isoformat() if minutes.next_meeting_date else None,
        "notes": {str(i.id): i.notes or "" for i in items},
    }


def _apply_text(meeting: Meeting, minutes: Minutes, text: MinutesText) -> tuple[dict, dict]:
    """Write the free-text parts; returns the audit snapshots (before, after)."""
    for value, name in ((text.introduction, "introduction"), (text.closing_remarks, "closing_remarks"),
                        *((v, f"note_{k}") for k, v in text.notes.items())):
        if len(value or "") > TEXT_MAX:
            raise MinutesError(_("Höchstens %(max)s Zeichen.", max=TEXT_MAX), field=name)
    if text.next_meeting_date is not None and text.next_meeting_date <= meeting.date:
        raise MinutesError(_("Die nächste Sitzung muss nach dieser Sitzung liegen."), field="next_meeting_date")
    items = list(db.session.execute(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
    ).scalars())
    by_id = {i.id: i for i in items}
    unknown = set(text.notes) - set(by_id)
    if unknown:
        raise MinutesError(_("Dieser Tagesordnungspunkt gehört nicht zu dieser Sitzung."))
    before = _snapshot(minutes, items)
    minutes.introduction = (text.introduction or "").strip()
    minutes.closing_remarks = (text.closing_remarks or "").strip()
    minutes.next_meeting_date = text.next_meeting_date
    for item_id, notes in text.notes.items():
        by_id[item_id].notes = (notes or "").strip()
    after = _snapshot(minutes, items)
    return ({k: v for k, v in before.items() if v != after[k]}, {k: v for k, v in after.items() if v != before[k]})


def _is_locked(meeting: Meeting, minutes: Minutes | None) -> bool:
    return meeting.state == MeetingState.MINUTES_APPROVED or (
        minutes is not None and minutes.state != MinutesState.DRAFT)


def _store_version(meeting: Meeting, minutes: Minutes, *, number: int, reason: str, user) -> MinutesVersion:
    """Render the public PDF once and keep its bytes and checksum."""
    record = minutes_record(meeting.id, public=True)
    pdf = render_pdf(record, version=number, reason=reason)
    version = MinutesVersion(minutes_id=minutes.id, number=number, reason=reason, pdf=pdf,
                             sha256=hashlib.sha256(pdf).hexdigest(), size_bytes=len(pdf),
                             created_by_id=getattr(user, "id", None))
    db.session.add(version)
    db.session.flush()
    return version


# --- the writes ---------------------------------------------------------------------


def update_texts(meeting_id: int, text: MinutesText, *, user) -> Minutes:
    """Save introduction, closing remarks, next date and the items' notes of a draft."""
    with unit_of_work():
        meeting, minutes = _open(meeting_id)
        if _is_locked(meeting, minutes):
            raise MinutesError(_("Das Protokoll ist genehmigt und kann nicht mehr bearbeitet werden. "
                                 "Änderungen sind nur noch als Berichtigung möglich."))
        if meeting.state not in (MeetingState.HELD,) and meeting.date > date.today():
            raise MinutesError(_("Das Protokoll kann erst geschrieben werden, wenn die Sitzung stattgefunden hat."))
        minutes = minutes or _create(meeting, user)
        before, after = _apply_text(meeting, minutes, text)
        audit.record("minutes.update", user=user, obj=minutes, neighbourhood_id=meeting.neighbourhood_id,
                     before=before, after=after)
    return minutes


def approve(meeting_id: int, *, user, in_meeting_id: int | None = None, no_objections: bool = False,
            today: date | None = None) -> Minutes:
    """Approve the minutes — under a later meeting's item "Genehmigung des Protokolls",
    or (``in_meeting_id=None``) by the QM once the objection period has passed without objection.

    The meeting moves to "Protokoll genehmigt", which locks it for the meetings feature.
    """
    today = today or date.today()
    with unit_of_work():
        meeting, minutes = _open(meeting_id)
        if minutes is not None and minutes.state != MinutesState.DRAFT:
            raise MinutesError(_("Das Protokoll ist bereits genehmigt."))
        if meeting.state not in (MeetingState.HELD, MeetingState.MINUTES_APPROVED):
            raise MinutesError(_("Die Sitzung ist noch nicht als durchgeführt markiert."))
        undecided = db.session.execute(
            sa.select(sa.func.count(AgendaItem.id))
            .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.application_id.is_not(None),
                   Decision.outcome.is_(None))
        ).scalar_one()
        if undecided:
            raise MinutesError(ngettext(
                "Zu %(num)d Antrag fehlt noch der Beschluss; so kann das Protokoll nicht genehmigt werden.",
                "Zu %(num)d Anträgen fehlt noch der Beschluss; so kann das Protokoll nicht genehmigt werden.",
                undecided))
        neighbourhood = db.session.get(Neighbourhood, meeting.neighbourhood_id)
        if in_meeting_id is not None:
            later = db.session.get(Meeting, in_meeting_id)
            if later is None or later.neighbourhood_id != meeting.neighbourhood_id or later.date <= meeting.date:
                raise MinutesError(_("Bitte eine spätere Sitzung desselben Forums wählen."), field="meeting_id")
            has_item = db.session.execute(
                sa.select(AgendaItem.id).where(AgendaItem.meeting_id == later.id,
                                               AgendaItem.kind == AgendaItemKind.MINUTES_APPROVAL)
            ).first()
            if not has_item:
                raise MinutesError(_("Diese Sitzung hat keinen Tagesordnungspunkt „Genehmigung des Protokolls“."),
                                   field="meeting_id")
            if later.date > today:
                raise MinutesError(_("Diese Sitzung hat noch nicht stattgefunden."), field="meeting_id")
        else:
            if not no_objections:
                raise MinutesError(_("Bitte bestätigen, dass keine Einwände gegen den Entwurf eingegangen sind."),
                                   field="no_objections")
            circulation = latest_circulation(minutes.id if minutes else None)
            if decisions_changed_since(circulation, meeting.id):
                raise MinutesError(_("Ein Beschluss wurde nach dem Versand des Entwurfs geändert. Bitte den Entwurf "
                                     "erneut versenden; die Einspruchsfrist beginnt dann neu."))
            standing = standing_objections(minutes.id if minutes else None, circulation)
            if standing:
                raise MinutesError(ngettext(
                    "Gegen den Entwurf liegt %(num)d Einwand vor. Das Protokoll genehmigt dann das Forum in "
                    "einer Sitzung.",
                    "Gegen den Entwurf liegen %(num)d Einwände vor. Das Protokoll genehmigt dann das Forum in "
                    "einer Sitzung.", len(standing)))
            ends = objection_period_end(meeting, minutes, neighbourhood)
            if today < ends:
                raise MinutesError(_("Die Einspruchsfrist läuft noch: Genehmigung frühestens am %(date)s.",
                                     date=format_date_de(ends, "long")))
        minutes = minutes or _create(meeting, user)
        minutes.state = MinutesState.APPROVED
        minutes.approved_at = utcnow()
        minutes.approved_by_id = getattr(user, "id", None)
        minutes.approved_in_meeting_id = in_meeting_id
        if meeting.state != MeetingState.MINUTES_APPROVED:
            audit.record("meeting.state", user=user, obj=meeting, neighbourhood_id=meeting.neighbourhood_id,
                         before={"state": meeting.state.value}, after={"state": MeetingState.MINUTES_APPROVED.value})
            meeting.state = MeetingState.MINUTES_APPROVED
        # The objections the forum (or the QM) had before it when approving.
        objection_ids = [o.id for o in standing_objections(minutes.id, latest_circulation(minutes.id))]
        audit.record("minutes.approve", user=user, obj=minutes, neighbourhood_id=meeting.neighbourhood_id,
                     after={"in_meeting_id": in_meeting_id, "after_objection_period": in_meeting_id is None,
                            "objections": objection_ids})
        letters.write_letters(meeting.id)
        # The room's signals have served their purpose: what counts was recorded as objections.
        signals.delete_for_meeting(meeting.id)
    return minutes


def publish(meeting_id: int, *, user) -> MinutesVersion:
    """Render the public PDF once, store it as version 1 and publish the minutes; the forum's
    mailing list gets the links and the checksum (written in the same unit of work)."""
    with unit_of_work():
        meeting, minutes = _open(meeting_id)
        if minutes is None or minutes.state == MinutesState.DRAFT:
            raise MinutesError(_("Nur ein genehmigtes Protokoll kann veröffentlicht werden."))
        if minutes.state == MinutesState.PUBLISHED:
            raise MinutesError(_("Das Protokoll ist bereits veröffentlicht. Änderungen sind nur als Berichtigung "
                                 "(neue Version) möglich."))
        version = _store_version(meeting, minutes, number=1, reason="", user=user)
        minutes.state = MinutesState.PUBLISHED
        minutes.published_at = utcnow()
        told = announce.published(meeting, version)
        audit.record("minutes.publish", user=user, obj=minutes, neighbourhood_id=meeting.neighbourhood_id,
                     after={"version": 1, "sha256": version.sha256, "size_bytes": version.size_bytes,
                            "subscribers": told})
    return version


def correct(meeting_id: int, text: MinutesText | None, reason: str, *, user) -> MinutesVersion:
    """Publish a corrected version: texts changed as given, a new PDF, the earlier versions kept."""
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise MinutesError(_("Bitte den Grund der Berichtigung angeben (mindestens %(min)s Zeichen).",
                             min=REASON_MIN), field="reason")
    if len(reason) > REASON_MAX:
        raise MinutesError(_("Höchstens %(max)s Zeichen.", max=REASON_MAX), field="reason")
    with unit_of_work():
        meeting, minutes = _open(meeting_id)
        if minutes is None or minutes.state != MinutesState.PUBLISHED:
            raise MinutesError(_("Berichtigt werden kann nur ein veröffentlichtes Protokoll."))
        before, after = _apply_text(meeting, minutes, text) if text is not None else ({}, {})
        number = db.session.execute(
            sa.select(sa.func.max(MinutesVersion.number)).where(MinutesVersion.minutes_id == minutes.id)
        ).scalar_one() + 1
        version = _store_version(meeting, minutes, number=number, reason=reason, user=user)
        audit.record("minutes.correct", user=user, obj=minutes, neighbourhood_id=meeting.neighbourhood_id,
                     before=before, after={**after, "version": number, "reason": reason, "sha256": version.sha256})
    return version

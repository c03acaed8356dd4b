"""Writes on meetings: the meeting itself, its agenda, attendance and the live pointer.

Every function takes the acting user, runs in one unit of work, locks the
meeting row first (so two people editing the same meeting are serialised) and
writes an audit entry. Once the minutes are approved the meeting is locked:
every write here and in ``decisions.py`` is refused (``locking.open_meeting``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, time

import sqlalchemy as sa
from flask_babel import gettext as _

from ..applications import lifecycle
from ..applications.models import Application, ApplicationState
from ..audit import services as audit
from ..database import lock_row, unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..ledger.models import LedgerEntry
from ..neighbourhoods.models import Neighbourhood, Programme
from . import announce, queries, schedule

# Attendance lives in attendance.py; its writes stay reachable as services.add_attendee & co.
from .attendance import AttendeeData, add_attendee, remove_attendee, set_head_counts  # noqa: F401
from .follow import new_projector_token, projector_token_hash
from .locking import open_meeting
from .models import AgendaItem, AgendaItemKind, Decision, Meeting, MeetingState, Resolution

#: The WiN standard agenda. Stored titles are content of the minutes, so they are German data, not UI text.
DEFAULT_AGENDA: tuple[tuple[AgendaItemKind, str], ...] = (
    (AgendaItemKind.WELCOME, "Begrüßung"),
    (AgendaItemKind.MINUTES_APPROVAL, "Genehmigung des Protokolls der letzten Sitzung"),
    (AgendaItemKind.REPORTS, "Berichte und Vorstellungen"),
    (AgendaItemKind.APPLICATION, "Beratung und Beschluss der Anträge"),
    (AgendaItemKind.RESIDENTS, "Wünsche und Anliegen der Bewohner:innen"),
    (AgendaItemKind.OTHER, "Sonstiges"),
)

#: The way a meeting moves on here. "Protokoll genehmigt" is reached through the minutes
#: feature (``minutes.services.approve``), which owns the rules of approval (a later
#: meeting's item, or the objection period); from then on everything here is locked.
NEXT_STATE = {
    MeetingState.PLANNED: MeetingState.INVITED,
    MeetingState.INVITED: MeetingState.HELD,
}

TITLE_MAX = 300


def _item_of(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(_("Diesen Tagesordnungspunkt gibt es in dieser Sitzung nicht."))
    return item


# --- the meeting -----------------------------------------------------------------


@dataclass(frozen=True)
class MeetingData:
    date: date
    starts_at: time | None = None
    ends_at: time | None = None
    place: str = ""
    address: str = ""
    online: bool = False
    invitation_text: str = ""

    def cleaned(self) -> MeetingData:
        if self.date is None:
            raise DomainError(_("Bitte das Datum der Sitzung angeben."), field="date")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise DomainError(_("Das Ende muss nach dem Beginn liegen."), field="ends_at")
        place = self.place.strip()
        if not place and not self.online:
            raise DomainError(_("Bitte einen Ort angeben oder „online“ wählen."), field="place")
        text = self.invitation_text.replace("\r\n", "\n").strip()
        return MeetingData(self.date, self.starts_at, self.ends_at, place, self.address.strip(), self.online, text)


def _snapshot(data: MeetingData | Meeting) -> dict:
    values = asdict(data) if isinstance(data, MeetingData) else {
        k: getattr(data, k) for k in MeetingData.__dataclass_fields__}
    return {k: v.isoformat() if isinstance(v, date | time) else v for k, v in values.items()}


def standard_agenda(neighbourhood: Neighbourhood) -> list[tuple[AgendaItemKind, str]]:
    """The forum's own standard agenda where it has a valid one, else the WiN default."""
    custom = neighbourhood.standard_agenda
    if not isinstance(custom, list) or not custom:
        return list(DEFAULT_AGENDA)
    defaults = dict(DEFAULT_AGENDA)
    agenda = []
    for entry in custom:
        if not isinstance(entry, dict):
            return list(DEFAULT_AGENDA)
        try:
            kind = AgendaItemKind(entry.get("kind"))
        except ValueError:
            kind = AgendaItemKind.CUSTOM
        title = entry.get("title")
        title = title.strip() if isinstance(title, str) else ""
        title = title or defaults.get(kind, "")
        if title:
            agenda.append((kind, title[:TITLE_MAX]))
    return agenda or list(DEFAULT_AGENDA)


def create_meeting(neighbourhood: Neighbourhood, data: MeetingData, *, user) -> Meeting:
    data = data.cleaned()
    with unit_of_work():
        meeting = Meeting(neighbourhood_id=neighbourhood.id, **asdict(data))
        db.session.add(meeting)
        db.session.flush()
        for position, (kind, title) in enumerate(standard_agenda(neighbourhood)):
            db.session.add(AgendaItem(meeting_id=meeting.id, position=position, kind=kind, title=title))
        audit.record("meeting.create", user=user, obj=meeting, neighbourhood_id=neighbourhood.id,
                     after=_snapshot(data))
    return meeting


def update_meeting(meeting: Meeting, data: MeetingData, *, user) -> Meeting:
    data = data.cleaned()
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        schedule.check_move(meeting, data.date, data.starts_at)
        before = _snapshot(meeting)
        for key, value in asdict(data).items():
            setattr(meeting, key, value)
        audit.record("meeting.update", user=user, obj=meeting, neighbourhood_id=meeting.neighbourhood_id,
                     before=before, after=_snapshot(data))
    return meeting


def change_state(meeting: Meeting, target: MeetingState, *, user) -> Meeting:
    """Move the meeting one step on: geplant → eingeladen → durchgeführt (inviting mails the forum's list)."""
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        if target == MeetingState.MINUTES_APPROVED:
            raise DomainError(_("Das Protokoll wird unter „Protokolle“ genehmigt; danach ist die Sitzung gesperrt."))
        if NEXT_STATE.get(meeting.state) != target:
            raise DomainError(_("Dieser Statuswechsel ist nicht möglich."))
        if target == MeetingState.HELD:
            schedule.not_before_start(meeting, _("Die Sitzung beginnt am %(date)s um %(time)s Uhr; erst dann kann sie "
                                                 "als durchgeführt markiert werden."))
        before = meeting.state
        meeting.state = target
        after: dict = {"state": target.value}
        if target == MeetingState.INVITED:
            after["invited_subscribers"] = announce.invite_list(meeting)
        audit.record("meeting.state", user=user, obj=meeting, neighbourhood_id=meeting.neighbourhood_id,
                     before={"state": before.value}, after=after)
    return meeting


# --- the agenda --------------------------------------------------------------------


def _items(meeting: Meeting) -> list[AgendaItem]:
    return list(db.session.execute(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).scalars())


def _renumber(meeting: Meeting, ordered: list[AgendaItem], current: AgendaItem | None) -> None:
    """Positions 0..n-1 in the given order; the live pointer keeps pointing at the same item."""
    for position, item in enumerate(ordered):
        item.position = position
    meeting.current_position = current.position if current is not None and current in ordered else None


def _current(meeting: Meeting, items: list[AgendaItem]) -> AgendaItem | None:
    return next((i for i in items if i.position == meeting.current_position), None)


def add_item(meeting: Meeting, title: str, *, user, kind: AgendaItemKind = AgendaItemKind.CUSTOM) -> AgendaItem:
    """A free item (or a resolution's item), placed before "Sonstiges" (which stays last) or at the end."""
    title = title.strip()
    if not title:
        raise DomainError(_("Bitte einen Titel angeben."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("Der Titel ist zu lang (höchstens %(max)s Zeichen).", max=TITLE_MAX), field="title")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        items = _items(meeting)
        current = _current(meeting, items)
        item = AgendaItem(meeting_id=meeting.id, kind=kind, title=title)
        db.session.add(item)
        at = next((i for i in range(len(items) - 1, -1, -1) if items[i].kind == AgendaItemKind.OTHER), len(items))
        items.insert(at, item)
        _renumber(meeting, items, current)
        audit.record("meeting.agenda_add", user=user, obj=item, neighbourhood_id=meeting.neighbourhood_id,
                     after={"meeting_id": meeting.id, "title": title})
    return item


def move_item(meeting: Meeting, item_id: int, offset: int, *, user) -> None:
    """Move one item up (-1) or down (+1)."""
    if offset not in (-1, 1):
        raise DomainError(_("Ungültige Richtung."))
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        items = _items(meeting)
        item = _item_of(meeting, item_id)
        current = _current(meeting, items)
        index = items.index(item)
        target = index + offset
        if not 0 <= target < len(items):
            raise DomainError(_("Dieser Punkt steht schon ganz oben.") if offset < 0
                              else _("Dieser Punkt steht schon ganz unten."))
        items[index], items[target] = items[target], items[index]
        _renumber(meeting, items, current)
        audit.record("meeting.agenda_move", user=user, obj=item, neighbourhood_id=meeting.neighbourhood_id,
                     after={"meeting_id": meeting.id, "position": item.position})


def remove_item(meeting: Meeting, item_id: int, *, user) -> None:
    """Take an item off the agenda. An item with a recorded decision stays (it is part of the record)."""
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        items = _items(meeting)
        item = _item_of(meeting, item_id)
        current = _current(meeting, items)
        decision = db.session.execute(sa.select(Decision).filter_by(agenda_item_id=item.id)).scalar_one_or_none()
        if decision is not None and decision.outcome is not None:
            raise DomainError(_("Zu diesem Punkt ist ein Beschluss erfasst; er kann nicht von der Tagesordnung "
                                "genommen werden."))
        if decision is not None:
            booked = db.session.execute(
                sa.select(LedgerEntry.id).where(LedgerEntry.decision_id == decision.id).limit(1)).first()
            if booked:  # a decision taken back keeps its reversed bookings, and so its item
                raise DomainError(_("Zu diesem Punkt gibt es Buchungen im Budget; er bleibt auf der "
                                    "Tagesordnung."))
            db.session.delete(decision)  # objections and recusals of an undecided item go with it
        resolution = db.session.execute(sa.select(Resolution).filter_by(agenda_item_id=item.id)).scalar_one_or_none()
        if resolution is not None:
            if resolution.outcome is not None:
                raise DomainError(_("Zu diesem Punkt ist ein Beschluss erfasst; er kann nicht von der Tagesordnung "
                                    "genommen werden."))
            db.session.delete(resolution)  # the draft and its objections and recusals go with the item
        items.remove(item)
        audit.record("meeting.agenda_remove", user=user, obj=item, neighbourhood_id=meeting.neighbourhood_id,
                     before={"meeting_id": meeting.id, "title": item.title, "application_id": item.application_id})
        db.session.delete(item)
        db.session.flush()
        _renumber(meeting, items, current if current is not item else None)


def _insertion_index(items: list[AgendaItem], key: tuple, keys: dict[int, tuple]) -> int:
    """Where a new application item goes: into the applications block, in programme order."""
    block = [i for i, it in enumerate(items) if it.application_id is not None]
    if block:
        before = [i for i in block if keys[items[i].id] <= key]
        return max(before) + 1 if before else block[0]
    header = next((i for i, it in enumerate(items)
                   if it.kind == AgendaItemKind.APPLICATION and it.application_id is None), None)
    if header is not None:
        return header + 1
    tail = next((i for i, it in enumerate(items) if it.kind in (AgendaItemKind.RESIDENTS, AgendaItemKind.OTHER)),
                None)
    return tail if tail is not None else len(items)


def add_applications(meeting: Meeting, application_ids: list[int], *, user) -> list[AgendaItem]:
    """Put Beschlussreif applications of the meeting's neighbourhood on the agenda.

    A deferred application comes back through Beschlussreif: it is moved there
    first, in the same unit of work.
    """
    if not application_ids:
        raise DomainError(_("Bitte mindestens einen Antrag auswählen."), field="application_ids")
    added = []
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        programmes = {p.id: p for p in db.session.execute(sa.select(Programme)).scalars()}
        items = _items(meeting)
        current = _current(meeting, items)
        keys = {it.id: queries.group_key(it.application, programmes) for it in items if it.application_id is not None}
        for application_id in dict.fromkeys(application_ids):
            if db.session.get(Application, application_id) is None:  # a forged or stale id
                raise DomainError(_("Dieser Antrag gehört nicht zu diesem Quartier."), field="application_ids")
            application = lock_row(Application, application_id)
            if application.neighbourhood_id != meeting.neighbourhood_id:
                raise DomainError(_("Dieser Antrag gehört nicht zu diesem Quartier."), field="application_ids")
            _check_not_pending(application)
            if application.state == ApplicationState.DEFERRED:
                lifecycle.transition(application, ApplicationState.READY, user=user,
                                     reason=_("Nach Vertagung erneut auf die Tagesordnung gesetzt"))
            elif application.state != ApplicationState.READY:
                raise DomainError(_("„%(title)s“ ist nicht beschlussreif und kann nicht auf die Tagesordnung.",
                                    title=application.title), field="application_ids")
            title = f"{application.title} – {application.organisation.name}"[:TITLE_MAX]
            item = AgendaItem(meeting_id=meeting.id, kind=AgendaItemKind.APPLICATION, title=title,
                              application_id=application.id)
            db.session.add(item)
            db.session.flush()
            keys[item.id] = queries.group_key(application, programmes)
            items.insert(_insertion_index(items, keys[item.id], keys), item)
            added.append(item)
            audit.record("meeting.agenda_add", user=user, obj=item, neighbourhood_id=meeting.neighbourhood_id,
                         after={"meeting_id": meeting.id, "application_id": application.id, "title": title})
        _renumber(meeting, items, current)
    return added


def _check_not_pending(application: Application) -> None:
    """An application waits on at most one agenda at a time."""
    pending = db.session.execute(
        sa.select(Meeting.date)
        .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.application_id == application.id, Decision.outcome.is_(None))
    ).first()
    if pending:
        raise DomainError(_("„%(title)s“ steht bereits auf der Tagesordnung der Sitzung vom %(date)s.",
                            title=application.title, date=pending.date.strftime("%d.%m.%Y")),
                          field="application_ids")


# --- the live meeting ---------------------------------------------------------------


def update_notes(meeting: Meeting, item_id: int, notes: str, *, user) -> None:
    """Notes taken on an item during the meeting (they go into the minutes)."""
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        item = _item_of(meeting, item_id)
        before = item.notes
        item.notes = notes.strip()
        audit.record("meeting.notes", user=user, obj=item, neighbourhood_id=meeting.neighbourhood_id,
                     before={"notes": before}, after={"notes": item.notes})


def set_current_item(meeting: Meeting, item_id: int | None, *, user) -> None:
    """Open an agenda item in the live meeting (the projector follows); ``None`` closes it."""
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        before = meeting.current_position
        meeting.current_position = None if item_id is None else _item_of(meeting, item_id).position
        audit.record("meeting.current_item", user=user, obj=meeting, neighbourhood_id=meeting.neighbourhood_id,
                     before={"position": before}, after={"position": meeting.current_position})


def new_projector_link(meeting: Meeting, *, user) -> str:
    """A new secret projector link for this meeting; the old one stops working. Returns the token
    (shown once to the QM: only its hash is stored)."""
    token = new_projector_token()
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        replaced = meeting.projector_token_hash is not None
        meeting.projector_token_hash = projector_token_hash(token)
        audit.record("meeting.projector_link", user=user, obj=meeting, neighbourhood_id=meeting.neighbourhood_id,
                     before={"link": replaced}, after={"link": True})
    return token

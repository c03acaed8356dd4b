"""Signals from the room (Meldungen aus dem Raum): a phone signals an objection, a question or consent.

The rules:

- Only with the room code the QM switched on (shown on the projector and the QM's live page), only
  for the *current* item of a meeting that is being followed (eingeladen or durchgeführt), and an
  objection only on an application not yet decided.
- One signal per device and item: while it is pending, sending again *replaces* it (a wrong button
  or a reason added later is corrected, not doubled); once the QM has handled it, it is refused.
- Rate-limited per device and per address (a whole room may share one Wi-Fi address, so that limit
  is generous), and wrong codes per address, so the code cannot be guessed.
- No personal data: the device is a keyed hash of a random cookie, salted with the meeting, and the
  throttle's keys are keyed hashes too. No IP address, no name, no user agent is stored.
- A signal is not a decision: only what the QM records (``record_as_objection``) counts in the
  consensus rule. The public pages show counts only; reasons and groups are for the QM.
- Deleted when the minutes are approved (``delete_for_meeting``, in the approval's unit of work).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..audit import services as audit
from ..core import throttle
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from . import decisions, queries
from .locking import open_meeting
from .models import AgendaItem, AttendeeGroup, Decision, Meeting, MeetingState, RoomSignal, SignalKind, SignalState

#: States in which the room may signal (the public live page exists).
OPEN_STATES = frozenset({MeetingState.INVITED, MeetingState.HELD})
CODE_DIGITS = 6
REASON_MAX = 300
#: The device's random cookie (no meaning, no personal data; only its keyed hash is stored).
DEVICE_COOKIE = "wingrant_geraet"
DEVICE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
WINDOW = timedelta(minutes=10)
PER_DEVICE = 12
#: Everyone in a hall may come through one Wi-Fi address: generous, it stops floods, not people.
PER_ADDRESS = 400
WRONG_CODES_PER_ADDRESS = 10


class SignalRefused(DomainError):
    pass


# --- codes and keys ------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(text: str | None) -> str:
    """What a phone typed: "123 456", "123-456" and "123456" are the same code."""
    return re.sub(r"[\s\-.]", "", text or "")[:20]


def format_code(code: str | None) -> str:
    return f"{code[:3]} {code[3:]}" if code else ""


def new_device_token() -> str:
    return secrets.token_urlsafe(32)


def valid_device_token(token: str | None) -> bool:
    return bool(token and DEVICE_TOKEN.match(token))


def _keyed(purpose: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def device_hash(meeting_id: int, token: str) -> str:
    """Per meeting: the same phone in two meetings gives two unrelated hashes."""
    return _keyed(f"signal-device|{meeting_id}", token)


def address_key(ip: str) -> str:
    return _keyed("signal-address", ip or "-")[:32]


# --- the room signals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalData:
    kind: str
    item_id: int | None
    code: str = ""
    reason: str = ""
    group: str = ""


def current_item(meeting: Meeting) -> AgendaItem | None:
    if meeting.current_position is None:
        return None
    return db.session.execute(sa.select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.position == meeting.current_position)
        .order_by(AgendaItem.id)).scalars().first()


def _decided(item: AgendaItem) -> bool:
    return db.session.execute(sa.select(Decision.id).where(
        Decision.agenda_item_id == item.id, Decision.outcome.is_not(None))).first() is not None


def decided_item_ids(meeting_id: int) -> set[int]:
    """The meeting's agenda items whose decision is recorded (one query): an objection signalled on
    one of them came too late to be taken into the record; the QM can only dismiss it."""
    return set(db.session.execute(sa.select(Decision.agenda_item_id).join(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, Decision.outcome.is_not(None))).scalars())


def objection_possible(item: AgendaItem) -> bool:
    return item.application_id is not None and not _decided(item)


def _cleaned(data: SignalData) -> tuple[SignalKind, str, AttendeeGroup | None]:
    try:
        kind = SignalKind(data.kind)
    except ValueError:
        raise SignalRefused(_("Bitte wählen Sie: Einwand, Frage oder Zustimmung.")) from None
    reason = " ".join((data.reason or "").split())
    if len(reason) > REASON_MAX:
        raise SignalRefused(_("Die Begründung ist zu lang: höchstens %(max)s Zeichen.", max=REASON_MAX),
                            field="reason")
    try:
        group = AttendeeGroup(data.group) if data.group else None
    except ValueError:
        raise SignalRefused(_("Bitte eine Gruppe aus der Liste wählen."), field="group") from None
    return kind, reason if kind == SignalKind.OBJECTION else "", group if kind == SignalKind.OBJECTION else None


def _check_open(meeting: Meeting, item_id: int | None, kind: SignalKind) -> AgendaItem:
    if meeting.state not in OPEN_STATES:
        raise SignalRefused(_("Diese Sitzung läuft nicht; Meldungen sind nur während der Sitzung möglich."))
    if not meeting.signal_code:
        raise SignalRefused(_("Die Sitzungsleitung hat Meldungen aus dem Raum für diese Sitzung nicht "
                              "eingeschaltet."))
    item = current_item(meeting)
    if item is None:
        raise SignalRefused(_("Gerade wird kein Tagesordnungspunkt beraten. Meldungen sind nur zum "
                              "aktuellen Punkt möglich."))
    if item_id != item.id:
        raise SignalRefused(_("Inzwischen wird ein anderer Tagesordnungspunkt beraten. Bitte prüfen Sie, ob "
                              "Ihre Meldung dazu passt, und senden Sie sie noch einmal."))
    if kind == SignalKind.OBJECTION and not objection_possible(item):
        raise SignalRefused(_("Zu diesem Punkt ist kein Beschluss offen; ein Einwand ist nicht möglich. "
                              "Eine Frage können Sie stellen."))
    return item


def submit(meeting_id: int, data: SignalData, *, device_token: str, ip: str) -> tuple[RoomSignal, bool]:
    """Record (or replace) this device's signal for the current item. Returns it and whether it
    replaced an earlier one; refuses with a German message."""
    kind, reason, group = _cleaned(data)
    device = device_hash(meeting_id, device_token)
    address = address_key(ip)
    refusal: SignalRefused | None = None
    with unit_of_work():
        meeting = lock_row(Meeting, meeting_id)  # serialises one device's parallel sends
        item = _check_open(meeting, data.item_id, kind)
        try:
            attempt = throttle.take(throttle.Limit("signal.code", address, WRONG_CODES_PER_ADDRESS, WINDOW))
        except throttle.LimitReached:
            refusal = SignalRefused(_("Zu viele falsche Codes von Ihrem Netz. Bitte versuchen Sie es in "
                                      "%(minutes)s Minuten noch einmal.", minutes=WINDOW.seconds // 60))
        else:
            if not hmac.compare_digest(normalise_code(data.code), meeting.signal_code or ""):
                # The wrong code stays counted (the unit of work commits).
                refusal = SignalRefused(_("Der Code stimmt nicht. Er steht auf der Leinwand im Saal."),
                                        field="code")
            else:
                throttle.give_back(attempt)
                try:
                    throttle.take(throttle.Limit("signal.device", device[:32], PER_DEVICE, WINDOW),
                                  throttle.Limit("signal.address", address, PER_ADDRESS, WINDOW))
                except throttle.LimitReached:
                    refusal = SignalRefused(_("Zu viele Meldungen in kurzer Zeit. Bitte warten Sie einige "
                                              "Minuten."))
        if refusal is None:
            signal = db.session.execute(sa.select(RoomSignal).where(
                RoomSignal.agenda_item_id == item.id, RoomSignal.device_hash == device)).scalar_one_or_none()
            replaced = signal is not None
            if signal is None:
                signal = RoomSignal(meeting_id=meeting.id, agenda_item_id=item.id, device_hash=device)
                db.session.add(signal)
            elif signal.state != SignalState.PENDING:
                refusal = SignalRefused(_("Ihre Meldung zu diesem Punkt hat die Sitzungsleitung schon "
                                          "bearbeitet. Bitte melden Sie sich im Saal zu Wort."))
            if refusal is None:
                signal.kind, signal.reason, signal.group = kind, reason, group
                signal.created_at = utcnow()
                meeting.signal_seq += 1
                db.session.flush()
    if refusal is not None:
        raise refusal
    return signal, replaced


def own_signal(item_id: int, meeting_id: int, device_token: str | None) -> RoomSignal | None:
    if not valid_device_token(device_token):
        return None
    return db.session.execute(sa.select(RoomSignal).where(
        RoomSignal.agenda_item_id == item_id,
        RoomSignal.device_hash == device_hash(meeting_id, device_token or ""))).scalar_one_or_none()


def counts(item_id: int) -> dict[SignalKind, int]:
    """Anonymous counts per kind for an item: every signal the QM did not dismiss."""
    found = dict(db.session.execute(
        sa.select(RoomSignal.kind, sa.func.count(RoomSignal.id))
        .where(RoomSignal.agenda_item_id == item_id, RoomSignal.state != SignalState.DISMISSED)
        .group_by(RoomSignal.kind)).all())
    return {kind: found.get(kind, 0) for kind in SignalKind}


def pending(meeting_id: int) -> list[RoomSignal]:
    return list(db.session.execute(
        sa.select(RoomSignal).where(RoomSignal.meeting_id == meeting_id, RoomSignal.state == SignalState.PENDING)
        .order_by(RoomSignal.created_at, RoomSignal.id)).scalars())


@dataclass(frozen=True)
class Panel:
    """The signal form on the public live page, for one device."""

    item: AgendaItem
    number: str
    objection_possible: bool
    own: RoomSignal | None


def item_numbers(meeting_id: int) -> dict[int, str]:
    """TOP number per agenda item id (one query over the item columns the numbering needs)."""
    rows = db.session.execute(sa.select(AgendaItem.id, AgendaItem.application_id, AgendaItem.kind)
                              .where(AgendaItem.meeting_id == meeting_id)
                              .order_by(AgendaItem.position, AgendaItem.id)).all()
    return {row.id: number for row, (number, _header) in zip(rows, queries.top_numbers(rows))}


def panel(meeting: Meeting, device_token: str | None) -> Panel | None:
    """What this device may signal now; ``None`` while signals are off or no item is being discussed."""
    if meeting.state not in OPEN_STATES or not meeting.signal_code:
        return None
    item = current_item(meeting)
    if item is None:
        return None
    return Panel(item, item_numbers(meeting.id).get(item.id, ""), objection_possible(item),
                 own_signal(item.id, meeting.id, device_token))


# --- what the QM does -------------------------------------------------------------------------


def _audit(action: str, meeting: Meeting, *, user, after: dict) -> None:
    # Never the reason's text: it may name someone, and the signal itself is deleted later.
    audit.record(action, user=user, obj=meeting, neighbourhood_id=meeting.neighbourhood_id, after=after)


def switch_on(meeting: Meeting, *, user) -> str:
    """A new room code (the old one stops working); switches signals on."""
    code = new_code()
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        if meeting.state not in OPEN_STATES:
            raise SignalRefused(_("Meldungen aus dem Raum gibt es nur für eine eingeladene oder laufende Sitzung."))
        renewed = meeting.signal_code is not None
        meeting.signal_code = code
        meeting.signal_seq += 1
        _audit("meeting.signal_code", meeting, user=user, after={"renewed": renewed})
    return code


def switch_off(meeting: Meeting, *, user) -> None:
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        meeting.signal_code = None
        meeting.signal_seq += 1
        _audit("meeting.signal_code", meeting, user=user, after={"off": True})


def _pending_signal(meeting: Meeting, signal_id: int) -> RoomSignal:
    signal = db.session.get(RoomSignal, signal_id)
    if signal is None or signal.meeting_id != meeting.id:
        raise SignalRefused(_("Diese Meldung gibt es in dieser Sitzung nicht (mehr)."))
    if signal.state != SignalState.PENDING:
        raise SignalRefused(_("Diese Meldung ist schon bearbeitet."))
    return signal


def record_as_objection(meeting: Meeting, signal_id: int, data: decisions.ObjectionData, *, user) -> None:
    """The QM takes an objection signal into the record: a real objection, under the objection rules
    (a group or a name; the decision still open). Only from then on does it count."""
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        signal = _pending_signal(meeting, signal_id)
        if signal.kind != SignalKind.OBJECTION:
            raise SignalRefused(_("Nur ein gemeldeter Einwand kann als Einwand aufgenommen werden."))
        objection = decisions.record_objection(meeting, signal.agenda_item_id, data, user=user)
        signal.state, signal.objection_id, signal.handled_at = SignalState.RECORDED, objection.id, utcnow()
        meeting.signal_seq += 1
        _audit("meeting.signal_recorded", meeting, user=user,
               after={"signal_id": signal.id, "objection_id": objection.id})


def close(meeting: Meeting, signal_id: int, *, user) -> SignalState:
    """Dismiss an objection signal (verwerfen), or take note of a question or consent (gesehen)."""
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        signal = _pending_signal(meeting, signal_id)
        signal.state = SignalState.DISMISSED if signal.kind == SignalKind.OBJECTION else SignalState.SEEN
        signal.handled_at = utcnow()
        meeting.signal_seq += 1
        _audit("meeting.signal_closed", meeting, user=user, after={"signal_id": signal.id,
                                                                     "state": signal.state.value})
    return signal.state


def delete_for_meeting(meeting_id: int) -> int:
    """Once the minutes are approved the signals have served: call inside the approval's unit of work."""
    result = db.session.execute(sa.delete(RoomSignal).where(RoomSignal.meeting_id == meeting_id))
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is not None:
        meeting.signal_code = None
    return result.rowcount or 0

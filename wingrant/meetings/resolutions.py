"""Writes on resolutions: a Beschluss or Stellungnahme of the forum without money.

The QM drafts a resolution as an agenda item of its own; in the live meeting the forum
records objections and recusals on it and decides it under the very rule that decides money
(``consensus.decide``: a standing objection blocks adoption, recused people do not count), once
the meeting has begun and the attendance is recorded. Adopting it books nothing: a resolution
has no ledger. Every write locks the meeting (``locking.open_meeting``), so nothing changes
once the minutes are approved, and writes an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from . import consensus, queries, services
from .decisions import ObjectionData, RecusalData
from .labels import REASONS, RESOLUTION_BLOCKED
from .locking import open_meeting
from .models import (
    RESOLUTION_OUTCOMES,
    AgendaItem,
    AgendaItemKind,
    AttendeeGroup,
    Meeting,
    Outcome,
    Resolution,
    ResolutionKind,
    ResolutionObjection,
    ResolutionRecusal,
)
from .schedule import not_before_start

TITLE_MAX = services.TITLE_MAX
ADDRESSEE_MAX = 300
TEXT_MAX = 20_000
#: Outcomes that need a reason.
NEED_REASON = frozenset({Outcome.DEFERRED, Outcome.REJECTED})


@dataclass(frozen=True)
class DraftData:
    kind: ResolutionKind
    title: str
    text: str
    addressee: str = ""

    def cleaned(self) -> DraftData:
        try:
            kind = ResolutionKind(self.kind)
        except ValueError:
            raise DomainError(_("Bitte „Beschluss“ oder „Stellungnahme“ wählen."), field="kind") from None
        title = " ".join(self.title.split())
        text = self.text.replace("\r\n", "\n").strip()
        addressee = " ".join(self.addressee.split())
        if not title:
            raise DomainError(_("Bitte einen Titel angeben."), field="title")
        if len(title) > TITLE_MAX:
            raise DomainError(_("Der Titel ist zu lang (höchstens %(max)s Zeichen).", max=TITLE_MAX), field="title")
        if not text:
            raise DomainError(_("Bitte den Wortlaut des Entwurfs angeben."), field="text")
        if len(text) > TEXT_MAX:
            raise DomainError(_("Der Wortlaut ist zu lang (höchstens %(max)s Zeichen).", max=TEXT_MAX), field="text")
        if len(addressee) > ADDRESSEE_MAX:
            raise DomainError(_("Die Angabe ist zu lang (höchstens %(max)s Zeichen).", max=ADDRESSEE_MAX),
                              field="addressee")
        return DraftData(kind, title, text, addressee)


def _snapshot(r: Resolution) -> dict:
    return {"kind": r.kind.value, "title": r.title, "text": r.text, "addressee": r.addressee,
            "outcome": r.outcome.value if r.outcome else None, "final_text": r.final_text, "reason": r.reason}


def _audit(action: str, resolution: Resolution, meeting: Meeting, *, user, before=None, after=None) -> None:
    audit.record(action, user=user, obj=resolution, neighbourhood_id=meeting.neighbourhood_id,
                 before=before, after=after)


def resolution_of(meeting: Meeting, item_id: int) -> Resolution:
    """The resolution of an agenda item of this meeting (so of the meeting's neighbourhood)."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(_("Diesen Tagesordnungspunkt gibt es in dieser Sitzung nicht."))
    resolution = db.session.execute(sa.select(Resolution).filter_by(agenda_item_id=item.id)).scalar_one_or_none()
    if resolution is None or resolution.neighbourhood_id != meeting.neighbourhood_id:
        raise DomainError(_("Zu diesem Tagesordnungspunkt gibt es keinen Beschluss- oder Stellungnahme-Entwurf."))
    return resolution


def _undecided(resolution: Resolution) -> None:
    if resolution.outcome is not None:
        raise DomainError(_("Hierzu ist bereits ein Beschluss erfasst. Entwurf, Einwände und Befangenheiten lassen "
                            "sich nur vor dem Beschluss ändern – bitte den Beschluss zuerst zurücknehmen."))


# --- the draft ---------------------------------------------------------------------------------


def add_resolution(meeting: Meeting, data: DraftData, *, user) -> Resolution:
    """Put a draft resolution on the agenda (before "Sonstiges"): its own agenda item."""
    data = data.cleaned()
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        item = services.add_item(meeting, data.title, user=user, kind=AgendaItemKind.RESOLUTION)
        resolution = Resolution(neighbourhood_id=meeting.neighbourhood_id, agenda_item_id=item.id, kind=data.kind,
                                title=data.title, text=data.text, addressee=data.addressee,
                                created_by_id=getattr(user, "id", None))
        db.session.add(resolution)
        db.session.flush()
        _audit("resolution.create", resolution, meeting, user=user, after=_snapshot(resolution))
    return resolution


def update_draft(meeting: Meeting, item_id: int, data: DraftData, *, user) -> Resolution:
    data = data.cleaned()
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        resolution = resolution_of(meeting, item_id)
        _undecided(resolution)
        before = _snapshot(resolution)
        resolution.kind, resolution.title = data.kind, data.title
        resolution.text, resolution.addressee = data.text, data.addressee
        resolution.agenda_item.title = data.title
        _audit("resolution.update", resolution, meeting, user=user, before=before, after=_snapshot(resolution))
    return resolution


# --- objections and recusals (as for an application) -------------------------------------------


def record_objection(meeting: Meeting, item_id: int, data: ObjectionData, *, user) -> ResolutionObjection:
    name = data.person_name.strip()
    group = AttendeeGroup(data.group) if data.group else None
    if group is None and not name:
        raise DomainError(_("Bitte eine Gruppe wählen oder den Namen der Person angeben, die den Einwand erhebt."),
                          field="person_name")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        resolution = resolution_of(meeting, item_id)
        _undecided(resolution)
        objection = ResolutionObjection(resolution_id=resolution.id, group=group, person_name=name,
                                        reason=data.reason.strip(), consent_to_publish=data.consent_to_publish)
        db.session.add(objection)
        db.session.flush()
        _audit("resolution.objection", resolution, meeting, user=user,
               after={"objection_id": objection.id, "group": group.value if group else None, "named": bool(name)})
    return objection


def withdraw_objection(meeting: Meeting, item_id: int, objection_id: int, *, user) -> None:
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        resolution = resolution_of(meeting, item_id)
        _undecided(resolution)
        objection = db.session.get(ResolutionObjection, objection_id)
        if objection is None or objection.resolution_id != resolution.id:
            raise DomainError(_("Diesen Einwand gibt es hierzu nicht."))
        if objection.withdrawn:
            raise DomainError(_("Dieser Einwand ist bereits zurückgezogen."))
        objection.withdrawn = True
        _audit("resolution.objection_withdrawn", resolution, meeting, user=user, after={"objection_id": objection_id})


def record_recusal(meeting: Meeting, item_id: int, data: RecusalData, *, user) -> ResolutionRecusal:
    name = data.person_name.strip()
    if not name:
        raise DomainError(_("Bitte den Namen der befangenen Person angeben."), field="person_name")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        resolution = resolution_of(meeting, item_id)
        _undecided(resolution)
        recusal = ResolutionRecusal(resolution_id=resolution.id, person_name=name,
                                    organisation=data.organisation.strip(), reason=data.reason.strip(),
                                    consent_to_publish=data.consent_to_publish)
        db.session.add(recusal)
        db.session.flush()
        _audit("resolution.recusal", resolution, meeting, user=user, after={"recusal_id": recusal.id})
    return recusal


def remove_recusal(meeting: Meeting, item_id: int, recusal_id: int, *, user) -> None:
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        resolution = resolution_of(meeting, item_id)
        _undecided(resolution)
        recusal = db.session.get(ResolutionRecusal, recusal_id)
        if recusal is None or recusal.resolution_id != resolution.id:
            raise DomainError(_("Diese Befangenheit gibt es hierzu nicht."))
        _audit("resolution.recusal_removed", resolution, meeting, user=user, before={"recusal_id": recusal_id})
        db.session.delete(recusal)


# --- the rule and the outcome --------------------------------------------------------------------


def deliberation(resolution: Resolution, meeting: Meeting) -> consensus.Deliberation:
    """What was recorded, as the pure rule's input (no vote: a resolution is decided by consensus)."""
    recusals = tuple(consensus.Recusal(r.person_name, r.organisation) for r in resolution.recusals)
    return consensus.Deliberation(
        objections=tuple(queries.pure_objection(o) for o in resolution.objections), recusals=recusals,
        rules=queries.rules_of(meeting.neighbourhood))


def permitted(assessment: consensus.Assessment) -> list[Outcome]:
    """The outcomes a resolution may get now, in display order."""
    return [o for o in RESOLUTION_OUTCOMES if o in assessment.permitted]


def objection_counts(resolution: Resolution) -> tuple[list[ResolutionObjection], list[ResolutionObjection]]:
    """(objections that count, objections of recused people), neither withdrawn."""
    recusals = tuple(consensus.Recusal(r.person_name, r.organisation) for r in resolution.recusals)
    counting: list[ResolutionObjection] = []
    discounted: list[ResolutionObjection] = []
    for o in resolution.objections:
        if not o.withdrawn:
            (discounted if consensus.is_recused(queries.pure_objection(o), recusals) else counting).append(o)
    return counting, discounted


@dataclass(frozen=True)
class ResolutionOutcomeData:
    outcome: Outcome
    #: The adopted wording, for "geändert beschlossen".
    final_text: str = ""
    reason: str = ""


def record_outcome(meeting: Meeting, item_id: int, data: ResolutionOutcomeData, *, user) -> Resolution:
    """Decide a resolution: the consensus rule as for money, no ledger."""
    outcome = Outcome(data.outcome)
    if outcome not in RESOLUTION_OUTCOMES:
        raise DomainError(_("Dieses Ergebnis ist für einen Beschluss ohne Antrag nicht möglich."), field="outcome")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        resolution = resolution_of(meeting, item_id)
        _undecided(resolution)
        not_before_start(meeting, _("Die Sitzung beginnt am %(date)s um %(time)s Uhr; Beschlüsse lassen sich erst "
                                    "ab ihrem Beginn erfassen."), field="outcome")
        if not queries.attendance_recorded(meeting.id):
            raise DomainError(_("Bitte zuerst die Anwesenheit erfassen (wie viele Personen da sind oder wer da ist); "
                                "ohne sie lässt sich kein Beschluss erfassen."), field="outcome")
        verdict = consensus.decide(deliberation(resolution, meeting), outcome)
        if not verdict.allowed:
            blocked = verdict.reason == consensus.Reason.BLOCKED
            raise DomainError(str(RESOLUTION_BLOCKED if blocked else REASONS[verdict.reason]), field="outcome")
        final_text = data.final_text.replace("\r\n", "\n").strip()
        if outcome == Outcome.APPROVED_WITH_CHANGES:
            if not final_text:
                raise DomainError(_("Bitte den geänderten Wortlaut angeben, so wie das Forum ihn beschlossen hat."),
                                  field="final_text")
            if final_text == resolution.text:
                raise DomainError(_("Der Wortlaut ist unverändert: bitte „beschlossen“ wählen."), field="final_text")
            if len(final_text) > TEXT_MAX:
                raise DomainError(_("Der Wortlaut ist zu lang (höchstens %(max)s Zeichen).", max=TEXT_MAX),
                                  field="final_text")
        if outcome in NEED_REASON and not data.reason.strip():
            raise DomainError(_("Bitte einen Grund angeben."), field="reason")
        resolution.outcome = outcome
        resolution.final_text = final_text if outcome == Outcome.APPROVED_WITH_CHANGES else ""
        resolution.reason = data.reason.strip() if outcome not in consensus.APPROVALS else ""
        resolution.decided_at = utcnow()
        resolution.recorded_by_id = getattr(user, "id", None)
        _audit("resolution.decide", resolution, meeting, user=user, after=_snapshot(resolution))
    return resolution


def reopen(meeting: Meeting, item_id: int, reason: str, *, user) -> Resolution:
    """Take the outcome back (before the minutes are approved): the draft is open again."""
    if not reason.strip():
        raise DomainError(_("Bitte angeben, warum der Beschluss zurückgenommen wird."), field="reopen_reason")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        resolution = resolution_of(meeting, item_id)
        if resolution.outcome is None:
            raise DomainError(_("Hierzu ist noch kein Beschluss erfasst."))
        before = _snapshot(resolution)
        resolution.outcome = None
        resolution.decided_at = None
        resolution.final_text = resolution.reason = ""
        _audit("resolution.reopen", resolution, meeting, user=user, before=before, after={"reason": reason.strip()})
    return resolution

"""Writes on decisions: objections, recusals, the outcome and the money it moves.

A decision moves money atomically: the Decision, its DecisionAmounts, the
ledger commitments (one per programme budget of the application's year) and
the application's life-cycle step are written in one unit of work, so an
overspend refused by the ledger leaves nothing behind. A correction before the
minutes are approved reverses the old commitments and books the new ones in
the same way.

The administration's decision on a referred case and the formal grant are in
``administration.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..applications import lifecycle
from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..audit import services as audit
from ..database import lock_row, row_id, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.models import EntryKind, LedgerEntry
from ..money import format_eur
from ..neighbourhoods.models import Programme
from . import consensus, notices, queries
from .labels import REASONS
from .locking import open_meeting
from .models import AgendaItem, AttendeeGroup, Decision, DecisionAmount, Meeting, Objection, Outcome, Recusal
from .schedule import not_before_start

#: Where each outcome moves the application.
STATE_FOR = {
    Outcome.APPROVED: S.APPROVED,
    Outcome.APPROVED_WITH_CHANGES: S.APPROVED_WITH_CHANGES,
    Outcome.DEFERRED: S.DEFERRED,
    Outcome.REJECTED: S.REJECTED,
    Outcome.WITHDRAWN: S.WITHDRAWN,
    Outcome.REFERRED: S.REFERRED,
}
#: Outcomes that need a reason (the life cycle insists too).
NEED_REASON = frozenset({Outcome.DEFERRED, Outcome.REJECTED, Outcome.WITHDRAWN})
VOTE_REASONS = frozenset({consensus.Reason.VOTE_NOT_ALLOWED, consensus.Reason.INVALID_VOTES,
                          consensus.Reason.NO_MAJORITY})


def _application_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise DomainError(_("Diesen Tagesordnungspunkt gibt es in dieser Sitzung nicht."))
    if item.application_id is None:
        raise DomainError(_("Zu diesem Tagesordnungspunkt gibt es keinen Antrag."))
    return item


def _decision(item: AgendaItem) -> Decision:
    decision = db.session.execute(sa.select(Decision).filter_by(agenda_item_id=item.id)).scalar_one_or_none()
    if decision is None:
        decision = Decision(agenda_item_id=item.id, application_id=item.application_id)
        db.session.add(decision)
        db.session.flush()
    return decision


def _outcome_decision(item: AgendaItem) -> Decision:
    """The item's decision with its objections, recusals and amounts (three small reads), or a new
    one with those empty: it is written with its outcome in one INSERT."""
    decision = db.session.execute(
        sa.select(Decision).filter_by(agenda_item_id=item.id)
        .options(selectinload(Decision.objections), selectinload(Decision.recusals),
                 selectinload(Decision.amounts))
    ).scalar_one_or_none()
    if decision is None:
        decision = Decision(agenda_item_id=item.id, application_id=item.application_id, objections=[],
                            recusals=[], amounts=[])
        db.session.add(decision)
    return decision


def _positions_open(decision: Decision) -> None:
    if decision.outcome is not None:
        raise DomainError(_("Zu diesem Antrag ist bereits ein Beschluss erfasst. Einwände und Befangenheiten "
                            "lassen sich nur vor dem Beschluss ändern – bitte den Beschluss zuerst zurücknehmen."))


def _audit(action: str, decision: Decision, meeting_or_nb_id, *, user, before=None, after=None) -> None:
    nb_id = meeting_or_nb_id.neighbourhood_id if isinstance(meeting_or_nb_id, Meeting) else meeting_or_nb_id
    audit.record(action, user=user, obj=decision, neighbourhood_id=nb_id, before=before, after=after)


# --- objections and recusals -------------------------------------------------------------


@dataclass(frozen=True)
class ObjectionData:
    group: AttendeeGroup | None = None
    person_name: str = ""
    reason: str = ""
    consent_to_publish: bool = False


def record_objection(meeting: Meeting, item_id: int, data: ObjectionData, *, user) -> Objection:
    name = data.person_name.strip()
    group = AttendeeGroup(data.group) if data.group else None
    if group is None and not name:
        raise DomainError(_("Bitte eine Gruppe wählen oder den Namen der Person angeben, die den Einwand erhebt."),
                          field="person_name")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        decision = _decision(_application_item(meeting, item_id))
        _positions_open(decision)
        objection = Objection(decision_id=decision.id, group=group, person_name=name,
                              reason=data.reason.strip(), consent_to_publish=data.consent_to_publish)
        db.session.add(objection)
        db.session.flush()
        _audit("decision.objection", decision, meeting, user=user,
               after={"objection_id": objection.id, "group": group.value if group else None,
                      "named": bool(name)})
    return objection


def withdraw_objection(meeting: Meeting, item_id: int, objection_id: int, *, user) -> None:
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        decision = _decision(_application_item(meeting, item_id))
        _positions_open(decision)
        objection = db.session.get(Objection, objection_id)
        if objection is None or objection.decision_id != decision.id:
            raise DomainError(_("Diesen Einwand gibt es zu diesem Antrag nicht."))
        if objection.withdrawn:
            raise DomainError(_("Dieser Einwand ist bereits zurückgezogen."))
        objection.withdrawn = True
        _audit("decision.objection_withdrawn", decision, meeting, user=user, after={"objection_id": objection.id})


@dataclass(frozen=True)
class RecusalData:
    person_name: str
    organisation: str = ""
    reason: str = ""
    consent_to_publish: bool = False


def record_recusal(meeting: Meeting, item_id: int, data: RecusalData, *, user) -> Recusal:
    name = data.person_name.strip()
    if not name:
        raise DomainError(_("Bitte den Namen der befangenen Person angeben."), field="person_name")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        decision = _decision(_application_item(meeting, item_id))
        _positions_open(decision)
        recusal = Recusal(decision_id=decision.id, person_name=name, organisation=data.organisation.strip(),
                          reason=data.reason.strip(), consent_to_publish=data.consent_to_publish)
        db.session.add(recusal)
        db.session.flush()
        _audit("decision.recusal", decision, meeting, user=user, after={"recusal_id": recusal.id})
    return recusal


def remove_recusal(meeting: Meeting, item_id: int, recusal_id: int, *, user) -> None:
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        decision = _decision(_application_item(meeting, item_id))
        _positions_open(decision)
        recusal = db.session.get(Recusal, recusal_id)
        if recusal is None or recusal.decision_id != decision.id:
            raise DomainError(_("Diese Befangenheit gibt es zu diesem Antrag nicht."))
        _audit("decision.recusal_removed", decision, meeting, user=user, before={"recusal_id": recusal.id})
        db.session.delete(recusal)


# --- amounts and money ----------------------------------------------------------------------


def approved_amounts(outcome: Outcome, amounts: dict[int, int] | None, conditions: str,
                     requested: dict[int, int]) -> dict[int, int]:
    """The money an approval binds per programme id; checks it against the request."""
    if outcome not in consensus.APPROVALS:
        return {}
    amounts = dict(requested) if amounts is None else dict(amounts)
    if not requested:
        raise DomainError(_("Der Antrag beantragt kein Geld aus einem Förderprogramm."), field="outcome")
    for pid in amounts:
        if pid not in requested:
            raise DomainError(_("Aus diesem Programm wurde nichts beantragt."), field=f"amount_{pid}")
    for pid, cents in amounts.items():
        if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
            raise DomainError(_("Bitte einen Betrag ab 0 eingeben."), field=f"amount_{pid}")
        if cents > requested[pid]:
            raise DomainError(_("Höchstens der beantragte Betrag (%(requested)s) kann beschlossen werden.",
                                requested=format_eur(requested[pid])), field=f"amount_{pid}")
    full = {pid: amounts.get(pid, requested[pid]) for pid in requested}
    if sum(full.values()) == 0:
        raise DomainError(_("Ein Beschluss über 0 € ist keine Förderung: bitte einen Betrag eingeben oder "
                            "den Antrag ablehnen."), field=f"amount_{min(requested)}")
    changed = full != requested
    if outcome == Outcome.APPROVED and conditions.strip():
        raise DomainError(_("Auflagen sind eine Änderung: bitte „beschlossen mit Änderungen“ wählen."),
                          field="conditions")
    if outcome == Outcome.APPROVED and changed:
        raise DomainError(_("Die Beträge weichen vom Antrag ab: bitte „beschlossen mit Änderungen“ wählen."),
                          field="outcome")
    if outcome == Outcome.APPROVED_WITH_CHANGES and not changed and not conditions.strip():
        raise DomainError(_("Bitte die Änderungen angeben: geringere Beträge oder Auflagen."), field="conditions")
    return {pid: cents for pid, cents in full.items() if cents > 0}


def _commit_amounts(decision: Decision, application: Application, amounts: dict[int, int], *, user,
                    memo: str) -> None:
    """One DecisionAmount and one ledger commitment per programme: the budgets locked in one
    statement in id order (no deadlocks), one balance query, one flush."""
    if not amounts:
        return
    budgets = ledger.lock_budgets(application.neighbourhood_id, application.year, amounts, application.line_for)
    for pid in amounts:
        if pid not in budgets:
            programme = db.session.get(Programme, pid)
            if application.line_for(pid) is None and programme.lines:
                raise DomainError(_("%(programme)s hat Förderschienen: Bitte im Antrag die Förderschiene angeben.",
                                    programme=programme.name), field=f"amount_{pid}")
            raise DomainError(_("Für %(programme)s gibt es in diesem Quartier für %(year)s kein Budget.",
                                programme=programme.name, year=application.year), field=f"amount_{pid}")
    for pid in sorted(amounts, key=lambda p: budgets[p].id):
        decision.amounts.append(DecisionAmount(programme_id=pid, amount_cents=amounts[pid]))
    try:
        ledger.commit_many([(budgets[pid], amounts[pid]) for pid in amounts], user=user,
                           application_id=application.id, decision_id=decision.id, memo=memo)
    except ledger.InsufficientFunds as error:
        error.field = f"amount_{error.budget.programme_id}"
        raise


def _reverse_commitments(decision: Decision, *, user, reason: str) -> None:
    reversal = sa.orm.aliased(LedgerEntry)
    entries = db.session.execute(
        sa.select(LedgerEntry.id)
        .outerjoin(reversal, reversal.reverses_id == LedgerEntry.id)
        .where(LedgerEntry.decision_id == decision.id, LedgerEntry.kind == EntryKind.COMMITMENT,
               reversal.id.is_(None))
        .order_by(LedgerEntry.budget_id)
    ).scalars().all()
    for entry_id in entries:
        ledger.reverse(entry_id, user=user, reason=reason)
    decision.amounts.clear()
    db.session.flush()


def _check_correctable(decision: Decision, application: Application) -> None:
    if decision.admin_outcome is not None:
        raise DomainError(_("Die Geschäftsführung hat über diesen Antrag bereits entschieden; der Beschluss "
                            "des Forums kann nicht mehr korrigiert werden."))
    if application.state != STATE_FOR[decision.outcome]:
        raise DomainError(_("Der Antrag ist seit diesem Beschluss weitergegangen (Status „%(state)s“); der "
                            "Beschluss kann nicht mehr korrigiert werden.",
                            state=lifecycle.STATE_LABELS[application.state]))


def _snapshot(decision: Decision) -> dict:
    return {"outcome": decision.outcome.value if decision.outcome else None,
            "amounts": {str(a.programme_id): a.amount_cents for a in decision.amounts},
            "conditions": decision.conditions, "reason": decision.reason,
            "reason_category": decision.reason_category.value if decision.reason_category else None,
            "votes": [decision.votes_yes, decision.votes_no, decision.votes_abstain]}


# --- the forum's outcome ----------------------------------------------------------------------


def reason_category(outcome: Outcome, given, requested_cents: int,
                    approved_cents: int) -> consensus.ReasonCategory | None:
    """The category a decision stores: required where money is deferred, refused or cut, else none."""
    if not consensus.needs_reason_category(outcome, requested_cents, approved_cents):
        return None
    choices = {c.value: c for c in consensus.REASON_CATEGORY_CHOICES}
    if given is None or str(given) not in choices:
        raise DomainError(_("Bitte angeben, warum das Geld nicht (voll) beschlossen wird: Mittel nicht ausreichend, "
                            "inhaltliche, formale oder sonstige Gründe."), field="reason_category")
    return choices[str(given)]



@dataclass(frozen=True)
class OutcomeData:
    outcome: Outcome
    #: Approved cents per programme id; ``None`` = as requested.
    amounts: dict[int, int] | None = None
    conditions: str = ""
    reason: str = ""
    votes: consensus.Votes | None = None
    #: Why an already recorded decision is corrected (required then).
    correction_reason: str = ""
    #: Why money was deferred, refused or cut (required then, see ``consensus.needs_reason_category``).
    reason_category: consensus.ReasonCategory | str | None = None


def record_outcome(meeting: Meeting, item_id: int, data: OutcomeData, *, user) -> Decision:
    """Record (or correct) the forum's decision on an application item, moving the money with it."""
    outcome = Outcome(data.outcome)
    with unit_of_work():
        meeting = open_meeting(row_id(meeting), joinedload(Meeting.neighbourhood, innerjoin=True))
        item = _application_item(meeting, item_id)
        not_before_start(meeting, _("Die Sitzung beginnt am %(date)s um %(time)s Uhr; Beschlüsse lassen sich erst "
                                    "ab ihrem Beginn erfassen."), field="outcome")
        context = queries.decision_context(meeting.id, item.application_id, item.id)
        if not context.attendance_recorded:
            raise DomainError(_("Bitte zuerst die Anwesenheit erfassen (wie viele Personen da sind oder wer da ist); "
                                "ohne sie lässt sich kein Beschluss erfassen."), field="outcome")
        application = lock_row(Application, item.application_id, joinedload(Application.financing_items))
        decision = _outcome_decision(item)
        correcting = decision.outcome is not None
        if correcting:
            _check_correctable(decision, application)
            if not data.correction_reason.strip():
                raise DomainError(_("Bitte angeben, warum der Beschluss korrigiert wird."),
                                  field="correction_reason")
        verdict = consensus.decide(queries.deliberation(decision, application, meeting, data.votes, context),
                                   outcome)
        if not verdict.allowed:
            raise DomainError(str(REASONS[verdict.reason]),
                              field="votes_yes" if verdict.reason in VOTE_REASONS else "outcome")
        if outcome in NEED_REASON and not data.reason.strip():
            raise DomainError(_("Bitte einen Grund angeben."), field="reason")
        requested = queries.requested_amounts(application)
        amounts = approved_amounts(outcome, data.amounts, data.conditions, requested)
        category = reason_category(outcome, data.reason_category, sum(requested.values()), sum(amounts.values()))

        before = _snapshot(decision)
        if correcting:
            _reverse_commitments(decision, user=user, reason=_("Korrektur des Beschlusses: %(why)s",
                                                                why=data.correction_reason.strip()))
        decision.outcome = outcome
        decision.reason = data.reason.strip()
        decision.reason_category = category
        decision.conditions = data.conditions.strip() if outcome in consensus.APPROVALS else ""
        votes = data.votes
        decision.votes_yes, decision.votes_no, decision.votes_abstain = (
            (votes.yes, votes.no, votes.abstain) if votes else (None, None, None))
        decision.decided_at = utcnow()
        decision.recorded_by_id = row_id(user)
        db.session.flush()
        _commit_amounts(decision, application, amounts, user=user,
                        memo=_("Beschluss %(forum)s vom %(date)s", forum=meeting.neighbourhood.forum_name,
                               date=meeting.date.strftime("%d.%m.%Y")))
        if outcome == Outcome.REFERRED and before.get("outcome") != Outcome.REFERRED.value:
            notices.referred(decision, application, meeting)
        target = STATE_FOR[outcome]
        if application.state != target:
            lifecycle.transition(application, target, user=user, correction=correcting,
                                 reason=data.reason.strip() or data.correction_reason.strip())
        _audit("decision.correct" if correcting else "decision.record", decision, meeting, user=user,
               before=before if correcting else None,
               after={**_snapshot(decision), "by_vote": verdict.by_vote,
                      "correction_reason": data.correction_reason.strip() or None})
    return decision


def reopen_decision(meeting: Meeting, item_id: int, reason: str, *, user) -> Decision:
    """Take a decision back (before the minutes are approved): money back, application Beschlussreif."""
    if not reason.strip():
        raise DomainError(_("Bitte angeben, warum der Beschluss zurückgenommen wird."), field="reopen_reason")
    with unit_of_work():
        meeting = open_meeting(meeting.id)
        item = _application_item(meeting, item_id)
        application = lock_row(Application, item.application_id)
        decision = _decision(item)
        if decision.outcome is None:
            raise DomainError(_("Zu diesem Antrag ist noch kein Beschluss erfasst."))
        _check_correctable(decision, application)
        before = _snapshot(decision)
        _reverse_commitments(decision, user=user, reason=_("Beschluss zurückgenommen: %(why)s", why=reason.strip()))
        lifecycle.transition(application, S.READY, user=user, correction=True, reason=reason.strip())
        decision.outcome = None
        decision.reason_category = None
        decision.decided_at = None
        decision.conditions = ""
        decision.votes_yes = decision.votes_no = decision.votes_abstain = None
        _audit("decision.reopen", decision, meeting, user=user, before=before, after={"reason": reason.strip()})
    return decision

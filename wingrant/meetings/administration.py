"""The WiN-Geschäftsführung's acts on a forum decision: deciding a referred case and the
formal grant (Bewilligung / Zuwendungsbescheid).

They are acts of the administration, not of the forum: not part of the forum's
minutes, and still possible after those minutes are approved (a referred case
is typically decided weeks later). Money moves as in the forum's decision: in
the same unit of work as the decision and the life-cycle step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..applications import lifecycle
from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..audit import services as audit
from ..auth.permissions import ProgrammeAction, can_for_programmes
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..funding.models import Grant
from ..ledger import queries as ledger_queries
from ..ledger import services as ledger
from ..money import format_eur
from . import consensus, notices, queries
from .decisions import STATE_FOR, OutcomeData, _audit, _commit_amounts, approved_amounts
from .models import Decision, Outcome

ADMIN_OUTCOMES = (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES, Outcome.REJECTED)


def _lock(decision_id: int) -> tuple[Decision, Application]:
    """Application first, then the decision: the same order as the forum's writes take."""
    application_id = db.session.execute(
        sa.select(Decision.application_id).where(Decision.id == decision_id)).scalar_one_or_none()
    if application_id is None:
        raise DomainError(_("Diesen Beschluss gibt es nicht."))
    application = lock_row(Application, application_id)
    return lock_row(Decision, decision_id), application


def _require(user, programme_ids, action: ProgrammeAction, application: Application) -> None:
    """The WiN-Geschäftsführung, or the owner of every programme whose money is at stake; a city
    administrator only in the city's neighbourhoods."""
    city = getattr(user, "admin_city_id", None) if getattr(user, "is_admin", False) else None
    if not can_for_programmes(user, programme_ids, action) or (
            city is not None and application.neighbourhood.city_id != city):
        raise NotAllowed(_("Das entscheidet die WiN-Geschäftsführung oder die für das Förderprogramm "
                           "zuständige Stelle."))


def record_admin_decision(decision_id: int, data: OutcomeData, *, user) -> Decision:
    """The WiN-Geschäftsführung (or the owner of the programmes asked) decides a referred case; an
    approval binds the money."""
    outcome = Outcome(data.outcome)
    with unit_of_work():
        decision, application = _lock(decision_id)
        _require(user, queries.requested_amounts(application), ProgrammeAction.DECIDE_REFERRALS, application)
        if decision.outcome != Outcome.REFERRED:
            raise DomainError(_("Die Geschäftsführung entscheidet nur über Anträge, die das Forum an sie "
                                "verwiesen hat."))
        if decision.admin_outcome is not None or application.state != S.REFERRED:
            raise DomainError(_("Über diesen Antrag ist bereits entschieden."))
        if outcome not in ADMIN_OUTCOMES:
            raise DomainError(_("Bitte beschließen oder ablehnen."), field="outcome")
        if outcome == Outcome.REJECTED and not data.reason.strip():
            raise DomainError(_("Bitte einen Grund angeben."), field="reason")
        amounts = approved_amounts(outcome, data.amounts, data.conditions, queries.requested_amounts(application))
        decision.admin_outcome = outcome
        decision.admin_decided_at = utcnow()
        decision.admin_decided_by_id = user.id
        if outcome in consensus.APPROVALS and data.conditions.strip():
            decision.conditions = "\n".join(filter(None, [decision.conditions, data.conditions.strip()]))
        db.session.flush()
        _commit_amounts(decision, application, amounts, user=user, memo=_("Entscheidung der WiN-Geschäftsführung"))
        lifecycle.transition(application, STATE_FOR[outcome], user=user,
                             reason=data.reason.strip() or _("Entscheidung der WiN-Geschäftsführung"))
        notices.referral_decided(decision, application)
        _audit("decision.admin", decision, application.neighbourhood_id, user=user,
               after={"admin_outcome": outcome.value, "amounts": {str(k): v for k, v in amounts.items()},
                      "reason": data.reason.strip()})
    return decision


@dataclass(frozen=True)
class GrantLine:
    programme_id: int
    number: str
    granted_on: date | None
    amount_cents: int


def effective_outcome(decision: Decision) -> Outcome | None:
    return decision.admin_outcome or decision.outcome


def record_grant(decision_id: int, lines: list[GrantLine], *, user) -> list[Grant]:
    """The formal grant (Bewilligung), one per programme; a smaller grant gives the rest back."""
    with unit_of_work():
        decision, application = _lock(decision_id)
        _require(user, [a.programme_id for a in decision.amounts] or [None], ProgrammeAction.GRANT, application)
        outcome = effective_outcome(decision)
        if outcome not in consensus.APPROVALS or application.state != STATE_FOR[outcome]:
            raise DomainError(_("Bewilligt werden kann nur ein beschlossener Antrag."))
        approved = {a.programme_id: a.amount_cents for a in decision.amounts}
        by_programme = {line.programme_id: line for line in lines}
        if set(by_programme) != set(approved):
            raise DomainError(_("Bitte für jedes Programm mit beschlossenem Betrag eine Bewilligung erfassen."))
        grants = []
        for pid in sorted(approved):
            line = by_programme[pid]
            number = line.number.strip()
            if not number:
                raise DomainError(_("Bitte die Nummer des Zuwendungsbescheids angeben."), field=f"number_{pid}")
            if len(number) > 60:
                raise DomainError(_("Die Nummer ist zu lang (höchstens 60 Zeichen)."), field=f"number_{pid}")
            if db.session.execute(sa.select(Grant.id).filter_by(number=number)).first():
                raise DomainError(_("Diese Bescheidnummer ist schon vergeben."), field=f"number_{pid}")
            if line.granted_on is None:
                raise DomainError(_("Bitte das Datum des Bescheids angeben."), field=f"granted_on_{pid}")
            if not 0 < line.amount_cents <= approved[pid]:
                raise DomainError(_("Der bewilligte Betrag muss größer als 0 und höchstens der beschlossene "
                                    "Betrag (%(approved)s) sein.", approved=format_eur(approved[pid])),
                                  field=f"amount_{pid}")
            grant = Grant(application_id=application.id, programme_id=pid, number=number,
                          granted_on=line.granted_on, amount_cents=line.amount_cents, granted_by_id=user.id)
            db.session.add(grant)
            grants.append(grant)
            rest = approved[pid] - line.amount_cents
            if rest:
                budget = ledger_queries.application_budgets(application, [pid])[pid]
                ledger.release(budget.id, rest, user=user, application_id=application.id,
                               memo=_("Bewilligung %(number)s unter dem Beschluss", number=number))
        db.session.flush()
        lifecycle.transition(application, S.GRANTED, user=user,
                             reason=_("Zuwendungsbescheid %(numbers)s", numbers=", ".join(g.number for g in grants)))
        notices.granted(application, grants)
        audit.record("grant.record", user=user, obj=application, neighbourhood_id=application.neighbourhood_id,
                     after={"decision_id": decision.id,
                            "grants": [{"programme_id": g.programme_id, "number": g.number,
                                        "amount_cents": g.amount_cents, "granted_on": g.granted_on.isoformat()}
                                       for g in grants]})
    return grants

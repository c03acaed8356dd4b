"""The outcome form of one agenda item, and the decision data it yields.

Shared by the live meeting page and the JSON API (which feeds its JSON into the very same
form), so both validate a decision the same way and hand ``decisions.record_outcome`` the
same data.
"""

from __future__ import annotations

from . import consensus
from .decisions import OutcomeData
from .forms import outcome_form


def programmes_of(money) -> list:
    """The programmes an application asks money from (the amount fields of the form)."""
    return [r.programme for r in money.rows] if money else []


def form_for(row, money, assessment, formdata=None, meta=None):
    """The outcome form of an agenda row: amounts default to what was approved, else requested."""
    decision = row.decision
    correcting = decision is not None and decision.outcome is not None
    defaults = {f"amount_{r.programme.id}": (r.approved if r.approved is not None else r.requested)
                for r in money.rows} if money else {}
    if correcting:
        defaults.update(outcome=decision.outcome.value, conditions=decision.conditions, reason=decision.reason,
                        reason_category=decision.reason_category.value if decision.reason_category else "")
    return outcome_form(programmes_of(money), correcting=correcting, vote_open=assessment.vote_open,
                        formdata=formdata, defaults=defaults, meta=meta)


def amounts_from(form, programmes) -> dict[int, int]:
    """Approved cents per programme id, for the programmes whose amount was filled in."""
    amounts = {p.id: getattr(form, f"amount_{p.id}").data for p in programmes}
    return {pid: cents for pid, cents in amounts.items() if cents is not None}


def votes_from(form) -> consensus.Votes | None:
    """The vote count, if the forum's rules opened a vote and any number was entered."""
    if not hasattr(form, "votes_yes"):
        return None
    values = [form.votes_yes.data, form.votes_no.data, form.votes_abstain.data]
    if all(v is None for v in values):
        return None
    return consensus.Votes(*(v or 0 for v in values))


def outcome_data(form, programmes) -> OutcomeData:
    """What a validated outcome form asks ``decisions.record_outcome`` to record."""
    outcome = consensus.Outcome(form.outcome.data)
    return OutcomeData(
        outcome=outcome,
        amounts=amounts_from(form, programmes) if outcome == consensus.Outcome.APPROVED_WITH_CHANGES else None,
        conditions=form.conditions.data or "", reason=form.reason.data or "", votes=votes_from(form),
        correction_reason=form.correction_reason.data if hasattr(form, "correction_reason") else "",
        reason_category=form.reason_category.data or None,
    )

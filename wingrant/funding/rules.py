"""The money rules after the grant, as pure functions over plain numbers.

``payout_problems``, ``report_problems`` and ``settle`` touch neither the
database nor the request; ``services`` checks them before it writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from ..applications.models import ApplicationState as S
from ..applications.rules import Problem
from ..money import format_eur

#: States in which money may be paid out against a grant.
PAYABLE_STATES = frozenset({S.GRANTED, S.RUNNING, S.REPORT_SUBMITTED})
#: States in which the proof of use may be entered (or corrected).
REPORTABLE_STATES = frozenset({S.GRANTED, S.RUNNING})


def payout_problems(amount_cents: int | None, *, limit_cents: int, paid_cents: int,
                    after_report: bool = False) -> list[Problem]:
    """A payout of ``amount_cents`` when ``paid_cents`` are already paid out and ``limit_cents`` may be in all."""
    if amount_cents is None or amount_cents <= 0:
        return [Problem(_("Der Betrag muss größer als 0 sein."), "amount")]
    rest = max(0, limit_cents - paid_cents)
    if amount_cents > rest:
        if after_report:
            message = _("Es können höchstens noch %(rest)s ausgezahlt werden: Laut Verwendungsnachweis wurden "
                        "%(limit)s ausgegeben, ausgezahlt sind %(paid)s.", rest=format_eur(rest),
                        limit=format_eur(limit_cents), paid=format_eur(paid_cents))
        else:
            message = _("Es können höchstens noch %(rest)s ausgezahlt werden: Bewilligt sind %(limit)s, ausgezahlt "
                        "sind %(paid)s.", rest=format_eur(rest), limit=format_eur(limit_cents),
                        paid=format_eur(paid_cents))
        return [Problem(message, "amount")]
    return []


def spent_field(grant_id: int) -> str:
    return f"spent_{grant_id}"


def report_problems(actual_cost_cents: int | None, spent: dict[int, int | None],
                    granted: dict[int, int]) -> list[Problem]:
    """The proof of use: per grant at most the granted amount, in all at most the actual costs."""
    problems = []
    if actual_cost_cents is None or actual_cost_cents < 0:
        problems.append(Problem(_("Bitte die tatsächlichen Gesamtkosten angeben."), "actual_cost"))
    for grant_id, amount in granted.items():
        cents = spent.get(grant_id)
        if cents is None or cents < 0:
            problems.append(Problem(_("Bitte angeben, wie viel davon ausgegeben wurde (0 ist möglich)."),
                                    spent_field(grant_id)))
        elif cents > amount:
            problems.append(Problem(_("Ausgegeben werden können höchstens die bewilligten %(granted)s.",
                                      granted=format_eur(amount)), spent_field(grant_id)))
    total = sum(c for c in spent.values() if c)
    if actual_cost_cents is not None and actual_cost_cents >= 0 and total > actual_cost_cents:
        problems.append(Problem(_("Die ausgegebenen Fördermittel (%(spent)s) können nicht höher sein als die "
                                  "tatsächlichen Gesamtkosten (%(cost)s).", spent=format_eur(total),
                                  cost=format_eur(actual_cost_cents)), "actual_cost"))
    return problems


@dataclass(frozen=True)
class Settlement:
    """What happens to one grant's money when the proof of use is accepted."""

    unspent_cents: int
    #: Back into the budget (Rückfluss).
    release_cents: int
    #: To be paid back by the Träger (Rückforderung).
    repayment_claim_cents: int

    budget_open: bool

    @property
    def lapsed_cents(self) -> int:
        """Unspent money of a closed year that was never paid out: it simply stays unspent."""
        return 0 if self.budget_open else self.unspent_cents - self.repayment_claim_cents


def settle(*, granted_cents: int, spent_cents: int, paid_cents: int, budget_open: bool) -> Settlement:
    """Per grant. ``paid_cents`` never exceeds ``granted_cents`` (the payout rule sees to it)."""
    unspent = granted_cents - spent_cents
    overpaid = max(0, paid_cents - spent_cents)
    return Settlement(unspent, unspent if budget_open else 0, overpaid, budget_open)

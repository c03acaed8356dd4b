"""After the grant: payouts (Auszahlung / Mittelabruf), the proof of use (Verwendungsnachweis), closing.

The rules are pure functions over plain numbers (``rules``: ``payout_problems``,
``report_problems``, ``settle``); the services below lock the application,
check them, write, move the life cycle and audit — in one unit of work.

Money per grant (one grant per programme):

* Payouts never exceed what was granted; once the proof of use is in, never
  what it says was spent.
* Accepting the proof of use closes the application. The unspent rest
  (granted − spent) goes back into the budget of its year as a release
  (Rückfluss) while that budget is open. A closed year takes nothing back:
  its unspent money is not released.
* Whatever was paid out but not spent is claimed back from the Träger
  (Rückforderung, ``repayment_claim_cents``) — in a closed year that is how
  unspent money that left the budget comes back; money that was never paid out
  simply stays unspent.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from ..applications.lifecycle import transition
from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..applications.rules import Problem
from ..applications.services import require
from ..audit import services as audit
from ..database import lock_row, unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger import services as ledger
from ..ledger.models import Budget
from . import notices
from .models import Payout, UseOfFundsLine, UseOfFundsReport
from .queries import GrantRow, grant_rows, report_of
from .rules import PAYABLE_STATES, REPORTABLE_STATES, payout_problems, report_problems, settle


class InvalidAfterGrant(DomainError):
    """Input that breaks a rule; ``problems`` says which, field by field."""

    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(p.message for p in problems))
        self.problems = problems


# --- writes -------------------------------------------------------------------------------------


def _locked(app: Application, states: frozenset[S], message: str) -> tuple[Application, list[GrantRow]]:
    """Lock the application (serialising every money move on it), check its state, read its grants."""
    app = lock_row(Application, app.id)
    if app.state not in states:
        raise DomainError(message)
    rows = grant_rows(app)
    if not rows:
        raise DomainError(_("Für diesen Antrag gibt es keine Bewilligung."))
    return app, rows


def record_payout(app: Application, grant_id: int, amount_cents: int | None, paid_on: date | None, *, user,
                  memo: str = "") -> Payout:
    """Pay out against one grant; the first payout sets the project running."""
    require(user, app.neighbourhood_id)
    with unit_of_work():
        app, rows = _locked(app, PAYABLE_STATES, _("Ausgezahlt werden kann nur bei einem bewilligten, laufenden "
                                                   "Projekt."))
        row = next((r for r in rows if r.grant.id == grant_id), None)
        if row is None:
            raise InvalidAfterGrant([Problem(_("Bitte eine Bewilligung dieses Antrags wählen."), "grant_id")])
        after_report = app.state == S.REPORT_SUBMITTED
        limit = min(row.grant.amount_cents, row.spent_cents) if after_report else row.grant.amount_cents
        problems = payout_problems(amount_cents, limit_cents=limit, paid_cents=row.paid_cents,
                                   after_report=after_report)
        if paid_on is None:
            problems.append(Problem(_("Bitte das Datum der Auszahlung angeben."), "paid_on"))
        if problems:
            raise InvalidAfterGrant(problems)
        payout = Payout(grant_id=row.grant.id, paid_on=paid_on, amount_cents=amount_cents, memo=memo.strip(),
                        created_by_id=getattr(user, "id", None))
        db.session.add(payout)
        if app.state == S.GRANTED:
            transition(app, S.RUNNING, user=user, reason=_("Erste Auszahlung"))
        notices.paid(app, payout, row.grant)
        audit.record("payout.record", user=user, obj=payout, neighbourhood_id=app.neighbourhood_id,
                     after={"application_id": app.id, "grant": row.grant.number, "amount_cents": amount_cents,
                            "paid_on": paid_on.isoformat(), "paid_before_cents": row.paid_cents})
    return payout


def submit_report(app: Application, *, submitted_on: date | None, actual_cost_cents: int | None,
                  spent: dict[int, int | None], notes: str = "", user) -> UseOfFundsReport:
    """Enter (or correct) the proof of use: RUNNING → REPORT_SUBMITTED."""
    require(user, app.neighbourhood_id)
    with unit_of_work():
        app, rows = _locked(app, REPORTABLE_STATES, _("Ein Verwendungsnachweis kann nur für ein bewilligtes, "
                                                      "laufendes Projekt erfasst werden."))
        problems = report_problems(actual_cost_cents, spent, {r.grant.id: r.grant.amount_cents for r in rows})
        if submitted_on is None:
            problems.insert(0, Problem(_("Bitte das Eingangsdatum angeben."), "submitted_on"))
        if problems:
            raise InvalidAfterGrant(problems)
        report = report_of(app) or UseOfFundsReport(application_id=app.id, repayment_claim_cents=0)
        before = _report_values(report, rows) if report.id else None
        report.submitted_on = submitted_on
        report.actual_cost_cents = actual_cost_cents
        report.spent_cents = sum(spent[r.grant.id] for r in rows)
        report.notes = notes.strip()
        report.created_by_id = getattr(user, "id", None)
        db.session.add(report)
        db.session.flush()
        for row in rows:
            line = row.line or UseOfFundsLine(report_id=report.id, grant_id=row.grant.id)
            line.spent_cents = spent[row.grant.id]
            line.released_cents = line.repayment_claim_cents = 0
            db.session.add(line)
        if app.state == S.GRANTED:  # nothing was paid out before: the project ran all the same
            transition(app, S.RUNNING, user=user, reason=_("Verwendungsnachweis ohne vorherige Auszahlung"))
        transition(app, S.REPORT_SUBMITTED, user=user)
        db.session.flush()
        audit.record("use_of_funds.submit", user=user, obj=report, neighbourhood_id=app.neighbourhood_id,
                     before=before, after=_report_values(report, grant_rows(app)))
    return report


def _report_values(report: UseOfFundsReport, rows: list[GrantRow]) -> dict:
    return {"submitted_on": report.submitted_on.isoformat(), "actual_cost_cents": report.actual_cost_cents,
            "spent_cents": {r.grant.number: r.spent_cents for r in rows}}


def return_report(app: Application, *, user, reason: str) -> Application:
    """Send the proof of use back for corrections: REPORT_SUBMITTED → RUNNING (a reason is required)."""
    require(user, app.neighbourhood_id)
    if not (reason or "").strip():
        raise DomainError(_("Bitte angeben, was am Verwendungsnachweis zu korrigieren ist."), field="reason")
    with unit_of_work():
        app, _rows = _locked(app, frozenset({S.REPORT_SUBMITTED}), _("Es liegt kein eingereichter "
                                                                     "Verwendungsnachweis vor."))
        transition(app, S.RUNNING, user=user, reason=reason.strip())
    return app


def accept_report(app: Application, *, user) -> UseOfFundsReport:
    """Accept the proof of use and close: unspent money back into open budgets, overpayments claimed back."""
    require(user, app.neighbourhood_id)
    with unit_of_work():
        app, rows = _locked(app, frozenset({S.REPORT_SUBMITTED}), _("Es liegt kein eingereichter "
                                                                    "Verwendungsnachweis vor."))
        report = report_of(app)
        if any(row.line is None for row in rows):
            raise DomainError(_("Der Verwendungsnachweis nennt nicht für jede Bewilligung die ausgegebenen Mittel; "
                                "bitte zur Korrektur zurückgeben."))
        settled = {}
        for row in rows:
            found = ledger_queries.application_budgets(app, [row.grant.programme_id]).get(row.grant.programme_id)
            budget = lock_row(Budget, found.id) if found is not None else None
            result = settle(granted_cents=row.grant.amount_cents, spent_cents=row.line.spent_cents,
                            paid_cents=row.paid_cents, budget_open=budget is not None and not budget.closed)
            if result.release_cents:
                ledger.release(budget.id, result.release_cents, user=user, application_id=app.id,
                               memo=_("Verwendungsnachweis %(ref)s: nicht verbraucht (Bescheid %(number)s)",
                                      ref=app.reference, number=row.grant.number))
            row.line.released_cents = result.release_cents
            row.line.repayment_claim_cents = result.repayment_claim_cents
            settled[row.grant.number] = {"unspent_cents": result.unspent_cents, "released_cents": result.release_cents,
                                         "repayment_claim_cents": result.repayment_claim_cents,
                                         "budget_closed": budget is None or budget.closed}
        report.repayment_claim_cents = sum(r.line.repayment_claim_cents for r in rows)
        transition(app, S.CLOSED, user=user, reason=_("Verwendungsnachweis geprüft"))
        audit.record("use_of_funds.accept", user=user, obj=report, neighbourhood_id=app.neighbourhood_id,
                     after={"grants": settled, "repayment_claim_cents": report.repayment_claim_cents})
    return report

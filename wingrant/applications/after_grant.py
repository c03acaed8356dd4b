"""After the grant: payouts (Auszahlung / Mittelabruf), the proof of use (Verwendungsnachweis), closing.

The rules are pure functions over plain numbers (``payout_problems``,
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

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import lock_row, unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..ledger import services as ledger
from ..ledger.models import Budget
from ..money import format_eur
from .lifecycle import transition
from .models import Application, Grant, Payout, UseOfFundsLine, UseOfFundsReport
from .models import ApplicationState as S
from .rules import Problem
from .services import require

#: States in which money may be paid out against a grant.
PAYABLE_STATES = frozenset({S.GRANTED, S.RUNNING, S.REPORT_SUBMITTED})
#: States in which the proof of use may be entered (or corrected).
REPORTABLE_STATES = frozenset({S.GRANTED, S.RUNNING})


class InvalidAfterGrant(DomainError):
    """Input that breaks a rule; ``problems`` says which, field by field."""

    def __init__(self, problems: list[Problem]):
        super().__init__(" ".join(p.message for p in problems))
        self.problems = problems


# --- the rules ----------------------------------------------------------------------------------


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


# --- reads --------------------------------------------------------------------------------------


@dataclass
class GrantRow:
    grant: Grant
    programme_name: str
    paid_cents: int
    line: UseOfFundsLine | None

    @property
    def spent_cents(self) -> int | None:
        return self.line.spent_cents if self.line else None


def grant_rows(app: Application) -> list[GrantRow]:
    """The application's grants with what was paid out and spent: three queries."""
    from ..neighbourhoods.models import Programme

    grants = db.session.execute(
        sa.select(Grant, Programme.name).join(Programme, Grant.programme_id == Programme.id)
        .where(Grant.application_id == app.id).order_by(Programme.position, Programme.code, Grant.id)).all()
    ids = [g.id for g, _name in grants]
    paid = dict(db.session.execute(
        sa.select(Payout.grant_id, sa.cast(sa.func.sum(Payout.amount_cents), sa.BigInteger))
        .where(Payout.grant_id.in_(ids)).group_by(Payout.grant_id)).all()) if ids else {}
    lines = {line.grant_id: line for line in db.session.execute(
        sa.select(UseOfFundsLine).where(UseOfFundsLine.grant_id.in_(ids))).scalars()} if ids else {}
    return [GrantRow(g, name, int(paid.get(g.id) or 0), lines.get(g.id)) for g, name in grants]


def payouts(app: Application) -> list[Payout]:
    return list(db.session.execute(
        sa.select(Payout).join(Grant, Payout.grant_id == Grant.id).where(Grant.application_id == app.id)
        .order_by(Payout.paid_on, Payout.id)).scalars())


def report_of(app: Application) -> UseOfFundsReport | None:
    return db.session.execute(
        sa.select(UseOfFundsReport).filter_by(application_id=app.id)).scalar_one_or_none()


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
            budget_id = db.session.execute(sa.select(Budget.id).filter_by(
                neighbourhood_id=app.neighbourhood_id, programme_id=row.grant.programme_id, year=app.year)
            ).scalar_one_or_none()
            budget = lock_row(Budget, budget_id) if budget_id is not None else None
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

"""The rules an application must follow, as pure functions over plain data.

Nothing here touches the database or the request: services and views build an
``ApplicationInput`` (from a form or from a stored application) and ask these
functions for ``Problem``s. Each problem carries a German message and the name
of the form field it belongs to, so that a view can show it next to that field.

Two levels:

* ``structural_problems`` — data that can never be stored (a non-positive
  amount, an end before the start). They block every save.
* ``submission_problems`` — what an application must satisfy before it goes
  to the forum: a balanced plan, each programme's cap, investive-only
  programmes, a period inside the budget year. A draft may break them (people
  fill in a plan step by step); every later save and every move towards the
  forum must satisfy them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from ..money import format_eur
from .models import CostCategory, FundingSource

#: Pseudo field for problems of the whole plan (shown at the plan's totals).
PLAN_FIELD = "plan"


@dataclass(frozen=True)
class Problem:
    message: str
    field: str | None = None


@dataclass(frozen=True)
class CostLine:
    category: CostCategory
    description: str
    amount_cents: int
    #: Index of the form row it came from (for the field name of a problem).
    row: int | None = None


@dataclass(frozen=True)
class FundingLine:
    """Own funds, volunteer work or third-party funds (``programme_id`` None), or a programme request."""

    source: FundingSource
    amount_cents: int
    description: str = ""
    programme_id: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class ProgrammeRule:
    """The settings of a programme that limit what may be requested from it."""

    id: int
    code: str
    name: str
    max_share_percent: int = 100
    investive_only: bool = False
    #: The active Förderschienen; a request from a programme with lines names one of them.
    line_ids: tuple[int, ...] = ()


@dataclass
class ApplicationInput:
    """Everything the form edits, as plain data."""

    organisation_id: int | None
    title: str
    year: int
    summary: str = ""
    description: str = ""
    goals: str = ""
    target_groups: str = ""
    expected_participants: int | None = None
    place: str = ""
    start_date: date | None = None
    end_date: date | None = None
    contact_email: str = ""
    field_of_action_ids: list[int] = field(default_factory=list)
    costs: list[CostLine] = field(default_factory=list)
    #: Own, volunteer and third-party lines; programme requests live in ``requests``.
    funding: list[FundingLine] = field(default_factory=list)
    #: Requested amount per programme id (only amounts > 0).
    requests: dict[int, int] = field(default_factory=dict)
    #: The Förderschiene asked of, per programme id (programmes with lines only).
    request_lines: dict[int, int] = field(default_factory=dict)

    @property
    def total_cost_cents(self) -> int:
        return sum(c.amount_cents for c in self.costs)

    @property
    def investment_cost_cents(self) -> int:
        return sum(c.amount_cents for c in self.costs if c.category == CostCategory.INVESTMENT)

    @property
    def requested_cents(self) -> int:
        return sum(self.requests.values())

    @property
    def total_funding_cents(self) -> int:
        return sum(f.amount_cents for f in self.funding) + self.requested_cents

    @property
    def gap_cents(self) -> int:
        """Positive: costs not covered yet. Negative: more financing than costs."""
        return self.total_cost_cents - self.total_funding_cents


def request_field(programme_id: int) -> str:
    return f"request_{programme_id}"


def line_field(programme_id: int) -> str:
    return f"line_{programme_id}"


def max_share_cents(total_cost_cents: int, percent: int) -> int:
    """The largest amount a programme with ``percent`` cap may pay (rounded down to the cent)."""
    return total_cost_cents * percent // 100


def structural_problems(data: ApplicationInput) -> list[Problem]:
    problems: list[Problem] = []
    if not data.title.strip():
        problems.append(Problem(_("Bitte einen Titel angeben."), "title"))
    if data.organisation_id is None:
        problems.append(Problem(_("Bitte den Träger auswählen."), "organisation_id"))
    if not 1999 <= data.year <= 2200:
        problems.append(Problem(_("Bitte ein Förderjahr zwischen 1999 und 2200 angeben."), "year"))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        problems.append(Problem(_("Das Ende darf nicht vor dem Beginn liegen."), "end_date"))
    if data.expected_participants is not None and data.expected_participants < 0:
        problems.append(Problem(_("Die Zahl der Teilnehmenden darf nicht negativ sein."), "expected_participants"))
    for cost in data.costs:
        if cost.amount_cents <= 0:
            problems.append(Problem(_("Der Betrag muss größer als 0 sein."), _row_field("costs", cost.row)))
    for funding in data.funding:
        if funding.amount_cents <= 0:
            problems.append(Problem(_("Der Betrag muss größer als 0 sein."), _row_field("funding", funding.row)))
    for programme_id, cents in data.requests.items():
        if cents <= 0:
            problems.append(Problem(_("Der Betrag muss größer als 0 sein."), request_field(programme_id)))
    return problems


def _row_field(prefix: str, row: int | None) -> str | None:
    return f"{prefix}-{row}-amount" if row is not None else PLAN_FIELD


def submission_problems(data: ApplicationInput, programmes: dict[int, ProgrammeRule]) -> list[Problem]:
    """What stands between this application and the forum (empty list: nothing)."""
    problems = structural_problems(data)
    if not data.costs:
        problems.append(Problem(_("Bitte mindestens eine Zeile im Kostenplan ausfüllen."), "costs"))
    if not data.requests:
        problems.append(Problem(_("Bitte angeben, wie viel aus welchem Förderprogramm beantragt wird."),
                                PLAN_FIELD))
    problems += balance_problems(data)
    problems += programme_problems(data, programmes)
    problems += period_problems(data.start_date, data.end_date, data.year)
    return problems


def balance_problems(data: ApplicationInput) -> list[Problem]:
    gap = data.gap_cents
    if gap > 0:
        return [Problem(_("Kosten und Finanzierung sind nicht ausgeglichen: Es fehlen %(gap)s in der Finanzierung.",
                          gap=format_eur(gap)), PLAN_FIELD)]
    if gap < 0:
        return [Problem(_("Kosten und Finanzierung sind nicht ausgeglichen: Die Finanzierung übersteigt die "
                          "Kosten um %(gap)s.", gap=format_eur(-gap)), PLAN_FIELD)]
    return []


def programme_problems(data: ApplicationInput, programmes: dict[int, ProgrammeRule]) -> list[Problem]:
    problems = []
    total = data.total_cost_cents
    for programme_id, requested in sorted(data.requests.items()):
        rule = programmes.get(programme_id)
        field_name = request_field(programme_id)
        if rule is None:
            problems.append(Problem(_("Aus diesem Förderprogramm kann nichts beantragt werden."), field_name))
            continue
        name = rule.name
        if rule.line_ids and data.request_lines.get(programme_id) not in rule.line_ids:
            problems.append(Problem(_("%(programme)s hat Förderschienen: Bitte eine Förderschiene wählen.",
                                      programme=name), line_field(programme_id)))
        cap = max_share_cents(total, rule.max_share_percent)
        if requested > cap:
            problems.append(Problem(
                _("%(programme)s darf höchstens %(percent)s %% der Gesamtkosten tragen, also höchstens "
                  "%(cap)s; beantragt sind %(requested)s.",
                  programme=name, percent=rule.max_share_percent, cap=format_eur(cap),
                  requested=format_eur(requested)),
                field_name))
        if rule.investive_only and requested > data.investment_cost_cents:
            problems.append(Problem(
                _("%(programme)s fördert nur Investitionen: höchstens %(cap)s (die Investitionskosten im "
                  "Kostenplan); beantragt sind %(requested)s.",
                  programme=name, cap=format_eur(data.investment_cost_cents), requested=format_eur(requested)),
                field_name))
    return problems


def period_problems(start: date | None, end: date | None, year: int) -> list[Problem]:
    problems = []
    if start is None:
        problems.append(Problem(_("Bitte den Beginn des Projekts angeben."), "start_date"))
    elif start.year != year:
        problems.append(Problem(_("Der Beginn muss im Förderjahr %(year)s liegen.", year=year), "start_date"))
    if end is None:
        problems.append(Problem(_("Bitte das Ende des Projekts angeben."), "end_date"))
    elif end.year != year:
        problems.append(Problem(_("Das Ende muss im Förderjahr %(year)s liegen.", year=year), "end_date"))
    return problems


# --- after the project ----------------------------------------------------------------------

#: The Verwendungsnachweis is due this many months after the project has ended (ANBest-P Nr. 6.1).
REPORT_DUE_MONTHS = 6


def shift_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept inside the target month (31 August + 6 → 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - date(year, month, 1)).days))


def report_due_on(end_date: date | None, year: int) -> date:
    """When the proof of use is due: some months after the project's end, or after its funding year
    when no end was given."""
    return shift_months(end_date or date(year, 12, 31), REPORT_DUE_MONTHS)


def report_overdue_before(today: date) -> date:
    """A granted project that ended before this day and has no proof of use yet is overdue.

    The same rule as ``report_due_on(end) < today``, turned round so that a query can compare the
    stored end date with one value.
    """
    return shift_months(today, -REPORT_DUE_MONTHS)

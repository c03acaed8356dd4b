"""Reads shared by the meeting views and services: agenda, money per item, the deliberation."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, raiseload, selectinload

from ..applications.models import Application, ApplicationState, FundingSource
from ..extensions import db
from ..ledger import queries as ledger_queries
from ..ledger.models import Budget, EntryKind, LedgerEntry
from ..neighbourhoods.models import Neighbourhood, Programme
from . import consensus
from .models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Decision,
    HeadCount,
    Meeting,
    Objection,
    Outcome,
    Resolution,
    ResolutionObjection,
)

# --- the deliberation -----------------------------------------------------------------


def requested_amounts(application: Application) -> dict[int, int]:
    """Money asked for, per programme id (from the financing plan)."""
    amounts: dict[int, int] = {}
    for f in application.financing_items:
        if f.source == FundingSource.PROGRAMME and f.programme_id is not None:
            amounts[f.programme_id] = amounts.get(f.programme_id, 0) + f.amount_cents
    return amounts


def previous_deferrals(application_id: int, *, exclude_decision_id: int | None = None) -> int:
    """How often the forum deferred this application before (corrected deferrals do not count)."""
    stmt = sa.select(sa.func.count(Decision.id)).where(
        Decision.application_id == application_id, Decision.outcome == Outcome.DEFERRED)
    if exclude_decision_id is not None:
        stmt = stmt.where(Decision.id != exclude_decision_id)
    return db.session.execute(stmt).scalar_one()


def head_count_total(meeting_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(HeadCount.count), 0)).where(HeadCount.meeting_id == meeting_id)
    ).scalar_one()


def rules_of(neighbourhood: Neighbourhood) -> consensus.Rules:
    return consensus.Rules(allow_dissent_referral=neighbourhood.allow_dissent_referral,
                           vote_after_deferrals=neighbourhood.vote_after_deferrals)


def pure_objection(o: Objection | ResolutionObjection) -> consensus.Objection:
    """A named objection is that person's, whatever group was picked beside the name: so a
    recused person's objection never counts. Only an objection without a name is the group's."""
    name = o.person_name.strip()
    if name or o.group is None:
        return consensus.Objection(who=name, withdrawn=o.withdrawn)
    return consensus.Objection(who=o.group.value, withdrawn=o.withdrawn, is_group=True)


def attendance_recorded(meeting_id: int) -> bool:
    """Someone counted or listed as present (an apology is not presence)."""
    counted = sa.select(HeadCount.id).where(HeadCount.meeting_id == meeting_id, HeadCount.count > 0)
    listed = sa.select(Attendance.id).where(Attendance.meeting_id == meeting_id, Attendance.apologised.is_(False))
    return bool(db.session.execute(sa.select(sa.or_(counted.exists(), listed.exists()))).scalar())


def attendee_names(meeting_id: int) -> list[str]:
    """Names of the people listed as present, to pick from for objections and recusals."""
    return list(db.session.execute(
        sa.select(Attendance.name).where(Attendance.meeting_id == meeting_id, Attendance.apologised.is_(False))
        .order_by(Attendance.name).distinct()
    ).scalars())


def first_decision_at(meeting_id: int):
    """When the first outcome of this meeting was recorded (naive UTC), or ``None``."""
    return db.session.execute(
        sa.select(sa.func.min(Decision.decided_at)).join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id, Decision.outcome.is_not(None))
    ).scalar()


@dataclass(frozen=True)
class DecisionContext:
    """What deciding on an item needs to know about the meeting and the application's past."""

    attendance_recorded: bool
    present: int
    previous_deferrals: int


def decision_context(meeting_id: int, application_id: int, agenda_item_id: int) -> DecisionContext:
    """``attendance_recorded``, ``head_count_total`` and ``previous_deferrals`` (this item's own
    decision not counted) in one statement."""
    counted = sa.select(HeadCount.id).where(HeadCount.meeting_id == meeting_id, HeadCount.count > 0).exists()
    listed = sa.select(Attendance.id).where(Attendance.meeting_id == meeting_id,
                                            Attendance.apologised.is_(False)).exists()
    present = (sa.select(sa.func.coalesce(sa.func.sum(HeadCount.count), 0))
               .where(HeadCount.meeting_id == meeting_id).scalar_subquery())
    deferrals = (sa.select(sa.func.count(Decision.id))
                 .where(Decision.application_id == application_id, Decision.outcome == Outcome.DEFERRED,
                        Decision.agenda_item_id != agenda_item_id).scalar_subquery())
    row = db.session.execute(sa.select(sa.or_(counted, listed), present, deferrals)).one()
    return DecisionContext(bool(row[0]), int(row[1]), int(row[2]))


def deliberation(decision: Decision | None, application: Application, meeting: Meeting,
                 votes: consensus.Votes | None = None, context: DecisionContext | None = None,
                 ) -> consensus.Deliberation:
    """Translate what was recorded into the pure rule's input (``context``: read already)."""
    objections = tuple(pure_objection(o) for o in (decision.objections if decision else ()))
    recusals = tuple(consensus.Recusal(person=r.person_name, organisation=r.organisation)
                     for r in (decision.recusals if decision else ()))
    if context is None:
        present = head_count_total(meeting.id)
        previous = previous_deferrals(application.id, exclude_decision_id=decision.id if decision else None)
    else:
        present, previous = context.present, context.previous_deferrals
    return consensus.Deliberation(
        objections=objections,
        recusals=recusals,
        votes=votes,
        previous_deferrals=previous,
        rules=rules_of(meeting.neighbourhood),
        # Head counts are optional; when they are there, recused people are not entitled to vote.
        entitled_present=max(present - len(recusals), 0) if present else None,
    )


def objection_counts(decision: Decision) -> tuple[list[Objection], list[Objection]]:
    """(objections that count, objections of recused people), neither withdrawn."""
    recusals = tuple(consensus.Recusal(r.person_name, r.organisation) for r in decision.recusals)
    counting, discounted = [], []
    for o in decision.objections:
        if o.withdrawn:
            continue
        pure = pure_objection(o)
        (discounted if consensus.is_recused(pure, recusals) else counting).append(o)
    return counting, discounted


# --- the agenda -------------------------------------------------------------------------


def primary_programme(application: Application, programmes: dict[int, Programme]) -> Programme | None:
    """The programme the application asks most money from (ties: display order)."""
    totals: dict[int, int] = {}
    for f in application.financing_items:
        if f.source == FundingSource.PROGRAMME and f.programme_id is not None:
            totals[f.programme_id] = totals.get(f.programme_id, 0) + f.amount_cents
    if not totals:
        return None
    best = sorted(totals, key=lambda pid: (-totals[pid], programmes[pid].position, programmes[pid].code))[0]
    return programmes[best]


def group_key(application: Application, programmes: dict[int, Programme]) -> tuple:
    """Applications are discussed grouped by programme and year."""
    p = primary_programme(application, programmes)
    return (p.position if p else 10**6, p.code if p else "", application.year)


@dataclass
class AgendaRow:
    item: AgendaItem
    number: str
    #: Set on the first application item of a programme group: "WiN – … 2026".
    group_heading: str | None = None
    is_header: bool = False

    @property
    def decision(self) -> Decision | None:
        return self.item.decision


def meetings_of(neighbourhood: Neighbourhood) -> list[tuple[Meeting, int, int]]:
    """Meetings, newest first, with their number of application items and of decided ones."""
    decided = sa.func.count(Decision.outcome)
    stmt = (
        sa.select(Meeting, sa.func.count(AgendaItem.application_id), decided)
        .outerjoin(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(Meeting.neighbourhood_id == neighbourhood.id)
        .group_by(Meeting.id)
        .order_by(Meeting.date.desc(), Meeting.id.desc())
    )
    return [(m, n, d) for m, n, d in db.session.execute(stmt)]


def programmes_by_id() -> dict[int, Programme]:
    return {p.id: p for p in db.session.execute(sa.select(Programme)).scalars()}


def top_numbers(items) -> list[tuple[str, bool]]:
    """TOP numbers of agenda items in order, each with "is a block heading".

    An APPLICATION item without an application is the heading of a block; the application
    items directly after it are numbered beneath it (4.1, 4.2 …); anything else gets the
    next whole number. The meeting pages, the minutes and OParl all number by this rule.
    """
    numbers: list[tuple[str, bool]] = []
    number, sub, in_block = 0, 0, False
    for item in items:
        if item.application_id is not None and in_block:
            sub += 1
            numbers.append((f"{number}.{sub}", False))
            continue
        number, sub = number + 1, 0
        in_block = item.kind == AgendaItemKind.APPLICATION and item.application_id is None
        numbers.append((str(number), in_block))
    return numbers


def agenda(meeting: Meeting, *, public: bool = False) -> list[AgendaRow]:
    """The agenda with its TOP numbers: application items are numbered under their heading (4.1, 4.2 …).

    ``public``: the agenda as the portal shows it before the minutes are published — the
    deliberation (decision, objections, recusals) and the item notes are not loaded, and
    touching them raises, so a public template cannot show them by mistake.
    """
    if public:
        options = [raiseload(AgendaItem.decision), raiseload(AgendaItem.resolution),
                   defer(AgendaItem.notes, raiseload=True)]
    else:
        options = [selectinload(AgendaItem.decision).selectinload(Decision.objections),
                   selectinload(AgendaItem.decision).selectinload(Decision.recusals),
                   selectinload(AgendaItem.decision).selectinload(Decision.amounts),
                   selectinload(AgendaItem.resolution).selectinload(Resolution.objections),
                   selectinload(AgendaItem.resolution).selectinload(Resolution.recusals)]
    items = db.session.execute(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
        .options(
            selectinload(AgendaItem.application).selectinload(Application.financing_items),
            selectinload(AgendaItem.application).selectinload(Application.organisation),
            *options,
        )
    ).scalars().all()
    programmes = programmes_by_id()
    rows: list[AgendaRow] = []
    last_group = None
    for item, (label, is_header) in zip(items, top_numbers(items)):
        row = AgendaRow(item, label, is_header=is_header)
        if item.application is not None:
            p = primary_programme(item.application, programmes)
            group = f"{p.name} {item.application.year}" if p else None
            if group and group != last_group:
                row.group_heading = group
            last_group = group
        else:
            last_group = None
        rows.append(row)
    return rows


def current_row(meeting: Meeting, rows: list[AgendaRow]) -> AgendaRow | None:
    return next((r for r in rows if r.item.position == meeting.current_position), None)


def agenda_candidates(neighbourhood: Neighbourhood) -> list[Application]:
    """Beschlussreif or deferred applications of the neighbourhood not waiting on any agenda.

    One query: the organisation is joined, and "waiting on an agenda" is a correlated
    NOT EXISTS on the candidate's own agenda items (index on ``application_id``), so
    the cost does not grow with every agenda item of every neighbourhood and year.
    """
    pending = (
        sa.select(AgendaItem.id)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.application_id == Application.id, Decision.outcome.is_(None))
    )
    return list(db.session.execute(
        sa.select(Application)
        .where(Application.neighbourhood_id == neighbourhood.id,
               Application.state.in_([ApplicationState.READY, ApplicationState.DEFERRED]),
               ~pending.exists())
        .order_by(Application.state.desc(), Application.reference)
        .options(joinedload(Application.organisation))
    ).scalars())


# --- money per item ------------------------------------------------------------------------


@dataclass
class MoneyRow:
    programme: Programme
    requested: int
    #: Decided amount (None while undecided or when nothing was approved).
    approved: int | None
    budget: Budget | None
    allocated: int = 0
    #: What the budget had before this decision, and would have / has after it.
    before: int = 0
    after: int = 0

    @property
    def overspend(self) -> bool:
        return self.budget is None or self.after < 0

    @property
    def bound_elsewhere(self) -> int:
        """Money bound by other decisions: allocated minus what was there before this one."""
        return max(self.allocated - self.before, 0)


@dataclass
class ItemMoney:
    rows: list[MoneyRow] = field(default_factory=list)

    @property
    def requested(self) -> int:
        return sum(r.requested for r in self.rows)

    @property
    def approved(self) -> int | None:
        values = [r.approved for r in self.rows if r.approved is not None]
        return sum(values) if values else None


def bound_by_decisions(decision_ids: list[int]) -> dict[tuple[int, int], int]:
    """Net money each decision has bound per budget: commitments minus their reversals."""
    if not decision_ids:
        return {}
    reversed_ids = sa.select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
    rows = db.session.execute(
        sa.select(LedgerEntry.decision_id, LedgerEntry.budget_id, sa.func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.decision_id.in_(decision_ids), LedgerEntry.kind == EntryKind.COMMITMENT,
               LedgerEntry.id.not_in(reversed_ids))
        .group_by(LedgerEntry.decision_id, LedgerEntry.budget_id)
    )
    return {(d, b): int(total) for d, b, total in rows}


def money_for(rows: list[AgendaRow], neighbourhood: Neighbourhood) -> dict[int, ItemMoney]:
    """Per application item: requested and decided amounts, each budget before and after the decision.

    A fixed number of queries, whatever the number of items.
    """
    app_rows = [r for r in rows if r.item.application is not None]
    if not app_rows:
        return {}
    programmes = programmes_by_id()
    years = {r.item.application.year for r in app_rows}
    # Keyed with the line: a programme with lines books each application on the line it asks of.
    budgets = {(b.programme_id, b.line_id, b.year): b for b in db.session.execute(
        sa.select(Budget).where(Budget.neighbourhood_id == neighbourhood.id, Budget.year.in_(years))).scalars()}
    balances = ledger_queries.balances([b.id for b in budgets.values()])
    decisions = [r.decision for r in app_rows if r.decision is not None]
    bound = bound_by_decisions([d.id for d in decisions])
    result: dict[int, ItemMoney] = {}
    for r in app_rows:
        application, decision = r.item.application, r.decision
        requested = requested_amounts(application)
        approved = ({a.programme_id: a.amount_cents for a in decision.amounts}
                    if decision is not None and _approved(decision) else None)
        money = ItemMoney()
        for pid in sorted(set(requested) | set(approved or {}),
                          key=lambda p: (programmes[p].position, programmes[p].code)):
            budget = budgets.get((pid, application.line_for(pid), application.year))
            balance = balances.get(budget.id) if budget else None
            available = balance.available if balance else 0
            here = bound.get((decision.id, budget.id), 0) if decision is not None and budget else 0
            before = available + here
            takes = approved.get(pid, 0) if approved is not None else (
                0 if decision is not None and decision.outcome is not None else requested.get(pid, 0))
            money.rows.append(MoneyRow(
                programme=programmes[pid], requested=requested.get(pid, 0),
                approved=approved.get(pid, 0) if approved is not None else None, budget=budget,
                allocated=balance.allocated if balance else 0, before=before, after=before - takes,
            ))
        result[r.item.id] = money
    return result


def _approved(decision: Decision) -> bool:
    return decision.outcome in consensus.APPROVALS or decision.admin_outcome in consensus.APPROVALS


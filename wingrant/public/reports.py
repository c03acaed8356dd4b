"""The yearly report of a neighbourhood (Jahresbericht): public, from published minutes only.

One budget year: the money per programme (from the ledger), the meetings of
the forum, and every published decision on an application for that year,
with counts and sums per outcome and programme.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..ledger import queries as ledger_queries
from ..meetings.models import HeadCount, Meeting, MeetingState, Outcome
from ..minutes import published
from ..minutes.models import Minutes, MinutesState
from ..minutes.published import PublishedDecision
from ..neighbourhoods.models import Neighbourhood
from . import demand as demand_model
from . import queries
from .demand import Demand
from .demand_export import demand_records
from .queries import BoundMoney


@dataclass(frozen=True)
class ReportMeeting:
    meeting_id: int
    date: date
    #: Counted in the minutes, so public with them: ``None`` until the minutes are published.
    participants: int | None
    published: bool


@dataclass(frozen=True)
class ProgrammeTotal:
    code: str
    name: str
    requested: int
    approved: int


@dataclass(frozen=True)
class YearReport:
    neighbourhood: Neighbourhood
    year: int
    budgets: list
    meetings: list[ReportMeeting]
    decisions: list[PublishedDecision]
    outcomes: dict[Outcome, int]
    programmes: list[ProgrammeTotal]
    #: The budgets' bound money, traced to published decisions and to meetings whose minutes follow.
    bound: BoundMoney
    #: Asked for, given and not given (and why) per programme and field of action.
    demand: Demand

    @property
    def approved_total(self) -> int:
        return sum(p.approved for p in self.programmes)

    @property
    def participants(self) -> int:
        """Attendance from published minutes only: a meeting's head count is part of its minutes."""
        return sum(m.participants or 0 for m in self.meetings if m.published)


def year_report(neighbourhood: Neighbourhood, year: int) -> YearReport:
    """Everything the report shows, in a fixed number of queries."""
    budgets = ledger_queries.budget_overview(year, [neighbourhood.id])
    participants = (
        sa.select(sa.func.coalesce(sa.func.sum(HeadCount.count), 0))
        .where(HeadCount.meeting_id == Meeting.id).correlate(Meeting).scalar_subquery()
    )
    meetings = [
        ReportMeeting(mid, mdate, int(n or 0) if state == MinutesState.PUBLISHED else None,
                      state == MinutesState.PUBLISHED)
        for mid, mdate, n, state in db.session.execute(
            sa.select(Meeting.id, Meeting.date, participants, Minutes.state)
            .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
            .where(Meeting.neighbourhood_id == neighbourhood.id,
                   Meeting.state.in_([MeetingState.HELD, MeetingState.MINUTES_APPROVED]),
                   Meeting.date >= date(year, 1, 1), Meeting.date <= date(year, 12, 31))
            .order_by(Meeting.date)
        )
    ]
    decisions = sorted(published.published_decisions(neighbourhood.id, year=year),
                       key=lambda d: (d.meeting_date, d.decision_id))
    outcomes = Counter(d.outcome for d in decisions)
    totals: dict[str, list] = {}
    for d in decisions:
        for a in d.amounts:
            entry = totals.setdefault(a.code, [a.name, 0, 0])
            entry[1] += a.requested
            entry[2] += a.approved
    programmes = [ProgrammeTotal(code, name, requested, approved)
                  for code, (name, requested, approved) in totals.items()]
    return YearReport(neighbourhood, year, budgets, meetings, decisions,
                      {o: outcomes.get(o, 0) for o in Outcome}, programmes, queries.bound_money(neighbourhood.id, year),
                      demand_model.unmet_demand(year=year, neighbourhood_id=neighbourhood.id))


FILENAME = "jahresbericht.json"


def report_json(report: YearReport) -> bytes:
    """The report's figures, machine-readable (amounts in cents, no names)."""
    data = {
        "format": "wingrant.year-report/1",
        "neighbourhood": {"name": report.neighbourhood.name, "slug": report.neighbourhood.slug},
        "year": report.year,
        "amount_unit": "cent",
        "budgets": [{"programme": r.programme.code, "allocated_cents": r.balance.allocated,
                     "committed_cents": r.balance.net_committed, "available_cents": r.balance.available}
                    for r in report.budgets],
        "bound": {"published_decisions_cents": report.bound.published,
                  "minutes_pending": [{"meeting_date": p.date.isoformat(), "committed_cents": p.cents}
                                      for p in report.bound.pending],
                  "released_cents": report.bound.released, "other_cents": report.bound.other,
                  "committed_cents": report.bound.total},
        "meetings": [{"date": m.date.isoformat(), "participants": m.participants,
                      "minutes_published": m.published} for m in report.meetings],
        "decisions": [{"meeting_date": d.meeting_date.isoformat(), "title": d.title,
                       "organisation": d.organisation, "outcome": d.outcome.value,
                       "amounts": [{"programme": a.code, "requested_cents": a.requested,
                                    "approved_cents": a.approved} for a in d.amounts]}
                      for d in report.decisions],
        "unmet_demand": demand_records(report.demand),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")

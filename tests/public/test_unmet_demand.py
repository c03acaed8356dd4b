"""Unmet demand equals the ledger and the published decisions to the cent, over generated data.

Each generated example is a neighbourhood of its own (the ledger is append-only: nothing is
deleted between examples): applications asking one or two programmes, decided in one or two
meetings (a deferral first, then the final word), each meeting's minutes published or not. The
expectation is computed here from the generated story and the raw ledger rows, not through the
read model.
"""

from __future__ import annotations

from datetime import date, time
from itertools import count

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wingrant.applications.models import Application, ApplicationState, FinancingItem, FundingSource
from wingrant.database import utcnow
from wingrant.extensions import db
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger import services as ledger
from wingrant.ledger.models import Budget, EntryKind, LedgerEntry
from wingrant.meetings.consensus import APPROVALS, Outcome, ReasonCategory
from wingrant.meetings.models import AgendaItem, AgendaItemKind, Decision, DecisionAmount, Meeting, MeetingState
from wingrant.minutes.models import Minutes, MinutesState
from wingrant.neighbourhoods.models import FieldOfAction
from wingrant.organisations.models import Organisation
from wingrant.public import city_report, demand

YEAR = date.today().year
FINAL = [Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES, Outcome.DEFERRED, Outcome.REJECTED, Outcome.WITHDRAWN,
         Outcome.REFERRED]
CATEGORIES = [ReasonCategory.LACK_OF_MONEY, ReasonCategory.CONTENT, ReasonCategory.FORMAL, ReasonCategory.OTHER,
              ReasonCategory.NOT_RECORDED]

cents = st.integers(min_value=1, max_value=5_000_000)
application_story = st.fixed_dictionaries({
    "asks": st.dictionaries(st.sampled_from(["WIN", "SOZ"]), cents, min_size=1, max_size=2),
    "field": st.sampled_from([None, 0, 1]),
    "deferred_first": st.booleans(),
    "first_published": st.booleans(),
    "final": st.sampled_from(FINAL),
    "final_published": st.booleans(),
    "cut_per_mille": st.integers(min_value=0, max_value=999),
    "category": st.sampled_from(CATEGORIES),
})
neighbourhood_story = st.lists(application_story, min_size=0, max_size=6)

_serial = count(1)


@pytest.fixture
def world(db, make_programme):
    win = make_programme("WIN", name="WiN", position=1)
    soz = make_programme("SOZ", name="Soziale Stadt", position=2)
    for programme in (win, soz):
        db.session.add_all([FieldOfAction(programme_id=programme.id, name=f"Nachbarschaft {programme.code}",
                                          position=0),
                            FieldOfAction(programme_id=programme.id, name=f"Bildung {programme.code}", position=1)])
    org = Organisation(name="Träger e. V.")
    db.session.add(org)
    db.session.commit()
    fields = {p.code: list(db.session.execute(sa.select(FieldOfAction).filter_by(programme_id=p.id)
                                              .order_by(FieldOfAction.position)).scalars()) for p in (win, soz)}
    return {"programmes": {"WIN": win, "SOZ": soz}, "fields": fields, "org": org}


def _meeting(nb, when: date, published: bool) -> Meeting:
    m = Meeting(neighbourhood_id=nb.id, date=when, starts_at=time(18), place="Saal", state=MeetingState.HELD)
    db.session.add(m)
    db.session.flush()
    if published:
        db.session.add(Minutes(meeting_id=m.id, state=MinutesState.PUBLISHED, published_at=utcnow()))
    return m


def _decide(meeting, app, position, outcome, amounts, category, budgets) -> Decision:
    item = AgendaItem(meeting_id=meeting.id, position=position, kind=AgendaItemKind.APPLICATION, title=app.title,
                      application_id=app.id)
    db.session.add(item)
    db.session.flush()
    decision = Decision(agenda_item_id=item.id, application_id=app.id, outcome=outcome, decided_at=utcnow(),
                        reason_category=category)
    db.session.add(decision)
    db.session.flush()
    for code, value in amounts.items():
        db.session.add(DecisionAmount(decision_id=decision.id, programme_id=budgets[code].programme_id,
                                      amount_cents=value))
    db.session.commit()
    for code, value in amounts.items():
        if value:
            ledger.commit(budgets[code].id, value, user=None, application_id=app.id, decision_id=decision.id)
    return decision


def build(world, make_neighbourhood, story) -> tuple:
    """Write the story; return the neighbourhood and the expected cells (computed from the story)."""
    n = next(_serial)
    nb = make_neighbourhood(f"Quartier P{n}", code=f"P{n:04d}"[-6:])
    budgets = {}
    for code, programme in world["programmes"].items():
        budgets[code] = ledger.get_or_create_budget(nb, programme, YEAR)
        ledger.allocate(budgets[code].id, 10**11, user=None, memo="genug")
    early = _meeting(nb, date(YEAR, 3, 1), published=True)
    early_unpublished = _meeting(nb, date(YEAR, 3, 2), published=False)
    late = _meeting(nb, date(YEAR, 6, 1), published=True)
    late_unpublished = _meeting(nb, date(YEAR, 6, 2), published=False)
    expected: dict[tuple, dict] = {}
    latest_public: list[int] = []
    for i, s in enumerate(story):
        app = Application(reference=f"{nb.code}-{i}", neighbourhood_id=nb.id, organisation_id=world["org"].id,
                          year=YEAR, title=f"Projekt {i}", state=ApplicationState.DEFERRED)
        for pos, (code, asked) in enumerate(s["asks"].items()):
            app.financing_items.append(FinancingItem(position=pos, source=FundingSource.PROGRAMME,
                                                     programme_id=world["programmes"][code].id, amount_cents=asked))
        if s["field"] is not None:
            app.fields_of_action = [world["fields"][code][s["field"]] for code in sorted(s["asks"])]
        db.session.add(app)
        db.session.commit()
        public: tuple | None = None
        if s["deferred_first"]:
            first = early if s["first_published"] else early_unpublished
            d = _decide(first, app, i, Outcome.DEFERRED, {}, s["category"], budgets)
            if s["first_published"]:
                public = (d.id, Outcome.DEFERRED, s["category"], {})
        outcome = s["final"]
        approved = {}
        if outcome == Outcome.APPROVED:
            approved = dict(s["asks"])
        elif outcome == Outcome.APPROVED_WITH_CHANGES:
            approved = {code: asked - asked * s["cut_per_mille"] // 1000 for code, asked in s["asks"].items()}
        final = late if s["final_published"] else late_unpublished
        d = _decide(final, app, i, outcome, approved, s["category"], budgets)
        if s["final_published"]:
            public = (d.id, outcome, s["category"], approved)
        if public is None:
            continue
        latest_public.append(public[0])
        _, out, category, given = public
        lack = category == ReasonCategory.LACK_OF_MONEY
        for code, asked in s["asks"].items():
            field = world["fields"][code][s["field"]].name if s["field"] is not None else ""
            cell = expected.setdefault((code, field), dict.fromkeys(demand.MONEY, 0) | {"applications": 0})
            cell["applications"] += 1
            cell["requested"] += asked
            if out in APPROVALS:
                cell["approved"] += given.get(code, 0)
                cell["reduced"] += asked - given.get(code, 0)
                cell["reduced_lack_of_money"] += (asked - given.get(code, 0)) if lack else 0
            elif out == Outcome.DEFERRED:
                cell["deferred"] += asked
                cell["deferred_lack_of_money"] += asked if lack else 0
            elif out == Outcome.REJECTED:
                cell["refused"] += asked
                cell["refused_lack_of_money"] += asked if lack else 0
            elif out == Outcome.WITHDRAWN:
                cell["withdrawn"] += asked
            else:
                cell["open"] += asked
    return nb, expected, latest_public


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(story=neighbourhood_story)
def test_unmet_demand_equals_decisions_and_ledger_to_the_cent(world, make_neighbourhood, story):
    nb, expected, latest_public = build(world, make_neighbourhood, story)
    figures = demand.unmet_demand(year=YEAR, neighbourhood_id=nb.id)

    got = {(c.programme_code, c.field): {name: getattr(c.figures, name) for name in (*demand.MONEY, "applications")}
           for c in figures.cells}
    assert got == {k: v for k, v in expected.items() if v["applications"]}
    for c in figures.cells:  # the money asked for splits without remainder
        f = c.figures
        assert f.requested == f.approved + f.reduced + f.deferred + f.refused + f.withdrawn + f.open

    # approved = the ledger's net commitments of the latest published decisions, to the cent
    net = sa.func.sum(sa.case((LedgerEntry.kind == EntryKind.REVERSAL, -LedgerEntry.amount_cents),
                              else_=LedgerEntry.amount_cents))
    booked = db.session.execute(sa.select(net).where(LedgerEntry.decision_id.in_(latest_public or [-1]),
                                                     LedgerEntry.kind == EntryKind.COMMITMENT)).scalar() or 0
    assert figures.total().approved == booked

    # what was available = the ledger's balance of every budget of the neighbourhood
    ids = list(db.session.execute(sa.select(Budget.id).filter_by(neighbourhood_id=nb.id)).scalars())
    balances = ledger_queries.balances(ids)
    assert figures.budget_total().allocated == sum(b.allocated for b in balances.values())
    assert figures.budget_total().available == sum(b.available for b in balances.values())
    assert figures.budget_total().committed == sum(b.committed for b in balances.values())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(stories=st.lists(neighbourhood_story, min_size=1, max_size=3))
def test_city_report_is_the_sum_of_the_neighbourhoods(world, make_neighbourhood, stories):
    for story in stories:
        build(world, make_neighbourhood, story)
    report = city_report.city_report(YEAR)
    per_nb = [demand.unmet_demand(year=YEAR, neighbourhood_id=nb_id) for nb_id in
              {c.neighbourhood_id for c in report.demand.budgets}]
    assert report.total == sum((d.total() for d in per_nb), demand.Figures())
    assert report.budget == sum((d.budget_total() for d in per_nb), demand.BudgetFigures())
    assert sum((n.figures for n in report.neighbourhoods), demand.Figures()) == report.total
    by_field = sum((f for _p, _f, f in report.demand.by_field()), demand.Figures())
    assert by_field == report.total
    everything = ledger_queries.year_totals(YEAR)
    assert report.budget.allocated == everything["allocated_cents"]
    assert report.budget.available == everything["available_cents"]

"""Decisions per second on PostgreSQL with 16 concurrent clients — and not one cent overspent.

A fresh database: 4 neighbourhoods, each with a WiN budget far too small for its
applications, and 4 meetings in session, each with 25 applications ready for decision.
16 threads (one per meeting, each with its own session and connection) record consensus
decisions through the real service, ``meetings.decisions.record_outcome``: approval as
requested, and where the ledger refuses it for lack of money, a rejection. Four clients
share every budget, so the budget row lock is what keeps the money right.

Afterwards the ledger is checked: every budget's balance is ≥ 0 and its net commitments
equal the approved decision amounts.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import date, datetime

import sqlalchemy as sa

from wingrant.applications.models import Application, CostCategory, CostItem, FinancingItem, FundingSource
from wingrant.applications.models import (
    ApplicationState as S,
)
from wingrant.auth.models import Membership, Role, User
from wingrant.extensions import db
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import Budget, EntryKind, LedgerEntry
from wingrant.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AttendeeGroup,
    Decision,
    DecisionAmount,
    HeadCount,
    Meeting,
    MeetingState,
)
from wingrant.neighbourhoods.models import Neighbourhood, Programme
from wingrant.organisations.models import Organisation

from . import databases
from .generate import Writer

CLIENTS = 16
NEIGHBOURHOODS = 4
ITEMS_PER_MEETING = 25
BUDGET_CENTS = 40_000_00  # about 20 of the 100 applications of a neighbourhood fit


def _setup(app) -> None:
    today = date.today()
    rnd = random.Random(16)
    with app.app_context():
        with db.engine.connect() as conn:
            w = Writer(conn)
            pid = w.add(Programme, code="WIN", name="WiN – Wohnen in Nachbarschaften", max_share_percent=50,
                        investive_only=False, position=0, active=True)
            for n in range(NEIGHBOURHOODS):
                nb = w.add(Neighbourhood, slug=f"q{n}", name=f"Quartier {n}", code=f"Q{n}", forum_name=f"Forum {n}",
                           office_name="", office_address="", social_index_percent=100,
                           allow_dissent_referral=True, objection_period_days=14, active=True,
                           created_at=datetime(2020, 1, 1))
                qm = w.add(User, email=f"qm{n}@bench.example", name=f"QM {n}", password_hash="x", is_admin=False,
                           active=True, session_version=1, created_at=datetime(2020, 1, 1))
                w.add(Membership, user_id=qm, neighbourhood_id=nb, role=Role.MANAGER)
                org = w.add(Organisation, name=f"Träger {n}", legal_form="e. V.", street="", postcode="",
                            city="Bremen", contact_person="", email="", phone="", non_profit=True,
                            created_at=datetime(2020, 1, 1))
                budget = w.add(Budget, neighbourhood_id=nb, programme_id=pid, year=today.year, closed=False,
                               created_at=datetime(2020, 1, 1))
                w.add(LedgerEntry, budget_id=budget, kind=EntryKind.ALLOCATION, amount_cents=BUDGET_CENTS,
                      reverses_id=None, application_id=None, decision_id=None, memo="Mittelansatz",
                      created_by_id=None, created_at=datetime(2020, 1, 1))
                for m in range(CLIENTS // NEIGHBOURHOODS):
                    meeting = w.add(Meeting, neighbourhood_id=nb, date=today, starts_at=None, ends_at=None,
                                    place="Bürgerhaus", address="", online=False, invitation_text="",
                                    state=MeetingState.HELD, current_position=None)
                    # A decision needs the attendance recorded: the open forum counts heads.
                    w.add(HeadCount, meeting_id=meeting, group=AttendeeGroup.RESIDENTS, count=12)
                    for i in range(ITEMS_PER_MEETING):
                        cents = rnd.randint(1_500, 2_500) * 100
                        app_id = w.add(
                            Application, reference=f"Q{n}-{m}-{i:03d}", neighbourhood_id=nb, organisation_id=org,
                            year=today.year, title=f"Projekt {n}.{m}.{i}", summary="", description="", goals="",
                            target_groups="", expected_participants=None, place="", start_date=None,
                            end_date=None, state=S.READY, version=1, submitted_at=datetime(2020, 1, 1),
                            access_token_hash=None, contact_email="", created_by_id=qm,
                            created_at=datetime(2020, 1, 1), updated_at=datetime(2020, 1, 1))
                        w.add(CostItem, application_id=app_id, position=0, category=CostCategory.FEES,
                              description="Honorare", amount_cents=cents * 2)
                        w.add(FinancingItem, application_id=app_id, position=0, source=FundingSource.OWN_FUNDS,
                              programme_id=None, description="", amount_cents=cents)
                        w.add(FinancingItem, application_id=app_id, position=1, source=FundingSource.PROGRAMME,
                              programme_id=pid, description="", amount_cents=cents)
                        w.add(AgendaItem, meeting_id=meeting, position=i, kind=AgendaItemKind.APPLICATION,
                              title=f"Projekt {n}.{m}.{i}", notes="", application_id=app_id)
            w.flush()
            conn.commit()
        from .generate import _reset_sequences
        _reset_sequences(db.engine)
        db.engine.dispose()


def _client(app, meeting_id: int, tallies: list, errors: list, barrier: threading.Barrier) -> None:
    from wingrant.ledger.services import InsufficientFunds
    from wingrant.meetings.consensus import Outcome
    from wingrant.meetings.decisions import OutcomeData, record_outcome

    counts = {"approved": 0, "refused": 0}
    started = False
    with app.app_context():
        try:
            meeting = db.session.get(Meeting, meeting_id)
            user = db.session.execute(
                sa.select(User).join(Membership).where(Membership.neighbourhood_id == meeting.neighbourhood_id)
            ).scalar_one()
            items = db.session.execute(sa.select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)
                                       .order_by(AgendaItem.position)).scalars().all()
            db.session.rollback()
            barrier.wait()
            started = True
            for item_id in items:
                try:
                    record_outcome(meeting, item_id, OutcomeData(Outcome.APPROVED), user=user)
                    counts["approved"] += 1
                except InsufficientFunds:
                    record_outcome(meeting, item_id, OutcomeData(
                        Outcome.REJECTED, reason="Das Budget ist ausgeschöpft.", reason_category="lack_of_money"),
                        user=user)
                    counts["refused"] += 1
        except Exception as error:  # reported with the figures; a crash must not hang the others
            errors.append(repr(error))
            if not started:
                barrier.abort()  # the others (and the timer) must not wait for this client forever
        finally:
            tallies.append(counts)
            db.session.remove()


def run(base_url: str, *, log=print) -> dict:
    url = databases.pg_url(base_url, "concurrency")
    databases.recreate(url)
    databases.migrate(url)
    app = databases.bench_app(url)
    _setup(app)
    with app.app_context():
        meeting_ids = db.session.execute(sa.select(Meeting.id).order_by(Meeting.id)).scalars().all()
        db.session.remove()
    tallies: list[dict] = []  # one per client, appended when it is done
    errors: list[str] = []
    barrier = threading.Barrier(CLIENTS + 1)
    threads = [threading.Thread(target=_client, args=(app, mid, tallies, errors, barrier)) for mid in meeting_ids]
    for t in threads:
        t.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass  # a client failed before the start; its error is reported with the figures
    started = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    check = verify(app)
    counts = {key: sum(t[key] for t in tallies) for key in ("approved", "refused")}
    decisions = counts["approved"] + counts["refused"]
    result = {"clients": CLIENTS, "budgets": NEIGHBOURHOODS, "decisions": decisions,
              "approved": counts["approved"], "refused_for_lack_of_money": counts["refused"],
              "seconds": round(seconds, 2), "decisions_per_second": round(decisions / seconds, 1),
              "errors": errors[:5], **check}
    with app.app_context():
        db.engine.dispose()
    return result


def verify(app) -> dict:
    """Zero overspend: no negative balance, and the ledger agrees with the decisions."""
    with app.app_context():
        budgets = db.session.execute(sa.select(Budget)).scalars().all()
        balances = ledger_queries.balances([b.id for b in budgets])
        approved = dict(db.session.execute(
            sa.select(Application.neighbourhood_id, sa.func.sum(DecisionAmount.amount_cents))
            .join(Decision, DecisionAmount.decision_id == Decision.id)
            .join(Application, Decision.application_id == Application.id)
            .group_by(Application.neighbourhood_id)).all())
        overspent = [b.id for b in budgets if balances[b.id].available < 0]
        mismatched = [b.id for b in budgets
                      if balances[b.id].net_committed != int(approved.get(b.neighbourhood_id, 0) or 0)]
        lowest = min(balances[b.id].available for b in budgets)
        committed = sum(balances[b.id].net_committed for b in budgets)
        allocated = sum(balances[b.id].allocated for b in budgets)
        db.session.remove()
    return {"overspent_budgets": len(overspent), "ledger_mismatches": len(mismatched),
            "lowest_balance_cents": lowest, "committed_cents": committed, "allocated_cents": allocated,
            "zero_overspend": not overspent and not mismatched}

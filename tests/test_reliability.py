"""A decision is all or nothing, even when something breaks half-way, and parallel
decisions in different meetings never overspend one budget (SQLite and PostgreSQL).

The failures are injected after the first writes of ``record_outcome`` have been
flushed (the decision row, its amounts, a ledger commitment), so a missing
rollback would leave them behind.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

# the meeting tests' factories, reused here
from tests.meetings.conftest import YEAR, forum, item_for, make_application, make_meeting, make_organisation, post  # noqa: F401
from wingrant.applications import lifecycle
from wingrant.applications.models import Application, ApplicationTransition
from wingrant.applications.models import ApplicationState as S
from wingrant.audit import services as audit_services
from wingrant.audit.models import AuditEvent
from wingrant.extensions import db as _db
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import LedgerEntry
from wingrant.ledger.services import InsufficientFunds
from wingrant.meetings import decisions, services
from wingrant.meetings.consensus import Outcome
from wingrant.meetings.models import Decision, DecisionAmount, Meeting


class InjectedFailure(RuntimeError):
    """Stands for anything unexpected: a lost connection, a bug, a full disk."""


def _state_of_everything(db, forum, application) -> dict:
    db.session.rollback()  # a fresh snapshot: what other transactions committed
    count = lambda model: db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()  # noqa: E731
    return {
        "decisions": count(Decision),
        "decided": db.session.execute(sa.select(sa.func.count(Decision.id))
                                      .where(Decision.outcome.is_not(None))).scalar_one(),
        "amounts": count(DecisionAmount),
        "ledger": count(LedgerEntry),
        "transitions": count(ApplicationTransition),
        "audit": count(AuditEvent),
        "state": db.session.get(Application, application.id).state,
        "win": ledger_queries.balance(forum.win_budget.id),
        "soz": ledger_queries.balance(forum.soz_budget.id),
    }


@pytest.fixture
def two_programme_application(db, forum, make_application):
    """A Beschlussreif application asking WiN and Soziale Stadt for money, on the meeting's agenda."""
    application = make_application(neighbourhood=forum.neighbourhood,
                                   requested={forum.win: 4_000_00, forum.soz: 3_000_00})
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    return application, item_for(db, forum.meeting, application)


def _fail_on_second_commitment(monkeypatch):
    """The budgets' commitments are flushed together (``ledger.commit_many``); the failure comes
    while the second one is being logged, when the first is written and logged already."""
    real, calls = audit_services.record, []

    def record(action, **kwargs):
        if action == "ledger.commitment":
            calls.append(action)
            if len(calls) == 2:
                raise InjectedFailure("connection lost after the first commitment")
        return real(action, **kwargs)

    monkeypatch.setattr(audit_services, "record", record)
    return calls


def _fail_on_transition(monkeypatch):
    calls = []

    def transition(*args, **kwargs):
        calls.append(args)
        raise InjectedFailure("failure after decision and money were written")

    monkeypatch.setattr(lifecycle, "transition", transition)
    return calls


def _fail_on_final_audit(monkeypatch):
    real, calls = audit_services.record, []

    def record(action, **kwargs):
        if action == "decision.record":
            calls.append(action)
            raise InjectedFailure("audit log unavailable")
        return real(action, **kwargs)

    monkeypatch.setattr(audit_services, "record", record)
    return calls


INJECTIONS = {
    "after-first-ledger-commitment": _fail_on_second_commitment,
    "at-the-application-transition": _fail_on_transition,
    "at-the-last-audit-record": _fail_on_final_audit,
}


@pytest.mark.parametrize("where", list(INJECTIONS))
def test_failure_in_the_middle_of_a_decision_leaves_nothing_behind(db, forum, two_programme_application,
                                                                   monkeypatch, where):
    application, item = two_programme_application
    before = _state_of_everything(db, forum, application)
    calls = INJECTIONS[where](monkeypatch)

    with pytest.raises(InjectedFailure):
        decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                 user=forum.manager)

    assert calls, "the failure was never injected: the test would prove nothing"
    after = _state_of_everything(db, forum, application)
    assert after == before
    assert after["state"] == S.READY
    assert after["win"].available == 10_000_00 and after["soz"].available == 20_000_00

    # The same decision goes through once the fault is gone, so nothing stale blocks it.
    monkeypatch.undo()
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    done = _state_of_everything(db, forum, application)
    assert done["state"] == S.APPROVED
    assert (done["win"].available, done["soz"].available) == (6_000_00, 17_000_00)


def test_failed_correction_keeps_the_old_decision_and_its_money(db, forum, two_programme_application,
                                                                monkeypatch):
    """A correction reverses the old commitments first; a failure later must undo the reversals."""
    application, item = two_programme_application
    decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED), user=forum.manager)
    before = _state_of_everything(db, forum, application)
    calls = _fail_on_second_commitment(monkeypatch)

    with pytest.raises(InjectedFailure):
        decisions.record_outcome(
            forum.meeting, item.id,
            decisions.OutcomeData(Outcome.APPROVED_WITH_CHANGES, reason_category="lack_of_money",
            amounts={forum.win.id: 3_000_00,
                                                                          forum.soz.id: 2_000_00},
                                  correction_reason="Kostenplan gekürzt"),
            user=forum.manager)

    assert len(calls) == 2
    assert _state_of_everything(db, forum, application) == before


def test_failure_during_a_decision_request_answers_500_and_writes_nothing(app, db, client, auth, forum,
                                                                          two_programme_application, monkeypatch):
    """Through the real form: the view does not commit anything the service did before failing."""
    application, item = two_programme_application
    auth.login(forum.manager.email)
    before = _state_of_everything(db, forum, application)
    before_audit = before.pop("audit")
    calls = _fail_on_final_audit(monkeypatch)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer like production instead of raising into the test

    response = post(client, f"{forum.base}/top/{item.id}/beschluss", {"outcome": "approved"}, prefix="outcome")

    assert calls
    assert response.status_code == 500
    after = _state_of_everything(db, forum, application)
    after_audit = after.pop("audit")
    assert after == before
    # Only reads happened (the page that carried the CSRF token); no write event was committed.
    assert after_audit == before_audit


# --- concurrency --------------------------------------------------------------------------------------


def _run_in_threads(app, jobs):
    """Start every job at the same moment, each in its own app context and database session."""
    barrier = threading.Barrier(len(jobs))
    results: list[str] = []
    lock = threading.Lock()

    def run(job):
        with app.app_context():
            try:
                barrier.wait()
                outcome = job()
            except InsufficientFunds:
                outcome = "refused"
            except Exception as e:  # pragma: no cover - shown by the assertion
                outcome = f"error: {e!r}"
            finally:
                _db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def slow_balance(monkeypatch):
    """Widen the window between reading the balance and booking, as a slow server would."""
    import time

    real = ledger_queries.balance

    def slow(budget_id):
        result = real(budget_id)
        time.sleep(0.02)
        return result

    monkeypatch.setattr(ledger_queries, "balance", slow)


def test_parallel_decisions_in_two_meetings_never_overspend_one_budget(app, db, forum, make_application,
                                                                       make_meeting, slow_balance):
    """Two forums of the same neighbourhood (say, a regular and an extra meeting) approving at once."""
    extra = make_meeting(forum.neighbourhood, user=forum.manager, on=date(YEAR, 11, 27))
    applications = [make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 3_000_00})
                    for _ in range(6)]
    # three applications on each agenda: 6 × 3.000 € asked, 10.000 € in the WiN budget
    for meeting, batch in ((forum.meeting, applications[:3]), (extra, applications[3:])):
        services.add_applications(meeting, [a.id for a in batch], user=forum.manager)
    work = [(m.id, item_for(db, m, a).id) for m, batch in ((forum.meeting, applications[:3]), (extra, applications[3:]))
            for a in batch]
    manager_id = forum.manager.id
    db.session.rollback()

    def approve(meeting_id, item_id):
        def job():
            from wingrant.auth.models import User

            meeting = _db.session.get(Meeting, meeting_id)
            decisions.record_outcome(meeting, item_id, decisions.OutcomeData(Outcome.APPROVED),
                                     user=_db.session.get(User, manager_id))
            return "ok"
        return job

    results = _run_in_threads(app, [approve(m, i) for m, i in work])

    assert [r for r in results if r.startswith("error")] == []
    assert results.count("ok") == 3 and results.count("refused") == 3
    db.session.rollback()
    balance = ledger_queries.balance(forum.win_budget.id)
    assert balance.committed == 9_000_00 and balance.available == 1_000_00
    states = [db.session.get(Application, a.id).state for a in applications]
    assert states.count(S.APPROVED) == 3 and states.count(S.READY) == 3
    # every commitment belongs to exactly one recorded decision
    committed = db.session.execute(sa.select(sa.func.count(LedgerEntry.id))
                                   .where(LedgerEntry.decision_id.is_not(None))).scalar_one()
    assert committed == 3


def test_one_application_cannot_join_two_agendas_at_once(app, db, forum, make_application, make_meeting):
    """Otherwise both meetings could approve it and bind its money twice."""
    from wingrant.errors import DomainError

    extra = make_meeting(forum.neighbourhood, user=forum.manager, on=date(YEAR, 11, 27))
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 3_000_00})
    meeting_ids, application_id, manager_id = (forum.meeting.id, extra.id), application.id, forum.manager.id
    db.session.rollback()

    def add(meeting_id):
        def job():
            from wingrant.auth.models import User

            try:
                services.add_applications(_db.session.get(Meeting, meeting_id), [application_id],
                                          user=_db.session.get(User, manager_id))
            except DomainError:
                return "refused"
            return "ok"
        return job

    results = _run_in_threads(app, [add(m) for m in meeting_ids])

    assert sorted(results) == ["ok", "refused"]
    db.session.rollback()
    from wingrant.meetings.models import AgendaItem

    assert db.session.execute(sa.select(sa.func.count(AgendaItem.id))
                              .filter_by(application_id=application_id)).scalar_one() == 1

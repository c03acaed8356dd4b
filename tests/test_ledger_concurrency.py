"""No overspend under concurrent requests (SQLite and, in CI, real PostgreSQL)."""

import threading
import time

import pytest

from wingrant.extensions import db as _db
from wingrant.ledger import queries
from wingrant.ledger import services as ledger
from wingrant.ledger.services import InsufficientFunds

THREADS = 20


def _race(app, budget_id: int, amount: int, attempts_per_thread: int = 1):
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        with app.app_context():
            barrier.wait()
            for _ in range(attempts_per_thread):
                try:
                    ledger.commit(budget_id, amount, user=None, memo="parallel")
                    result = "ok"
                except InsufficientFunds:
                    result = "refused"
                except Exception as e:  # pragma: no cover - reported in the assertion
                    result = f"error: {e!r}"
                with lock:
                    outcomes.append(result)
            _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.fixture
def slow_balance(monkeypatch):
    """Widen the window between reading the balance and booking, as a slow
    server would: without the budget lock, parallel requests would all see the
    same available amount and overspend."""
    real_balance = queries.balance

    def slow(budget_id):
        result = real_balance(budget_id)
        time.sleep(0.01)
        return result

    monkeypatch.setattr(queries, "balance", slow)


def test_concurrent_commitments_never_overspend(app, db, make_budget, slow_balance):
    budget = make_budget(100_00)
    outcomes = _race(app, budget.id, 7_00)
    assert [o for o in outcomes if o.startswith("error")] == []
    assert outcomes.count("ok") == 14  # 14 × 7 € fit into 100 €, the 15th would not
    db.session.rollback()
    balance = queries.balance(budget.id)
    assert balance.committed == 98_00
    assert balance.available == 2_00


def test_concurrent_commitments_book_everything_that_fits(app, db, make_budget):
    budget = make_budget(THREADS * 3 * 1_00)
    outcomes = _race(app, budget.id, 1_00, attempts_per_thread=4)
    assert outcomes.count("ok") == THREADS * 3
    assert outcomes.count("refused") == THREADS
    db.session.rollback()
    assert queries.balance(budget.id).available == 0

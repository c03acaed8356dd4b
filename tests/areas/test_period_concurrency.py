"""Two administrators adding overlapping Förderzeiträume at the same moment: one wins, the other is refused
(the neighbourhood row is locked before the overlap check; SQLite and, in CI, real PostgreSQL)."""

from __future__ import annotations

import threading
import time
from datetime import date

import sqlalchemy as sa

from wingrant.errors import DomainError
from wingrant.extensions import db as _db
from wingrant.neighbourhoods import queries, services
from wingrant.neighbourhoods.models import AreaPeriod

THREADS = 6


def test_concurrent_overlapping_periods_never_both_land(app, db, make_neighbourhood, make_user, monkeypatch):
    nb = make_neighbourhood("Grohn")
    admin_id = make_user("gf@example.org", is_admin=True).id
    real = queries.periods_of

    def slow(neighbourhood_id):  # widen the window between the check and the insert, as a slow server would
        found = real(neighbourhood_id)
        time.sleep(0.02)
        return found

    monkeypatch.setattr(queries, "periods_of", slow)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(n: int):
        with app.app_context():
            barrier.wait()
            try:
                services.add_period(nb.id, valid_from=date(2000 + n, 1, 1), valid_until=None, programme_id=None,
                                    user=type("Admin", (), {"id": admin_id})())
                result = "ok"
            except DomainError:
                result = "refused"
            except Exception as e:  # pragma: no cover - reported in the assertion
                result = f"error: {e!r}"
            with lock:
                outcomes.append(result)
            _db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["ok"] + ["refused"] * (THREADS - 1)
    db.session.rollback()
    assert db.session.execute(sa.select(sa.func.count(AreaPeriod.id)).filter_by(neighbourhood_id=nb.id)) \
        .scalar_one() == 1

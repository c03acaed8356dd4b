"""The login throttle holds under parallel guesses (SQLite and, in CI, real PostgreSQL; issue 19, item 4)."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from wingrant.auth import services as auth_services
from wingrant.core.models import ThrottleEvent
from wingrant.extensions import db as _db

THREADS = 25


@pytest.fixture
def counted_password_checks(monkeypatch) -> list[int]:
    """Count the password checks, each as slow as a loaded server's argon2: without an atomic count,
    parallel guesses would all pass the limit before the first of them is counted."""
    checks: list[int] = []
    lock = threading.Lock()
    real_verify = auth_services.verify_password

    def slow_verify(password_hash, password):
        with lock:
            checks.append(1)
        time.sleep(0.02)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth_services, "verify_password", slow_verify)
    return checks


def _parallel_logins(app, email: str, password: str, *, ip: str) -> list[str]:
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker():
        with app.app_context():
            barrier.wait()
            try:
                result = "ok" if auth_services.authenticate(email, password, ip=ip) else "wrong"
            except auth_services.LoginThrottled:
                result = "throttled"
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


def test_parallel_wrong_passwords_are_checked_at_most_five_times(app, db, make_user, counted_password_checks):
    make_user("qm@example.org")
    outcomes = _parallel_logins(app, "qm@example.org", "falsch-falsch-falsch", ip="192.0.2.7")
    assert [o for o in outcomes if o.startswith("error")] == []
    assert len(counted_password_checks) == 5
    assert sorted(outcomes) == ["throttled"] * 20 + ["wrong"] * 5
    db.session.rollback()
    counted = db.session.execute(sa.select(sa.func.count(ThrottleEvent.id))
                                 .where(ThrottleEvent.scope == "login.account")).scalar_one()
    assert counted == 5


def test_right_password_gives_its_counted_attempt_back(app, db, make_user):
    make_user("qm@example.org")
    for _ in range(4):
        assert auth_services.authenticate("qm@example.org", "falsch-falsch-falsch", ip="192.0.2.7") is None
    # A user with a second factor keeps the failures (reset only by the right code) but not this attempt.
    user = auth_services.find_user("qm@example.org")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    for _ in range(3):
        assert auth_services.authenticate("qm@example.org", "korrekt-pferd-batterie", ip="192.0.2.7") is not None
    assert auth_services.authenticate("qm@example.org", "falsch-falsch-falsch", ip="192.0.2.7") is None
    with pytest.raises(auth_services.LoginThrottled):
        auth_services.authenticate("qm@example.org", "korrekt-pferd-batterie", ip="192.0.2.7")

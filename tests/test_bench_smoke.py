"""Keeps the benchmark (bench/) working: the generator at a tiny scale, then every measured page once.

No timings are asserted here — the benchmark prints them; this only proves that the data
obeys the domain rules and that each page answers within its query budget.
"""

from __future__ import annotations

import hashlib
import socket

import pytest
import sqlalchemy as sa

from bench import generate, pages, report


def test_generated_data_obeys_the_ledger_and_every_bench_page_stays_within_the_query_budget(app):
    from wingrant.extensions import db
    from wingrant.ledger import queries as ledger_queries
    from wingrant.ledger.models import Budget, LedgerEntry
    from wingrant.meetings.models import Decision, DecisionAmount
    from wingrant.minutes.models import Minutes, MinutesState, MinutesVersion

    result = generate.generate(app, 0.02, log=lambda _m: None)

    with app.app_context():
        budgets = db.session.execute(sa.select(Budget)).scalars().all()
        balances = ledger_queries.balances([b.id for b in budgets])
        assert budgets and all(balances[b.id].available >= 0 for b in budgets)
        approved = db.session.execute(sa.select(sa.func.sum(DecisionAmount.amount_cents))).scalar_one()
        assert sum(balances[b.id].net_committed for b in budgets) == approved
        decided_with_money = db.session.execute(
            sa.select(sa.func.count(sa.distinct(LedgerEntry.decision_id)))).scalar_one()
        assert decided_with_money == db.session.execute(
            sa.select(sa.func.count(sa.distinct(DecisionAmount.decision_id)))).scalar_one()
        published = db.session.execute(
            sa.select(MinutesVersion.sha256, MinutesVersion.pdf).join(Minutes)
            .where(Minutes.state == MinutesState.PUBLISHED)).all()
        assert published and all(hashlib.sha256(pdf).hexdigest() == sha for sha, pdf in published)
        assert published[0].pdf.startswith(b"%PDF")
        assert db.session.get(Decision, 1) is not None
        db.session.remove()

    figures = pages.measure(app, result.objects, iterations=1, warmup=0)
    assert [f.key for f in figures] == [key for key, *_rest in pages.PAGES]
    over = {f.key: f.queries for f in figures if f.queries > report.MAX_QUERIES}
    assert not over


@pytest.mark.slow
def test_live_bench_measures_the_qm_alone_and_with_followers_who_mostly_get_304(tmp_path):
    """bench/live.py end to end at a tiny size: gunicorn on a SQLite file, 3 followers, 8 QM requests."""
    from bench import databases, live

    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    databases.migrate(url)
    objects = generate.generate(databases.bench_app(url), 0.02, log=lambda _m: None).objects
    live._started_this_morning(url, objects["live_meeting_id"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    figures = live.measure(url, objects["slug"], objects["live_meeting_id"], objects["manager"],
                           server=live.Server(workers=1), followers_=3, requests_=8, think=0.5, changes=2,
                           warmup=1, port=port, log=lambda _m: None)

    # The QM recorded a decision on the open item, then called the next one (decided ones only get called).
    assert figures["qm_actions"][:2] == ["decision", "next item"] and len(figures["qm_actions"]) == 4
    assert figures["qm_alone"]["n"] == figures["qm_followed"]["n"] == 8
    side = figures["followers_side"]
    assert side["errors"] == 0 and side["polls"] > 0
    assert side["poll_200"]["n"] >= 1 and side["stage"]["n"] >= 1  # the changes reached the phones
    assert any(line.startswith("  poll 304") for line in live.describe(figures))
    assert f"×{figures['ratio_p95']}" in "\n".join(report.live_markdown({"runs": [figures]}))
    assert figures["cpu_per_request"]["follower_request_ms"] >= 0


def test_http_bench_reports_ratios_to_hello_and_a_missing_etag_as_not_available():
    """bench/http.py's verdicts from given figures (no servers: milliseconds)."""
    from bench import http

    def figure(label, rps, note=""):
        return {"label": label, "requests_per_second": rps, "ratio_to_hello": None if rps is None else rps / 1000,
                "latency_p50_ms": 1.0, "note": note}

    result = {"wrk": {"hello": figure("bare Flask hello", 1000), "cold": figure("portal cold", 60),
                      "cached": figure("portal cached", 400),
                      "not_modified": figure("portal 304", None, "n/a: no ETag")},
              "decisions": {"decisions": 400, "seconds": 5.0, "decisions_per_second": 80.0, "clients": 16,
                            "zero_overspend": True, "errors": []},
              "cold_p95": {"1x": {"p50_ms": 9.0, "p95_ms": 10.0}, "100x": {"p50_ms": 10.0, "p95_ms": 11.0}}}

    verdicts = {c["target"].split(" ≥")[0].split(" ≤")[0]: c["met"] for c in http.check_targets(result)}
    assert verdicts == {"portal cold": True, "portal cached": False, "portal 304": None, "decisions/s": True,
                        "portal cold p95 at 100x": True}
    text = "\n".join(http.markdown(result))
    assert "| portal 304 | n/a | n/a |" in text and "| portal cached | n/a | n/a:" not in text

"""Query plans of the ledger's balance aggregates (``wingrant/ledger/queries.py``) on the generated data.

The statements are captured exactly as the app sends them (a listener on the engine while
the real query functions run) and explained with the same parameters: EXPLAIN (ANALYZE,
BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa

from wingrant.extensions import db
from wingrant.ledger import queries as ledger_queries
from wingrant.ledger.models import Budget, EntryKind, LedgerEntry


def _capture(engine, call) -> list[tuple[str, object]]:
    seen = []

    def before(conn, cursor, statement, parameters, *args):
        if "ledger_entry" in statement:
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return seen


def explain(app) -> list[dict]:
    with app.app_context():
        engine = db.engine
        pg = engine.dialect.name == "postgresql"
        busiest = db.session.execute(
            sa.select(LedgerEntry.budget_id, LedgerEntry.application_id)
            .where(LedgerEntry.kind == EntryKind.COMMITMENT, LedgerEntry.application_id.is_not(None))
            .order_by(LedgerEntry.id.desc()).limit(1)).one()
        year = db.session.execute(sa.select(sa.func.max(Budget.year))).scalar_one()
        cases = [
            ("balance(budget) — before every commitment", lambda: ledger_queries.balance(busiest.budget_id)),
            ("application_balance(budget, application) — before a release",
             lambda: ledger_queries.application_balance(busiest.budget_id, busiest.application_id)),
            ("budget_overview(year) — start page, portal", lambda: ledger_queries.budget_overview(year)),
        ]
        plans = []
        for label, call in cases:
            for statement, parameters in _capture(engine, call):
                prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
                with engine.connect() as conn:
                    rows = conn.exec_driver_sql(prefix + statement, parameters).all()
                text = "\n".join(r[0] for r in rows) if pg else "\n".join(
                    f"{'  ' * _depth(rows, r)}{r[-1]}" for r in rows)
                plans.append({"query": label, "sql": " ".join(statement.split()), "plan": text,
                              "uses_index": "Index" in text or "USING INDEX" in text or "USING COVERING INDEX" in text,
                              "seq_scan_on_ledger": _seq_scan(text, pg)})
        db.session.remove()
    return plans


def _depth(rows, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent:
        depth += 1
        parent = parents.get(parent, 0)
    return depth


def _seq_scan(text: str, pg: bool) -> bool:
    if pg:
        return "Seq Scan on ledger_entry" in text
    return any(line.strip().startswith("SCAN ledger_entry") and "INDEX" not in line for line in text.splitlines())

"""``python -m bench.migration_check``: the cities migration (issue 21) on a copy of the 10× benchmark
database, on SQLite and PostgreSQL (``make migration-check``).

The benchmark database is built at the newest schema (``databases.prepare``, cached). Its copy is
first taken down to the revision before the cities (what an installation holds today), then
upgraded to the newest, downgraded back and upgraded again. After each step every table's row count
is compared with the start, and after each upgrade every neighbourhood must lie in the one city
Bremen (AGS 04011000). Prints the times and counts; exits non-zero on any difference.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from . import databases

#: The revision before the cities; the one that adds them.
BEFORE = "0016_reason_category_population"
CITIES = "0018_cities"
SCALE = 10.0


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        tables = sorted(t for t in sa.inspect(conn).get_table_names() if t != "alembic_version")
        counts = {t: conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{t}"').scalar_one() for t in tables}
    engine.dispose()
    return counts


def _all_in_bremen(url: str) -> tuple[bool, str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        cities = conn.exec_driver_sql("SELECT id, slug, ags FROM city").all()
        outside = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM neighbourhood n LEFT JOIN city c ON c.id = n.city_id "
            "WHERE c.slug IS NULL OR c.slug <> 'bremen'").scalar_one()
        admins = conn.exec_driver_sql("SELECT COUNT(*) FROM user_account WHERE admin_city_id IS NOT NULL").scalar_one()
    engine.dispose()
    ok = [tuple(c)[1:] for c in cities] == [("bremen", "04011000")] and outside == 0 and admins == 0
    return ok, f"cities {[tuple(c) for c in cities]}, neighbourhoods outside Bremen {outside}, city admins {admins}"


def _step(url: str, action: str, revision: str) -> float:
    from flask_migrate import downgrade, upgrade

    from wingrant.extensions import db

    app = databases.bench_app(url)
    started = time.perf_counter()
    with app.app_context():
        (upgrade if action == "upgrade" else downgrade)(revision=revision)
        db.engine.dispose()
    return time.perf_counter() - started


def copy_database(source: str, target: str) -> None:
    parsed = make_url(source)
    if parsed.get_backend_name() == "sqlite":
        shutil.copyfile(parsed.database, make_url(target).database)
        return
    engine = sa.create_engine(databases._maintenance(source), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        name = make_url(target).database
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    engine.dispose()


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).unlink(missing_ok=True)
        return
    engine = sa.create_engine(databases._maintenance(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    engine.dispose()


def round_trip(url: str, *, log=print) -> dict:
    """down to BEFORE, up to head, down to BEFORE, up again: times, row counts and problems."""
    problems: list[str] = []
    times = {"prepare": _step(url, "downgrade", BEFORE)}
    start = _counts(url)
    log(f"    at {BEFORE}: {sum(start.values()):,} rows in {len(start)} tables "
        f"({start.get('neighbourhood', 0)} neighbourhoods)")
    for name, action, revision in (("upgrade", "upgrade", "head"), ("downgrade", "downgrade", BEFORE),
                                   ("upgrade_again", "upgrade", "head")):
        times[name] = _step(url, action, revision)
        counts = _counts(url)
        expected = dict(start, city=1) if action == "upgrade" else start
        if counts != expected:
            diff = {t: (expected.get(t), counts.get(t)) for t in set(counts) | set(expected)
                    if counts.get(t) != expected.get(t)}
            problems.append(f"{name}: row counts differ {diff}")
        if action == "upgrade":
            ok, detail = _all_in_bremen(url)
            if not ok:
                problems.append(f"{name}: {detail}")
        log(f"    {name} to {revision}: {times[name]:.2f} s, {sum(counts.values()):,} rows")
    return {"times": times, "rows": sum(start.values()), "neighbourhoods": start.get("neighbourhood", 0),
            "tables": len(start), "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.migration_check", description=__doc__.splitlines()[0])
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    targets = [("sqlite", databases.sqlite_url(SCALE),
                f"sqlite:///{databases.RESULTS / 'migration-check-10x.sqlite'}")]
    if not args.no_postgres:
        base, why = databases.find_postgres()
        if base is None:
            print(f"PostgreSQL not reachable ({why}): SQLite only")
        else:
            targets.append(("postgresql", databases.pg_url(base, databases.scale_label(SCALE)),
                            databases.pg_url(base, "migration_check")))
    failed = False
    for backend, source, copy in targets:
        print(f"{backend}: the 10x benchmark database")
        databases.prepare(source, SCALE)
        copy_database(source, copy)
        try:
            result = round_trip(copy)
        finally:
            drop_database(copy)
        times = ", ".join(f"{k} {v:.2f} s" for k, v in result["times"].items())
        print(f"  {backend}: {result['rows']:,} rows, {result['neighbourhoods']} neighbourhoods; {times}")
        for problem in result["problems"]:
            print(f"  PROBLEM: {problem}")
        failed = failed or bool(result["problems"])
    print("migration check: " + ("FAILED" if failed else "every neighbourhood in Bremen, row counts unchanged"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

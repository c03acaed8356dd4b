"""The benchmark databases: one SQLite file and one PostgreSQL database per scale, generated once
and reused until the schema (migrations) or the generator changes."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from wingrant import create_app
from wingrant.paths import ROOT

from . import generate

RESULTS = ROOT / "bench" / "results"
INSTANCE = RESULTS / "instance"
CACHE = RESULTS / "cache.json"
SECRET = "bench-secret-key-not-for-production"
#: Default PostgreSQL server; the databases are named <name>_1x, <name>_10x, … after it.
DEFAULT_PG = "postgresql+psycopg://{user}@127.0.0.1:5432/wingrant_bench"


def scale_label(scale: float) -> str:
    return f"{scale:g}x"


def bench_app(url: str, **extra):
    INSTANCE.mkdir(parents=True, exist_ok=True)
    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET,
        "UPLOAD_FOLDER": str(INSTANCE / "files"),
        # 16 concurrent clients in the decisions benchmark, each with its own connection.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_size": 20, "max_overflow": 4}
        if url.startswith("postgresql") else {"pool_pre_ping": True},
        **extra,
    }
    return create_app(config, instance_path=str(INSTANCE))


def find_postgres() -> tuple[str | None, str]:
    """The base URL of the benchmark's PostgreSQL, or None and why not."""
    configured = os.environ.get("WINGRANT_BENCH_PG_URL")
    candidates = [configured] if configured else [DEFAULT_PG.format(user=u) for u in ("root", "postgres")]
    errors = []
    for url in candidates:
        try:
            engine = sa.create_engine(_maintenance(url))
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            engine.dispose()
            return url, ""
        except Exception as error:  # unreachable server, bad credentials: try the next one
            errors.append(f"{make_url(url).render_as_string(hide_password=True)}: {str(error).splitlines()[0]}")
    return None, "; ".join(errors)


def _maintenance(url: str) -> str:
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def pg_url(base: str, suffix: str) -> str:
    url = make_url(base)
    return url.set(database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


def sqlite_url(scale: float) -> str:
    return f"sqlite:///{RESULTS / f'wingrant-{scale_label(scale)}.sqlite'}"


def recreate(url: str) -> None:
    """An empty database at ``url`` (dropped first if it exists)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    engine = sa.create_engine(_maintenance(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    engine.dispose()


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from wingrant.extensions import db

    app = bench_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def cache_key(scale: float) -> str:
    """Changes when the migrations, the generator or the year change (the data is dated from today)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")) + [Path(generate.__file__)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(f"{scale}|{date.today().year}".encode())
    return digest.hexdigest()[:16]


def _load_cache() -> dict:
    try:
        return json.loads(CACHE.read_text())
    except (OSError, ValueError):
        return {}


def _has_data(url: str) -> bool:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            n = conn.exec_driver_sql("SELECT COUNT(*) FROM neighbourhood").scalar_one()
        engine.dispose()
        return n > 0
    except Exception:  # missing database or table: not there
        return False


def _public(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def prepare(url: str, scale: float, *, log=print, force: bool = False) -> dict:
    """A generated database of this scale at ``url``: reused if it is current, else built anew."""
    key = cache_key(scale)
    cache = _load_cache()
    entry = cache.get(_public(url))
    if not force and entry and entry.get("key") == key and _has_data(url):
        log(f"  {_public(url)}: cached ({entry['generation_seconds']:.1f} s to generate)")
        return {**entry, "cached": True}
    log(f"  {_public(url)}: generating scale {scale_label(scale)} ({generate.plan_for(scale).describe()})")
    recreate(url)
    migrate(url)
    result = generate.generate(bench_app(url), scale, log=log)
    log(f"  generated in {result.seconds:.1f} s: {result.rows.get('application', 0)} applications, "
        f"{result.rows.get('meeting', 0)} meetings, {result.rows.get('ledger_entry', 0)} ledger entries")
    entry = {"key": key, "scale": scale, "generation_seconds": round(result.seconds, 2), "rows": result.rows,
             "objects": result.objects, "plan": asdict(result.plan), "pdf_sha256": result.pdf_sha256,
             "pdf_bytes": result.pdf_bytes}
    cache = _load_cache()
    cache[_public(url)] = entry
    RESULTS.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(cache, indent=2, default=str))
    return {**entry, "cached": False}

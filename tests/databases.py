"""The test databases: one per xdist worker, migrated once, reset between tests in milliseconds.

SQLite: the worker's database file is rewritten from the bytes of a migrated template (or of a
snapshot) after the engine has let go of it.

PostgreSQL: every worker gets its own databases, created from ``WINGRANT_TEST_DATABASE_URL`` (the
server and a database to connect to for ``CREATE DATABASE``) and dropped when the session ends.
Between tests every table is emptied with ``DELETE`` in one round trip, triggers off
(``session_replication_role = replica``: the ledger's append-only trigger guards the application,
not the test harness). A snapshot is each table's rows as binary ``COPY``, so that the demo data,
made once, comes back in a few milliseconds. Sequences are never reset: a test that depends on a
row id fails on PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from wingrant.extensions import db as _db

#: This process's xdist worker ("gw0", "gw1", …) or "main" without xdist.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


@dataclass(frozen=True)
class Snapshot:
    """What a database held: the SQLite file's bytes, or per table its rows as binary COPY."""

    sqlite_bytes: bytes | None = None
    tables: tuple[tuple[str, bytes], ...] = ()


def _table_names() -> list[str]:
    return [table.name for table in _db.metadata.sorted_tables]


class SqliteDatabase:
    def __init__(self, path: Path, template: bytes):
        self.path = path
        self.url = f"sqlite:///{path}"
        self._template = template
        self._write(template)

    def _write(self, data: bytes) -> None:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.path.write_bytes(data)

    def reset(self, engine: sa.Engine) -> None:
        engine.dispose()
        self._write(self._template)

    def snapshot(self, engine: sa.Engine) -> Snapshot:
        engine.dispose()  # the last connection to close checkpoints the WAL into the file
        return Snapshot(sqlite_bytes=self.path.read_bytes())

    def restore(self, engine: sa.Engine, snapshot: Snapshot) -> None:
        engine.dispose()
        assert snapshot.sqlite_bytes is not None
        self._write(snapshot.sqlite_bytes)

    def drop(self) -> None:
        self._write(b"")


class PostgresDatabase:
    def __init__(self, server_url: str, name: str, *, template: str | None = None):
        self.name = name
        self._server_url = server_url
        self.url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with self._server() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self._empty_sql: str | None = None
        self._sequences_sql: str | None = None

    def _server(self):
        engine = sa.create_engine(self._server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        return engine.connect()

    def _empty_all(self, conn) -> None:
        if self._empty_sql is None:
            self._empty_sql = "".join(f'DELETE FROM "{name}";' for name in _table_names())
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.exec_driver_sql(self._empty_sql)

    def reset(self, engine: sa.Engine) -> None:
        engine.dispose()  # no connection of a finished test may hold a lock
        with engine.begin() as conn:
            self._empty_all(conn)

    def snapshot(self, engine: sa.Engine) -> Snapshot:
        tables = []
        with engine.connect() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for name in _table_names():
                with cursor.copy(f'COPY "{name}" TO STDOUT (FORMAT BINARY)') as copy:
                    tables.append((name, b"".join(bytes(chunk) for chunk in copy)))
            conn.rollback()
        return Snapshot(tables=tuple(tables))

    def restore(self, engine: sa.Engine, snapshot: Snapshot) -> None:
        engine.dispose()
        with engine.begin() as conn:
            self._empty_all(conn)
            cursor = conn.connection.driver_connection.cursor()
            for name, data in snapshot.tables:
                with cursor.copy(f'COPY "{name}" FROM STDIN (FORMAT BINARY)') as copy:
                    copy.write(data)
            conn.exec_driver_sql(self._advance_sequences_sql(conn))

    def _advance_sequences_sql(self, conn) -> str:
        """Every serial column's sequence past the highest id a snapshot brought back."""
        if self._sequences_sql is None:
            rows = conn.exec_driver_sql(
                "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
                "FROM information_schema.columns WHERE table_schema = 'public' "
                "AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL").all()
            self._sequences_sql = "".join(
                f"SELECT setval('{sequence}', GREATEST((SELECT COALESCE(MAX(\"{column}\"), 0) FROM \"{table}\"), "
                f"(SELECT last_value FROM {sequence})));"
                for table, column, sequence in rows) or "SELECT 1"
        return self._sequences_sql

    def drop(self) -> None:
        with self._server() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

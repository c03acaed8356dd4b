"""Database plumbing shared by all features: column helpers and the unit of work."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def str_enum(enum_cls: type[enum.StrEnum], name: str) -> sa.Enum:
    """A StrEnum stored as its string values with a CHECK constraint (no native ENUM type)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


#: Money columns: integer cents, 64 bit.
Cents = sa.BigInteger


def install_engine_hooks(engine: Engine) -> None:
    """Make SQLite behave: foreign keys on, real transactions, a write lock on demand.

    pysqlite's own transaction handling starts transactions late and never for
    reads; we switch it off and emit BEGIN ourselves so that a unit of work that
    moves money can take SQLite's write lock up front (``BEGIN IMMEDIATE``), the
    SQLite equivalent of ``SELECT … FOR UPDATE`` on the budget row.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("wingrant_write_lock")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def unit_of_work() -> Iterator[sa.orm.Session]:
    """One write transaction: committed when the block ends, rolled back on error.

    Services wrap their writes in it. Nested use joins the outer unit, so that a
    decision and the ledger commitment it causes are one all-or-nothing write.
    The read transaction that a request may already have opened (loading the
    user, say) is ended first: views never write, so nothing is lost, and the
    write starts from a fresh snapshot holding the write lock on SQLite.
    """
    session = db.session()  # the request's real Session behind the scoped proxy
    depth = session.info.get("uow_depth", 0)
    if depth:
        session.info["uow_depth"] = depth + 1
        try:
            yield session
        finally:
            session.info["uow_depth"] = depth
        return

    if session.in_transaction():
        session.rollback()
    session.connection(execution_options={"wingrant_write_lock": True})
    session.info["uow_depth"] = 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["uow_depth"] = 0


#: Errors that mean "the database cannot be reached or dropped the connection" (refused, terminated
#: by the server, network gone, SQLite locked too long): the request may succeed when tried again.
UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError, sa.exc.PendingRollbackError)


def safe_rollback() -> None:
    """Roll the request's session back where the connection may be gone: never raises, for error
    handlers and the end of a request, which must answer whatever the database does."""
    try:
        db.session.rollback()
    except Exception:  # the connection is dead; the pool replaces it on the next checkout
        pass


def install_safe_teardown(app) -> None:
    """End each request's session without ever raising.

    Flask-SQLAlchemy's own teardown calls ``session.remove()``; with a connection killed by the
    server (``pg_terminate_backend``) closing it can raise, and an exception from a teardown turns
    a finished response into the server's bare 500. This replaces it with one that logs instead.
    """
    own = getattr(db, "_teardown_session", None)
    app.teardown_appcontext_funcs[:] = [f for f in app.teardown_appcontext_funcs if f != own]

    @app.teardown_appcontext
    def _remove_session(_exc):
        try:
            db.session.remove()
        except Exception:
            app.logger.warning("database session could not be closed cleanly", exc_info=True)
            try:
                db.session.registry().invalidate()  # its connections are not reused, nor left open
            except Exception:  # pragma: no cover - nothing left to do
                pass
            db.session.registry.clear()  # the next request gets a new session


def row_id(obj) -> int | None:
    """The id of a mapped object (e.g. the acting user, also behind ``current_user``) without
    loading it: a write's unit of work starts by ending the read transaction, which expires the
    objects read so far, and reading ``user.id`` would then cost two statements (user, memberships)."""
    obj = obj._get_current_object() if hasattr(obj, "_get_current_object") else obj
    state = sa.inspect(obj, raiseerr=False) if obj is not None else None
    if state is not None and state.identity is not None:
        return state.identity[0]
    return getattr(obj, "id", None)


def lock_row(model, row_id: int, *options):
    """Load a row and lock it until the unit of work ends.

    PostgreSQL: ``SELECT … FOR UPDATE OF <its table>``. SQLite: the unit of work already holds
    the database write lock, so a plain SELECT is enough. ``options`` (``joinedload`` …) load
    what the caller needs with the same statement; only the row itself is locked.
    """
    stmt = sa.select(model).where(model.id == row_id).options(*options)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(of=model)
    stmt = stmt.execution_options(populate_existing=True)
    return db.session.execute(stmt).unique().scalar_one()

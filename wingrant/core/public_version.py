"""The public-data version: one row that every write changing public data replaces in the same
transaction, so ETags and cached public pages key on it and are never stale after a publish.

Nobody calls ``bump`` by hand: a session hook notes every flushed or bulk-executed change to a
table that is not on the private list below, and the commit writes a new version just before it
ends (one ``UPDATE``, the last statement of the transaction, so the row lock is held for the commit
only). A rolled-back transaction leaves the version as it was. New tables count as public until
they are listed here: a forgotten table costs cache hits, never a stale page.

The version is a random tag, not a counter: a database restored from a backup brings back the tag
of the data it holds, so a cache shared across the restore serves the right pages for it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..database import utcnow
from ..extensions import db

#: Tables whose rows no public page, feed or download shows; writes to them keep the version.
PRIVATE_TABLES = frozenset({
    "public_data_version", "user_account", "membership", "audit_event", "outbox_mail", "outbox_attachment",
    "notification_opt_out", "api_token", "throttle_event", "subscriber", "room_signal", "attendance",
    "application_comment", "application_version", "attachment", "import_record", "use_of_funds_draft",
    "use_of_funds_draft_file", "minutes_circulation", "minutes_objection", "programme_owner",
})

_PENDING = "wingrant.public_data_changed"


class PublicDataVersion(db.Model):
    """The one row (id 1): the tag of the public data as it stands, and when it last changed."""

    __tablename__ = "public_data_version"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    tag: Mapped[str] = mapped_column(sa.String(32))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Version:
    tag: str
    changed_at: datetime


_TABLE = PublicDataVersion.__table__
_READ = sa.select(_TABLE.c.tag, _TABLE.c.changed_at).where(_TABLE.c.id == 1)
_INITIAL = Version("0", datetime(2000, 1, 1, tzinfo=UTC))


def current(session: Session | None = None) -> Version:
    """One small query: the version as this transaction sees it."""
    row = (session or db.session).execute(_READ).first()
    if row is None:  # a database emptied without its migration's row: nothing bumped yet
        return _INITIAL
    changed = row.changed_at if row.changed_at.tzinfo else row.changed_at.replace(tzinfo=UTC)
    return Version(row.tag, changed)


def bump(connection: sa.Connection) -> None:
    """Write a new version on ``connection`` (inside the caller's transaction)."""
    values = {"tag": secrets.token_hex(8), "changed_at": utcnow()}
    if connection.execute(_TABLE.update().where(_TABLE.c.id == 1).values(**values)).rowcount == 0:
        connection.execute(_TABLE.insert().values(id=1, **values))


def _public_tables(tables) -> bool:
    return any(getattr(t, "name", None) not in PRIVATE_TABLES for t in tables)


def _note_flush(session: Session, _context, _instances) -> None:
    if session.info.get(_PENDING):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__table__", None)
        if table is not None and table.name not in PRIVATE_TABLES and (
                obj in session.new or obj in session.deleted or session.is_modified(obj)):
            session.info[_PENDING] = True
            return


def _note_bulk(state) -> None:
    """``session.execute(update(Model)…)`` and friends bypass the flush: note them here."""
    if session_pending(state.session) or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and _public_tables([table]):
        state.session.info[_PENDING] = True


def session_pending(session: Session) -> bool:
    return bool(session.info.get(_PENDING))


def _write_before_commit(session: Session) -> None:
    # The commit's own flush comes after this hook: flush first, so that the version row is the
    # last row the transaction locks (no lock-order cycle between two writers), and so that what
    # the flush writes is seen.
    session.flush()
    if session.info.pop(_PENDING, False):
        bump(session.connection())


def _forget(session: Session, transaction) -> None:
    """The outermost transaction ended (a rollback, or a commit that has bumped): nothing pending.
    A savepoint rolled back keeps the note: the outer transaction may still hold public changes."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def install(session_class=Session) -> None:
    """Register the hooks on every ORM session (idempotent)."""
    if event.contains(session_class, "before_flush", _note_flush):
        return
    event.listen(session_class, "before_flush", _note_flush)
    event.listen(session_class, "do_orm_execute", _note_bulk)
    event.listen(session_class, "before_commit", _write_before_commit)
    event.listen(session_class, "after_transaction_end", _forget)

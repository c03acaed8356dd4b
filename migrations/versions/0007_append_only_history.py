"""append-only audit log and published minutes versions

Like the ledger (0001), the audit log and the published minutes versions are history: the
database itself refuses UPDATE and DELETE of their rows, so not even a bug or a hand-written SQL
statement can rewrite who did what, or the bytes and checksum of minutes once published.

Nothing in the application changes these rows: the audit log is only appended to
(``audit.record``), and a correction of the minutes is a new version (``minutes.correct``).
Retention (``wingrant anonymise-expired``) anonymises attendees, objections, recusals, contacts
and comments, not the audit log; if the audit log's addresses and e-mail addresses ever get a
retention period, that anonymisation needs its own, narrow exception here.

TRUNCATE, a schema owner's tool, is left alone as for the ledger; the test harness empties tables
with triggers off (PostgreSQL) or rewrites the file (SQLite). On SQLite a later batch migration
that recreates one of these tables drops its triggers: create them again in that migration.

Revision ID: 0007_append_only_history
Revises: 0006_forum_article
Create Date: 2026-12-03 13:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007_append_only_history'
down_revision = '0006_forum_article'
branch_labels = None
depends_on = None

#: table → what the refusal says (the word "append-only" is what callers and tests look for)
GUARDED = {
    'audit_event': 'audit_event is append-only: the audit log is never rewritten',
    'minutes_version': 'minutes_version is append-only: publish a corrected version instead',
}


def _sqlite_statements(table: str, message: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END""",
    ]


def _postgres_statements(table: str, message: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
            END $$""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    make = {'sqlite': _sqlite_statements, 'postgresql': _postgres_statements}.get(dialect)
    if make is None:
        return
    for table, message in GUARDED.items():
        for statement in make(table, message):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in GUARDED:
        if dialect == 'sqlite':
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == 'postgresql':
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")

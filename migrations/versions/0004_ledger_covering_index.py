"""ledger: covering index for the balance aggregates

The balances are SUM(amount_cents) per budget and kind, minus the reversed
entries. With amount and reverses_id in the index, PostgreSQL answers them with
an index-only scan and SQLite with a covering index; at 100× the year overview
went from a sequential scan to an index-only scan (see BENCHMARKS.md). The new
index starts with (budget_id, kind), so it replaces ix_ledger_entry_budget_kind.

Revision ID: 0004_ledger_covering_index
Revises: 0003_api_tokens
Create Date: 2026-11-21 15:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0004_ledger_covering_index'
down_revision = '0003_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_budget_covering',
                              ['budget_id', 'kind', 'amount_cents', 'reverses_id'], unique=False)
        batch_op.drop_index('ix_ledger_entry_budget_kind')


def downgrade():
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_budget_kind', ['budget_id', 'kind'], unique=False)
        batch_op.drop_index('ix_ledger_entry_budget_covering')

"""public_data_version: the one row every write changing public data replaces in its transaction

ETags and the shared cache of public pages key on its tag (wingrant/core/public_version.py).

Revision ID: 0017_public_data_version
Revises: 0016_reason_category_population
Create Date: 2026-12-03 19:30:00

"""
from datetime import datetime, timezone
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_public_data_version'
down_revision = '0016_reason_category_population'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'public_data_version',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('tag', sa.String(length=32), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_public_data_version_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_data_version')),
    )
    op.bulk_insert(table, [{'id': 1, 'tag': secrets.token_hex(8),
                            'changed_at': datetime.now(timezone.utc).replace(tzinfo=None)}])


def downgrade():
    op.drop_table('public_data_version')

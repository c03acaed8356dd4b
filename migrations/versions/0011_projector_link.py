"""meeting.projector_token_hash: the projector's secret link per meeting

Only the SHA-256 of the random token is stored; regenerating the link replaces it.

Revision ID: 0011_projector_link
Revises: 0010_forum_mailing_list
Create Date: 2026-12-03 14:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_projector_link'
down_revision = '0010_forum_mailing_list'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('projector_token_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('projector_token_hash')

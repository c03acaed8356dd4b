"""application: a nonce from which the private link's token is derived again

Mails to the applicant (a Rückfrage, a reminder) carry the same link as the receipt, so a bookmarked
link keeps working: the token is HMAC(secret key, application id, nonce); the database keeps the
nonce and the token's hash, never the token. Links issued before have no nonce and keep working
until the next new link.

Revision ID: 0009_private_link_nonce
Revises: 0008_report_drafts
Create Date: 2026-12-03 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_private_link_nonce'
down_revision = '0008_report_drafts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_nonce', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('access_nonce')

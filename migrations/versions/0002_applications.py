"""applications: import records and the Verwendungsnachweis per grant

Two new tables, nothing existing changes:

* ``import_record`` — where an imported application came from (file, its
  SHA-256, the row) and the approved amount the project list gave. Imported
  history was decided in no meeting wingrant knows, so there is no decision or
  grant to hold that amount.
* ``use_of_funds_line`` — the Verwendungsnachweis per grant (programme): money
  spent, and on acceptance what went back into the budget and what is claimed
  back. ``use_of_funds_report`` keeps the totals; an application funded by two
  programmes needs the split, because each rest goes back to its own budget.

Written and reviewed by hand (the autogenerate output, reordered and checked
against the naming convention); downgrade drops both tables.

Revision ID: 0002_applications
Revises: 0001
Create Date: 2026-11-21 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_applications'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('source_row', sa.Integer(), nullable=False),
    sa.Column('approved_cents', sa.BigInteger(), nullable=True),
    sa.Column('commitment_booked', sa.Boolean(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('approved_cents IS NULL OR approved_cents >= 0', name=op.f('ck_import_record_approved_not_negative')),
    sa.CheckConstraint('source_row >= 1', name=op.f('ck_import_record_source_row_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_import_record_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'], name=op.f('fk_import_record_imported_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_record')),
    sa.UniqueConstraint('application_id', name=op.f('uq_import_record_application_id'))
    )
    op.create_table('use_of_funds_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('spent_cents', sa.BigInteger(), nullable=False),
    sa.Column('released_cents', sa.BigInteger(), nullable=False),
    sa.Column('repayment_claim_cents', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('released_cents >= 0', name=op.f('ck_use_of_funds_line_released_not_negative')),
    sa.CheckConstraint('repayment_claim_cents >= 0', name=op.f('ck_use_of_funds_line_repayment_not_negative')),
    sa.CheckConstraint('spent_cents >= 0', name=op.f('ck_use_of_funds_line_spent_not_negative')),
    sa.ForeignKeyConstraint(['grant_id'], ['funding_grant.id'], name=op.f('fk_use_of_funds_line_grant_id_funding_grant')),
    sa.ForeignKeyConstraint(['report_id'], ['use_of_funds_report.id'], name=op.f('fk_use_of_funds_line_report_id_use_of_funds_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_use_of_funds_line')),
    sa.UniqueConstraint('grant_id', name=op.f('uq_use_of_funds_line_grant_id'))
    )
    with op.batch_alter_table('use_of_funds_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_use_of_funds_line_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('use_of_funds_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_use_of_funds_line_report_id'))

    op.drop_table('use_of_funds_line')
    op.drop_table('import_record')

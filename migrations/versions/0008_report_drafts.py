"""applicant self-service: Verwendungsnachweis drafts from the private link

The Träger's draft (Sachbericht, figures per grant as JSON, files) waits for the QM, who takes it
over into use_of_funds_report or returns it. Files are stored like attachments; a file taken over
points at the attachment it became.

Revision ID: 0008_report_drafts
Revises: 0007_append_only_history
Create Date: 2026-12-03 13:04:37.064125

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_report_drafts'
down_revision = '0007_append_only_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('use_of_funds_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'accepted', 'returned', name='draft_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('actual_cost_cents', sa.BigInteger(), nullable=False),
    sa.Column('spent', sa.JSON(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('actual_cost_cents >= 0', name=op.f('ck_use_of_funds_draft_actual_cost_not_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_use_of_funds_draft_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_use_of_funds_draft_decided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_use_of_funds_draft'))
    )
    with op.batch_alter_table('use_of_funds_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_use_of_funds_draft_application_id'), ['application_id'], unique=False)

    op.create_table('use_of_funds_draft_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('storage_name', sa.String(length=80), nullable=False),
    sa.Column('media_type', sa.String(length=120), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_use_of_funds_draft_file_size_not_negative')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_use_of_funds_draft_file_attachment_id_attachment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['draft_id'], ['use_of_funds_draft.id'], name=op.f('fk_use_of_funds_draft_file_draft_id_use_of_funds_draft'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_use_of_funds_draft_file')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_use_of_funds_draft_file_storage_name'))
    )
    with op.batch_alter_table('use_of_funds_draft_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_use_of_funds_draft_file_draft_id'), ['draft_id'], unique=False)



def downgrade():
    with op.batch_alter_table('use_of_funds_draft_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_use_of_funds_draft_file_draft_id'))

    op.drop_table('use_of_funds_draft_file')
    with op.batch_alter_table('use_of_funds_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_use_of_funds_draft_application_id'))

    op.drop_table('use_of_funds_draft')

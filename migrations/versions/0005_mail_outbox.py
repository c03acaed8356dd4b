"""mail: the outbox, notification choices, the language of mail to accounts and applicants

The outbox rows are written with the event that causes them (see wingrant/mail); the worker
claims due rows by (status, next_attempt_at). dedup_key makes a reminder unique.

Revision ID: 0005_mail_outbox
Revises: 0004_ledger_covering_index
Create Date: 2026-12-03 12:39:25.525652

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_mail_outbox'
down_revision = '0004_ledger_covering_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_opt_out',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_opt_out_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_opt_out')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_opt_out_user_id_kind'))
    )
    with op.batch_alter_table('notification_opt_out', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_opt_out_user_id'), ['user_id'], unique=False)

    op.create_table('outbox_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=True),
    sa.Column('dedup_key', sa.String(length=160), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='mail_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_outbox_mail_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mail')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_outbox_mail_dedup_key')),
    sa.UniqueConstraint('message_id', name=op.f('uq_outbox_mail_message_id'))
    )
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_mail_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_outbox_mail_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mail_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_mail_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('outbox_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mail_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['mail_id'], ['outbox_mail.id'], name=op.f('fk_outbox_attachment_mail_id_outbox_mail'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachment'))
    )
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_attachment_mail_id'), ['mail_id'], unique=False)

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_language', sa.String(length=5), server_default='de', nullable=False))

    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('office_phone', sa.String(length=60), server_default='', nullable=False))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='de', nullable=False))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('language')

    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.drop_column('office_phone')
        batch_op.drop_column('office_email')

    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('contact_language')

    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_attachment_mail_id'))

    op.drop_table('outbox_attachment')
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_mail_neighbourhood_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_mail_kind'))
        batch_op.drop_index('ix_outbox_mail_due')
        batch_op.drop_index(batch_op.f('ix_outbox_mail_created_at'))

    op.drop_table('outbox_mail')
    with op.batch_alter_table('notification_opt_out', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_opt_out_user_id'))

    op.drop_table('notification_opt_out')

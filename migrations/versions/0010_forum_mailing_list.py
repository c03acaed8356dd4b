"""forum mailing list (double opt-in subscribers), draft minutes circulation and objections,
attendees' optional e-mail address

subscriber keeps only hashes of its link tokens; the objection period runs from the latest
minutes_circulation; minutes_objection holds objections to the draft (not to a decision).

Revision ID: 0010_forum_mailing_list
Revises: 0009_private_link_nonce
Create Date: 2026-12-03 12:59:01.496929

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_forum_mailing_list'
down_revision = '0009_private_link_nonce'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('subscribed_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(), nullable=True),
    sa.Column('token_salt', sa.String(length=64), nullable=False),
    sa.Column('confirm_token_hash', sa.String(length=64), nullable=False),
    sa.Column('unsubscribe_token_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint("language IN ('de', 'en')", name=op.f('ck_subscriber_language_known')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_subscriber_neighbourhood_id_neighbourhood')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriber')),
    sa.UniqueConstraint('confirm_token_hash', name=op.f('uq_subscriber_confirm_token_hash')),
    sa.UniqueConstraint('neighbourhood_id', 'email', name=op.f('uq_subscriber_neighbourhood_id_email')),
    sa.UniqueConstraint('unsubscribe_token_hash', name=op.f('uq_subscriber_unsubscribe_token_hash'))
    )
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriber_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('minutes_circulation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('circulated_at', sa.DateTime(), nullable=False),
    sa.Column('circulated_by_id', sa.Integer(), nullable=True),
    sa.Column('decisions_sha256', sa.String(length=64), nullable=False),
    sa.Column('attendee_count', sa.Integer(), nullable=False),
    sa.Column('subscriber_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['circulated_by_id'], ['user_account.id'], name=op.f('fk_minutes_circulation_circulated_by_id_user_account')),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_circulation_minutes_id_minutes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_circulation'))
    )
    with op.batch_alter_table('minutes_circulation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_circulation_minutes_id'), ['minutes_id'], unique=False)

    op.create_table('minutes_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("author <> '' AND text <> ''", name=op.f('ck_minutes_objection_who_and_what')),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_objection_minutes_id_minutes')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_minutes_objection_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_objection'))
    )
    with op.batch_alter_table('minutes_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_objection_minutes_id'), ['minutes_id'], unique=False)

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('minutes_objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_objection_minutes_id'))

    op.drop_table('minutes_objection')
    with op.batch_alter_table('minutes_circulation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_circulation_minutes_id'))

    op.drop_table('minutes_circulation')
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriber_neighbourhood_id'))

    op.drop_table('subscriber')

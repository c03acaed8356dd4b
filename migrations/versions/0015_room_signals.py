"""Signals from the room (Meldungen aus dem Raum): room_signal, meeting.signal_code and signal_seq

A phone in the room signals an objection, a question or consent for the current item; the QM
records or dismisses it. No personal data: the device is a keyed hash. meeting.signal_code is the
short code shown in the room (NULL: signals off); signal_seq is bumped by every signal so that the
live page's one-query poll sees it.

Revision ID: 0015_room_signals
Revises: 0014_resolutions
Create Date: 2026-12-03 15:59:52.738800

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_room_signals'
down_revision = '0014_resolutions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('room_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('objection', 'question', 'consent', name='signal_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('group', sa.Enum('residents', 'institutions', 'administration', 'politics', 'housing', 'guests', name='attendee_group', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Enum('pending', 'recorded', 'dismissed', 'seen', name='signal_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('objection_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_room_signal_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_room_signal_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objection_id'], ['objection.id'], name=op.f('fk_room_signal_objection_id_objection'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_signal')),
    sa.UniqueConstraint('agenda_item_id', 'device_hash', name=op.f('uq_room_signal_agenda_item_id_device_hash'))
    )
    with op.batch_alter_table('room_signal', schema=None) as batch_op:
        batch_op.create_index('ix_room_signal_meeting_state', ['meeting_id', 'state'], unique=False)

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signal_code', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('signal_seq', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('signal_seq')
        batch_op.drop_column('signal_code')

    with op.batch_alter_table('room_signal', schema=None) as batch_op:
        batch_op.drop_index('ix_room_signal_meeting_state')

    op.drop_table('room_signal')

"""resolutions: a Beschluss or Stellungnahme of the forum without money

A new agenda item kind ("resolution") and three tables: the resolution (draft, addressee,
outcome, final text) and its objections and recusals, which follow the consensus rule as
the objections and recusals of a money decision do.

Revision ID: 0014_resolutions
Revises: 0013_concerns
Create Date: 2026-12-03 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_resolutions'
down_revision = '0013_concerns'
branch_labels = None
depends_on = None

OLD_KINDS = ('welcome', 'minutes_approval', 'reports', 'application', 'residents', 'other', 'custom')
NEW_KINDS = OLD_KINDS + ('resolution',)
GROUPS = ('residents', 'institutions', 'administration', 'politics', 'housing', 'guests')
OUTCOMES = ('approved', 'approved_with_changes', 'deferred', 'rejected', 'withdrawn', 'referred')


def _kinds(values):
    return sa.Enum(*values, name='agenda_item_kind', native_enum=False, create_constraint=True, length=16)


def _set_kinds(old, new):
    """Replace the CHECK constraint of agenda_item.kind (SQLite: by recreating the table)."""
    name = op.f('ck_agenda_item_agenda_item_kind')
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('agenda_item', schema=None) as batch_op:
            batch_op.drop_constraint(name, type_='check')
            batch_op.alter_column('kind', existing_type=_kinds(old), type_=_kinds(new), existing_nullable=False)
    else:
        op.drop_constraint(name, 'agenda_item', type_='check')
        op.create_check_constraint(name, 'agenda_item', sa.column('kind').in_(new))


def upgrade():
    _set_kinds(OLD_KINDS, NEW_KINDS)

    op.create_table('resolution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('resolution', 'statement', name='resolution_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('addressee', sa.String(length=300), nullable=False),
    sa.Column('outcome', sa.Enum(*OUTCOMES, name='resolution_outcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('final_text', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('outcome IS NULL OR decided_at IS NOT NULL', name=op.f('ck_resolution_decided_when_outcome')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('approved', 'approved_with_changes', 'deferred', 'rejected')", name=op.f('ck_resolution_resolution_outcomes')),
    sa.CheckConstraint("title <> '' AND text <> ''", name=op.f('ck_resolution_title_and_text')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_resolution_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_resolution_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_resolution_neighbourhood_id_neighbourhood')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_resolution_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_resolution_agenda_item_id'))
    )
    with op.batch_alter_table('resolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_neighbourhood_id'), ['neighbourhood_id'], unique=False)

    op.create_table('resolution_objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('group', sa.Enum(*GROUPS, name='attendee_group', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('consent_to_publish', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('"group" IS NOT NULL OR person_name <> \'\'', name=op.f('ck_resolution_objection_who_objected')),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolution.id'], name=op.f('fk_resolution_objection_resolution_id_resolution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_objection'))
    )
    with op.batch_alter_table('resolution_objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_objection_resolution_id'), ['resolution_id'], unique=False)

    op.create_table('resolution_recusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('consent_to_publish', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolution.id'], name=op.f('fk_resolution_recusal_resolution_id_resolution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_recusal'))
    )
    with op.batch_alter_table('resolution_recusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_recusal_resolution_id'), ['resolution_id'], unique=False)


def downgrade():
    op.drop_table('resolution_recusal')
    op.drop_table('resolution_objection')
    op.drop_table('resolution')
    op.execute("DELETE FROM agenda_item WHERE kind = 'resolution'")
    _set_kinds(NEW_KINDS, OLD_KINDS)

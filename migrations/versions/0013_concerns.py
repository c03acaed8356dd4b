"""concerns register: concern and its append-only follow-ups

A concern (Anliegen) of residents with dated follow-ups (status, responsible office, public note).
No column holds the name of whoever raised it. Like the ledger and the audit log (0007), the
follow-ups are history: the database refuses UPDATE and DELETE of them.

Revision ID: 0013_concerns
Revises: 0012_project_reports
Create Date: 2026-12-03 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_concerns'
down_revision = '0012_project_reports'
branch_labels = None
depends_on = None

STATUSES = ('recorded', 'forwarded', 'answered', 'done')
GUARDED = 'concern_follow_up'
MESSAGE = 'concern_follow_up is append-only: add a later follow-up instead'


def _status(name):
    return sa.Enum(*STATUSES, name=name, native_enum=False, create_constraint=True, length=9)


def upgrade():
    op.create_table(
        'concern',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('raised_on', sa.Date(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('status', _status('concern_status'), nullable=False),
        sa.Column('office', sa.String(length=200), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("topic <> ''", name=op.f('ck_concern_has_topic')),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_concern_agenda_item_id_agenda_item'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_concern_application_id_application')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_concern_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'], name=op.f('fk_concern_neighbourhood_id_neighbourhood')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_concern')),
    )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_concern_neighbourhood_status', ['neighbourhood_id', 'status'], unique=False)

    op.create_table(
        'concern_follow_up',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('concern_id', sa.Integer(), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('status', _status('concern_status'), nullable=False),
        sa.Column('office', sa.String(length=200), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_concern_follow_up_concern_id_concern')),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_concern_follow_up_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_follow_up')),
    )
    with op.batch_alter_table('concern_follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_concern_follow_up_concern_date', ['concern_id', 'date'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for verb in ('update', 'delete'):
            op.execute(f"""CREATE TRIGGER {GUARDED}_no_{verb} BEFORE {verb.upper()} ON {GUARDED}
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")
    elif dialect == 'postgresql':
        op.execute(f"""CREATE FUNCTION {GUARDED}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END $$""")
        op.execute(f"""CREATE TRIGGER {GUARDED}_append_only BEFORE UPDATE OR DELETE ON {GUARDED}
            FOR EACH ROW EXECUTE FUNCTION {GUARDED}_append_only()""")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(f"DROP TRIGGER IF EXISTS {GUARDED}_append_only ON {GUARDED}")
        op.execute(f"DROP FUNCTION IF EXISTS {GUARDED}_append_only()")
    op.drop_table('concern_follow_up')
    op.drop_table('concern')

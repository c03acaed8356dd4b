"""area_period: Förderzeiträume of the neighbourhoods, history kept

Fördergebiete are chosen politically and come and go: each neighbourhood gets validity periods
(for the WiN area as a whole, or for one programme), never deleted (the database refuses DELETE);
a correction ends a period and starts a new one. Every existing neighbourhood gets one open period
from the day it was created, so nothing changes for the areas in use today.

Revision ID: 0020_area_periods
Revises: 0016_reason_category_population
Create Date: 2026-12-03 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_area_periods'
down_revision = '0019_programme_lines'
branch_labels = None
depends_on = None

GUARDED = 'area_period'
MESSAGE = 'area_period keeps its history: end a period instead of deleting it'


def upgrade():
    op.create_table(
        'area_period',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('neighbourhood_id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=True),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('decision_reference', sa.String(length=300), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from',
                           name=op.f('ck_area_period_period_in_order')),
        sa.ForeignKeyConstraint(['neighbourhood_id'], ['neighbourhood.id'],
                                name=op.f('fk_area_period_neighbourhood_id_neighbourhood')),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_area_period_programme_id_programme')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area_period')),
    )
    with op.batch_alter_table('area_period', schema=None) as batch_op:
        batch_op.create_index('ix_area_period_neighbourhood_from', ['neighbourhood_id', 'valid_from'], unique=False)

    dialect = op.get_bind().dialect.name
    # One open period per existing neighbourhood, from the day it was created (its date part;
    # SQLite's CAST AS DATE would give a number).
    day = 'date(created_at)' if dialect == 'sqlite' else 'CAST(created_at AS DATE)'
    now = 'CURRENT_TIMESTAMP' if dialect == 'sqlite' else "(now() AT TIME ZONE 'utc')"  # naive UTC, as stored
    op.execute("INSERT INTO area_period (neighbourhood_id, programme_id, valid_from, valid_until, "
               "decision_reference, note, created_at, updated_at) "
               f"SELECT id, NULL, {day}, NULL, '', "
               "'Bei der Einführung der Förderzeiträume aus dem Anlagedatum übernommen', "
               f"{now}, {now} "
               "FROM neighbourhood")

    if dialect == 'sqlite':
        op.execute(f"""CREATE TRIGGER {GUARDED}_no_delete BEFORE DELETE ON {GUARDED}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")
    elif dialect == 'postgresql':
        op.execute(f"""CREATE FUNCTION {GUARDED}_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
            END $$""")
        op.execute(f"""CREATE TRIGGER {GUARDED}_keep_history BEFORE DELETE ON {GUARDED}
            FOR EACH ROW EXECUTE FUNCTION {GUARDED}_keep_history()""")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"DROP TRIGGER IF EXISTS {GUARDED}_keep_history ON {GUARDED}")
        op.execute(f"DROP FUNCTION IF EXISTS {GUARDED}_keep_history()")
    op.drop_table('area_period')  # SQLite drops the table's trigger with it

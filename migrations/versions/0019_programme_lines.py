"""Departments, programme lines (Förderschienen), budgets per line, programme owners

A programme belongs to a department (Ressort) and may have lines; a budget is kept per
neighbourhood × programme × line × year, line NULL for a programme without lines. NULLs are
distinct in a unique constraint on both SQLite and PostgreSQL, so the old unique constraint
becomes two partial unique indexes. A request (financing item) may name the line it asks of.
A programme owner sees its programme's budgets and decides its referred cases and grants.

Revision ID: 0019_programme_lines
Revises: 0016_reason_category_population
Create Date: 2026-12-03 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_programme_lines'
down_revision = '0018_cities'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'department',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('short_name', sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
        sa.UniqueConstraint('name', name=op.f('uq_department_name')),
    )
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_programme_department_id'), ['department_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_programme_department_id_department'), 'department',
                                    ['department_id'], ['id'])
    op.create_table(
        'programme_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'],
                                name=op.f('fk_programme_line_programme_id_programme')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_line')),
        sa.UniqueConstraint('programme_id', 'code', name=op.f('uq_programme_line_programme_id_code')),
    )
    with op.batch_alter_table('programme_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_line_programme_id'), ['programme_id'], unique=False)
    op.create_table(
        'programme_owner',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'],
                                name=op.f('fk_programme_owner_programme_id_programme')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE',
                                name=op.f('fk_programme_owner_user_id_user_account')),
        sa.PrimaryKeyConstraint('user_id', 'programme_id', name=op.f('pk_programme_owner')),
    )
    with op.batch_alter_table('programme_owner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_owner_programme_id'), ['programme_id'], unique=False)
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_budget_line_id'), ['line_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_budget_line_id_programme_line'), 'programme_line',
                                    ['line_id'], ['id'])
        batch_op.drop_constraint('uq_budget_neighbourhood_id_programme_id_year', type_='unique')
        batch_op.create_index('uq_budget_programme_year', ['neighbourhood_id', 'programme_id', 'year'], unique=True,
                              sqlite_where=sa.text('line_id IS NULL'), postgresql_where=sa.text('line_id IS NULL'))
        batch_op.create_index('uq_budget_line_year', ['neighbourhood_id', 'line_id', 'year'], unique=True,
                              sqlite_where=sa.text('line_id IS NOT NULL'),
                              postgresql_where=sa.text('line_id IS NOT NULL'))
    with op.batch_alter_table('financing_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_financing_item_line_id'), ['line_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_financing_item_line_id_programme_line'), 'programme_line',
                                    ['line_id'], ['id'])


def downgrade():
    # Budgets of lines cannot be folded back into one row per programme without merging ledgers:
    # refuse rather than lose the split.
    bind = op.get_bind()
    if bind.execute(sa.text('SELECT 1 FROM budget WHERE line_id IS NOT NULL')).first():
        raise RuntimeError('budgets of programme lines exist; move or remove them before downgrading')
    with op.batch_alter_table('financing_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_financing_item_line_id_programme_line'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_financing_item_line_id'))
        batch_op.drop_column('line_id')
    with op.batch_alter_table('budget', schema=None) as batch_op:
        batch_op.drop_index('uq_budget_line_year')
        batch_op.drop_index('uq_budget_programme_year')
        batch_op.drop_constraint(batch_op.f('fk_budget_line_id_programme_line'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_budget_line_id'))
        batch_op.drop_column('line_id')
        batch_op.create_unique_constraint('uq_budget_neighbourhood_id_programme_id_year', ['neighbourhood_id', 'programme_id', 'year'])
    with op.batch_alter_table('programme_owner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_owner_programme_id'))
    op.drop_table('programme_owner')
    with op.batch_alter_table('programme_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_line_programme_id'))
    op.drop_table('programme_line')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programme_department_id_department'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_programme_department_id'))
        batch_op.drop_column('department_id')
    op.drop_table('department')

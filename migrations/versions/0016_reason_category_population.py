"""decision.reason_category and neighbourhood.population: the figures of unmet demand

A deferral, a refusal and a reduced approval now say why (lack of money, content, formal,
other), so "refused or cut for lack of money" is a figure. Decisions recorded before say
"not_recorded"; approvals as asked, withdrawals and referrals stay NULL. A neighbourhood's
population (optional) gives the annual report its money per resident.

Revision ID: 0016_reason_category_population
Revises: 0015_room_signals
Create Date: 2026-12-03 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_reason_category_population'
down_revision = '0015_room_signals'
branch_labels = None
depends_on = None

CATEGORIES = ('lack_of_money', 'content', 'formal', 'other', 'not_recorded')


def upgrade():
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_category', sa.Enum(*CATEGORIES, name='reason_category',
                                                                 native_enum=False, create_constraint=True,
                                                                 length=13), nullable=True))
    # Old deferrals, refusals and approvals with changes: the category was never asked for.
    op.execute("UPDATE decision SET reason_category = 'not_recorded' "
               "WHERE outcome IN ('deferred', 'rejected', 'approved_with_changes')")
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.add_column(sa.Column('population', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('population_positive', 'population IS NULL OR population > 0')


def downgrade():
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.drop_constraint('population_positive', type_='check')
        batch_op.drop_column('population')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_constraint('reason_category', type_='check')  # the enum's CHECK goes with its column
        batch_op.drop_column('reason_category')

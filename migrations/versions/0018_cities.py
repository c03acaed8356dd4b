"""city: the Stadtgemeinde of each neighbourhood; user_account.admin_city_id: city administrators

Every existing neighbourhood lies in Bremen (AGS 04011000), so the migration creates that city and
assigns them all to it before the column becomes NOT NULL. An administrator with admin_city_id
NULL stays the global WiN-Geschäftsführung. Downgrading drops both columns and the table.

Revision ID: 0018_cities
Revises: 0016_reason_category_population
Create Date: 2026-12-03 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_cities'
down_revision = '0017_public_data_version'
branch_labels = None
depends_on = None


def upgrade():
    city = op.create_table('city',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('ags', sa.String(length=8), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(ags) = 8', name=op.f('ck_city_ags_eight_digits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_city')),
    sa.UniqueConstraint('ags', name=op.f('uq_city_ags')),
    sa.UniqueConstraint('name', name=op.f('uq_city_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_city_slug'))
    )
    op.bulk_insert(city, [{'id': 1, 'slug': 'bremen', 'name': 'Bremen', 'ags': '04011000', 'position': 1}])
    if op.get_bind().dialect.name == 'postgresql':  # the explicit id leaves the sequence behind
        op.execute("SELECT setval(pg_get_serial_sequence('city', 'id'), 1)")
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city_id', sa.Integer(), nullable=True))
    op.execute("UPDATE neighbourhood SET city_id = 1")
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.alter_column('city_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_neighbourhood_city_id'), ['city_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_neighbourhood_city_id_city'), 'city', ['city_id'], ['id'])
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('admin_city_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_account_admin_city_id_city'), 'city',
                                    ['admin_city_id'], ['id'])


def downgrade():
    # Without the column a city administrator would become a global one: they lose the right instead.
    op.execute("UPDATE user_account SET is_admin = false WHERE admin_city_id IS NOT NULL")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_admin_city_id_city'), type_='foreignkey')
        batch_op.drop_column('admin_city_id')
    with op.batch_alter_table('neighbourhood', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_neighbourhood_city_id_city'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_neighbourhood_city_id'))
        batch_op.drop_column('city_id')
    op.drop_table('city')

"""project_report, project_photo, easy_summary: a funded project's public report text and photos, and an
application's summary in Leichte Sprache

Revision ID: 0012_project_reports
Revises: 0011_projector_link
Create Date: 2026-12-03 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_project_reports'
down_revision = '0011_projector_link'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'project_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_project_report_application_id_application'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_project_report_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_report')),
        sa.UniqueConstraint('application_id', name=op.f('uq_project_report_application_id')),
    )
    op.create_table(
        'project_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('storage_name', sa.String(length=80), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('alt_text', sa.String(length=300), nullable=False),
        sa.Column('caption', sa.String(length=300), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_project_photo_application_id_application'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_project_photo_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_photo')),
        sa.UniqueConstraint('storage_name', name=op.f('uq_project_photo_storage_name')),
    )
    with op.batch_alter_table('project_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_photo_application_id'), ['application_id'], unique=False)
    op.create_table(
        'easy_summary',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('reviewed_by', sa.String(length=200), nullable=False),
        sa.Column('reviewed_on', sa.Date(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_easy_summary_application_id_application'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_easy_summary_updated_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_easy_summary')),
        sa.UniqueConstraint('application_id', name=op.f('uq_easy_summary_application_id')),
    )


def downgrade():
    op.drop_table('easy_summary')
    with op.batch_alter_table('project_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_photo_application_id'))
    op.drop_table('project_photo')
    op.drop_table('project_report')

"""The year's report keeps a past year's figures: the versions of the figures, counted
up by every write into a past year, and the counts kept under them; two indexes on the
hour entries for the report's sums

Revision ID: c4f1a9e2b7d3
Revises: 3c1e7a9d2f40
Create Date: 2026-12-06 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a9e2b7d3'
down_revision = '3c1e7a9d2f40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('figure_versions',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_figure_versions'))
    )
    op.create_table('kept_figures',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_kept_figures'))
    )
    op.create_index('ix_hour_entries_figures', 'hour_entries',
                    ['status', 'worked_on', 'activity', 'minutes'], unique=False)
    op.create_index('ix_hour_entries_volunteer_status', 'hour_entries',
                    ['volunteer_id', 'status', 'worked_on'], unique=False)


def downgrade():
    op.drop_index('ix_hour_entries_volunteer_status', table_name='hour_entries')
    op.drop_index('ix_hour_entries_figures', table_name='hour_entries')
    op.drop_table('kept_figures')
    op.drop_table('figure_versions')

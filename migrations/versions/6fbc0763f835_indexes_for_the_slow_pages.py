"""Indexes for the slowest pages (issue 26): the volunteer board reads a page of 50 by
name in index order (of everyone, or of one stage) instead of sorting every volunteer,
and finds a word of a name from an index (trigrams on PostgreSQL); a volunteer's first
approved day is read from an index of their own entries by status.

Revision ID: 6fbc0763f835
Revises: c4f1a9e2b7d3
Create Date: 2026-12-06 06:23:24.366457

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6fbc0763f835'
down_revision = 'c4f1a9e2b7d3'
branch_labels = None
depends_on = None


def _trigrams_available() -> bool:
    """pg_trgm made available if it can be (a trusted extension since PostgreSQL 13: the
    database's owner may add it); without it the search name gets a plain index."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return False
    return True


def upgrade():
    # ix_hour_entries_volunteer_status comes with c4f1a9e2b7d3 (the year's report reads it too).
    op.create_index('ix_volunteers_name', 'volunteers', ['last_name', 'first_name', 'id'])
    # The stage first: it also serves what the stage alone served (the counts by stage).
    op.create_index('ix_volunteers_status_name', 'volunteers',
                    ['status', 'last_name', 'first_name', 'id'])
    op.drop_index('ix_volunteers_status', table_name='volunteers')
    if _trigrams_available():
        op.create_index('ix_volunteers_search_name', 'volunteers', ['search_name'],
                        postgresql_using='gin',
                        postgresql_ops={'search_name': 'gin_trgm_ops'})
    else:
        op.create_index('ix_volunteers_search_name', 'volunteers', ['search_name'])


def downgrade():
    # The extension stays: something else of the database may use it.
    op.drop_index('ix_volunteers_search_name', table_name='volunteers')
    op.create_index('ix_volunteers_status', 'volunteers', ['status'])
    op.drop_index('ix_volunteers_status_name', table_name='volunteers')
    op.drop_index('ix_volunteers_name', table_name='volunteers')

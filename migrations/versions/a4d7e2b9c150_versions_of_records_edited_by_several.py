"""The records more than one person edits count their versions, so that a form opened
on an older version does not overwrite unseen what was saved meanwhile.

Revision ID: a4d7e2b9c150
Revises: f2c9d4e7a813
Create Date: 2026-12-06 13:45:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4d7e2b9c150'
down_revision = 'f2c9d4e7a813'
branch_labels = None
depends_on = None

TABLES = ('events', 'directory_entries', 'duties', 'gifts', 'partners', 'persons',
          'projects', 'volunteers', 'help_requests', 'groups')


# Not in batch mode: on SQLite that may copy a table and drop the old one, and the drop
# would cascade to every row that refers to it (registrations, links, memberships).
# SQLite (3.35 and later) and PostgreSQL add and drop a column in place.

def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('version', sa.Integer(), server_default='1',
                                       nullable=False))


def downgrade():
    for table in TABLES:
        op.drop_column(table, 'version')

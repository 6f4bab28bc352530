"""A project manager's links to groups and kinds of help await a coordinator's
confirmation; the links made so far are carried over as confirmed.

Revision ID: 4b521ca97f02
Revises: e0cbb6245751
Create Date: 2026-12-06 02:22:02.296420

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b521ca97f02'
down_revision = 'e0cbb6245751'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_help_kinds', sa.String(length=100),
                                      server_default='', nullable=False))


def downgrade():
    # In place, not in batch mode: on SQLite a batch copies the table and drops the old one,
    # and the drop would cascade to every row that refers to it.
    op.drop_column('projects', 'proposed_help_kinds')

    # In place, not in batch mode: on SQLite a batch copies the table and drops the old one,
    # and the drop would cascade to every row that refers to it.
    op.drop_column('project_groups', 'confirmed')

"""Joined person records

A record joined into another is deleted; the kept person remembers its number, so that
the audit log's entries about it stay theirs (the RODO export reads them).

Revision ID: 3c1e7a9d2f40
Revises: b93938207ce5
Create Date: 2026-12-06 06:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1e7a9d2f40'
down_revision = 'b93938207ce5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('merged_at', sa.DateTime(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_person_merges_merged_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_merges_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_merges'))
    )
    with op.batch_alter_table('person_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_merges_merged_id'), ['merged_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merges_person_id'), ['person_id'], unique=False)


def downgrade():
    op.drop_table('person_merges')

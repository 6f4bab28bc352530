"""Records that may be one person's, marked when written (cal/people/doubles): the
coordinator's start page counts them from an index instead of pairing every record of
a name with every other.

Revision ID: d5e8a1c03f27
Revises: 6fbc0763f835
Create Date: 2026-12-06 10:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e8a1c03f27'
down_revision = '6fbc0763f835'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('may_double', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_index('ix_persons_may_double', ['may_double'], unique=False)
    persons = sa.table('persons', sa.column('id', sa.Integer),
                       sa.column('search_name', sa.String),
                       sa.column('birth_date', sa.Date),
                       sa.column('anonymised_at', sa.DateTime),
                       sa.column('may_double', sa.Boolean))
    earlier = persons.alias('earlier')
    doubling = sa.exists().where(
        earlier.c.id < persons.c.id, earlier.c.search_name == persons.c.search_name,
        earlier.c.anonymised_at.is_(None), persons.c.anonymised_at.is_(None),
        sa.or_(earlier.c.birth_date.is_(None), persons.c.birth_date.is_(None),
               sa.extract('year', earlier.c.birth_date)
               == sa.extract('year', persons.c.birth_date)))
    op.execute(persons.update().values(may_double=doubling))


def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_may_double')
        batch_op.drop_column('may_double')

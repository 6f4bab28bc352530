"""volunteer search name: the folded name, so that a name typed without Polish letters
finds the volunteer

Revision ID: 7b1e2c4d9a10
Revises: 6085384e640f
Create Date: 2026-11-24 07:50:00

"""
from alembic import op
import sqlalchemy as sa

from cal.core.text import fold


# revision identifiers, used by Alembic.
revision = '7b1e2c4d9a10'
down_revision = '6085384e640f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=170), nullable=False,
                                      server_default=''))
    volunteers = sa.table('volunteers', sa.column('id', sa.Integer),
                          sa.column('first_name', sa.String), sa.column('last_name', sa.String),
                          sa.column('search_name', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(volunteers.c.id, volunteers.c.first_name,
                                  volunteers.c.last_name)).all()
    if rows:
        bind.execute(volunteers.update().where(volunteers.c.id == sa.bindparam('vid'))
                     .values(search_name=sa.bindparam('folded')),
                     [{'vid': row.id, 'folded': fold(f"{row.last_name} {row.first_name}")[:170]}
                      for row in rows])


def downgrade():
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_column('search_name')

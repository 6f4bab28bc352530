"""A training's certificate is issued once: the database keeps one document for each
completion (two taps at the same moment could issue two). Where two were issued before,
the first stays the completion's and the later ones stay as documents, unlinked.

Revision ID: f2c9d4e7a813
Revises: e1b7c4d20a96
Create Date: 2026-12-06 13:25:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2c9d4e7a813'
down_revision = 'e1b7c4d20a96'
branch_labels = None
depends_on = None


def upgrade():
    documents = sa.table('volunteer_documents', sa.column('id', sa.Integer),
                         sa.column('completion_id', sa.Integer))
    first = (sa.select(sa.func.min(documents.c.id)).where(documents.c.completion_id.is_not(None))
             .group_by(documents.c.completion_id))
    op.execute(documents.update().where(documents.c.completion_id.is_not(None),
                                        documents.c.id.not_in(first)).values(completion_id=None))
    with op.batch_alter_table('volunteer_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_documents_completion_id'))
        batch_op.create_index(batch_op.f('ix_volunteer_documents_completion_id'),
                              ['completion_id'], unique=True)


def downgrade():
    with op.batch_alter_table('volunteer_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_documents_completion_id'))
        batch_op.create_index(batch_op.f('ix_volunteer_documents_completion_id'),
                              ['completion_id'], unique=False)

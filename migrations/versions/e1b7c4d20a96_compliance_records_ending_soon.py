"""The coordinator's start page counts the legal records ending within 30 days from an
index of their period's end, and finds a later record of the same kind from the index
of a volunteer's records by kind and end (not by hashing every record).

Revision ID: e1b7c4d20a96
Revises: d5e8a1c03f27
Create Date: 2026-12-06 11:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e1b7c4d20a96'
down_revision = 'd5e8a1c03f27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('compliance_records', schema=None) as batch_op:
        batch_op.drop_index('ix_compliance_records_volunteer_kind')
        batch_op.create_index('ix_compliance_records_volunteer_kind_end',
                              ['volunteer_id', 'kind', 'period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_compliance_records_period_end'), ['period_end'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('compliance_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compliance_records_period_end'))
        batch_op.drop_index('ix_compliance_records_volunteer_kind_end')
        batch_op.create_index('ix_compliance_records_volunteer_kind', ['volunteer_id', 'kind'],
                              unique=False)

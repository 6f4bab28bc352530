"""SM EFS participant file: the fields the monitoring system's file needs

A participant gets a PESEL or another identifier, a citizenship, an address down to the
gmina with its DEGURBA, the detail ("w tym") of the labour-market status, education at
the single ISCED levels, whether the participation ended as planned, and rows of the
kinds of support received. The records kept so far are carried over:

- area: a rural one is DEGURBA 3; an urban one cannot tell a city (1) from a town (2),
  so its DEGURBA stays empty for the next edit to ask; the column goes.
- citizenship: a third-country national's is a third country's, one who is not is
  Polish, a refusal leaves it empty.
- labour-market status: the unemployed become the registered unemployed, "w tym"
  long-term for the long-term unemployed and "other" for the rest; the employed keep
  their status with an empty detail for the next edit to ask.
- education: each band goes to its lowest level (ISCED 0–2 to 0, 3–4 to 3, 5–8 to 5),
  so the indicators count every record in the band it had.

The downgrade folds them back; it loses what the old schema cannot hold: a non-binary
participant is recorded as a woman, the unregistered unemployed as unemployed.

Revision ID: b93938207ce5
Revises: ebffe68bbc6e
Create Date: 2026-12-06 06:03:24.108947

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b93938207ce5'
down_revision = 'ebffe68bbc6e'
branch_labels = None
depends_on = None

TEXTS = (("identifier", 40, ""), ("country", 60, "Polska"), ("voivodeship", 40, ""),
         ("powiat", 80, ""), ("gmina", 80, ""), ("locality", 80, ""), ("postcode", 10, ""))
BANDS = (("isced_0_2", ("isced_0", "isced_1", "isced_2")),
         ("isced_3_4", ("isced_3", "isced_4")),
         ("isced_5_8", ("isced_5", "isced_6", "isced_7", "isced_8")))


def upgrade():
    # Columns are added and dropped in place, not in batch mode: on SQLite a batch copies
    # the table and drops the old one, and the drop would cascade to the rows referring
    # to it.
    for name, length, default in TEXTS:
        op.add_column('project_participants', sa.Column(
            name, sa.String(length=length), server_default=default, nullable=False))
    op.add_column('project_participants', sa.Column(
        'no_pesel', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('project_participants', sa.Column('citizenship', sa.Enum(
        'polish', 'eu', 'third_country', name='citizenship', native_enum=False, length=20),
        nullable=True))
    op.add_column('project_participants', sa.Column('degurba', sa.Enum(
        '1', '2', '3', name='degurba', native_enum=False, length=1), nullable=True))
    op.add_column('project_participants', sa.Column('labour_detail', sa.Enum(
        'long_term', 'self_employed', 'government', 'local_government', 'ngo', 'sme',
        'large_enterprise', 'health_care', 'school_teaching', 'school_support',
        'school_management', 'university', 'research_institute', 'other',
        name='labourdetail', native_enum=False, length=20), nullable=True))
    op.add_column('project_participants', sa.Column('completed_as_planned', sa.Boolean(),
                                                    nullable=True))
    op.create_table('participant_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=200), nullable=False),
    sa.Column('kind_detail', sa.String(length=200), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['project_participants.id'], name=op.f('fk_participant_supports_participant_id_project_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_supports'))
    )
    op.create_index(op.f('ix_participant_supports_participant_id'), 'participant_supports',
                    ['participant_id'], unique=False)

    op.execute("UPDATE project_participants SET degurba = '3' WHERE area = 'rural'")
    op.execute("UPDATE project_participants SET citizenship = CASE third_country "
               "WHEN 'yes' THEN 'third_country' WHEN 'no' THEN 'polish' END")
    op.execute("UPDATE project_participants SET labour_detail = CASE labour_status "
               "WHEN 'long_term_unemployed' THEN 'long_term' ELSE 'other' END, "
               "labour_status = 'unemployed_reg' "
               "WHERE labour_status IN ('unemployed', 'long_term_unemployed')")
    for band, levels in BANDS:
        op.execute(f"UPDATE project_participants SET education = '{levels[0]}' "
                   f"WHERE education = '{band}'")
    op.drop_column('project_participants', 'area')


def downgrade():
    op.add_column('project_participants', sa.Column(
        'area', sa.VARCHAR(length=20), server_default='urban', nullable=False))
    op.execute("UPDATE project_participants SET area = 'rural' WHERE degurba = '3'")
    op.execute("UPDATE project_participants SET labour_status = CASE labour_detail "
               "WHEN 'long_term' THEN 'long_term_unemployed' ELSE 'unemployed' END "
               "WHERE labour_status IN ('unemployed_reg', 'unemployed_unreg')")
    op.execute("UPDATE project_participants SET sex = 'female' WHERE sex = 'non_binary'")
    for band, levels in BANDS:
        listed = ", ".join(f"'{level}'" for level in levels)
        op.execute(f"UPDATE project_participants SET education = '{band}' "
                   f"WHERE education IN ({listed})")
    op.drop_index(op.f('ix_participant_supports_participant_id'),
                  table_name='participant_supports')
    op.drop_table('participant_supports')
    for name in ('completed_as_planned', 'labour_detail', 'degurba', 'citizenship',
                 'no_pesel', *(name for name, _, _ in TEXTS)):
        op.drop_column('project_participants', name)

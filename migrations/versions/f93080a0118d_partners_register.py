"""partners register: contact people, the cooperation log, and the partners of projects
and events as links to the register (the names typed before are carried over: matched to
the register's partners, or added to it as "other")

Revision ID: f93080a0118d
Revises: a1c3e5f70b21
Create Date: 2026-12-05 23:32:11.124331

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from cal.core.text import fold
from cal.partners.names import name_key, split_names


# revision identifiers, used by Alembic.
revision = 'f93080a0118d'
down_revision = 'a1c3e5f70b21'
branch_labels = None
depends_on = None

PARTNERS = sa.table('partners', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('kind', sa.String), sa.column('address', sa.String),
                    sa.column('phone', sa.String), sa.column('email', sa.String),
                    sa.column('website', sa.String), sa.column('agreement_note', sa.String),
                    sa.column('notes', sa.Text), sa.column('active', sa.Boolean),
                    sa.column('search_text', sa.Text), sa.column('created_at', sa.DateTime),
                    sa.column('updated_at', sa.DateTime))
# (the table with the typed text, its key, the link table, the link's key, the text's length)
TYPED = (('projects', 'project_id', 'project_partners', None),
         ('events', 'event_id', 'event_partners', 300))


def _typed(name):
    return sa.table(name, sa.column('id', sa.Integer), sa.column('partners', sa.Text))


def _link(name, key):
    return sa.table(name, sa.column(key, sa.Integer), sa.column('partner_id', sa.Integer))


def _search_text(row) -> str:
    return fold(' '.join(text or '' for text in (row.name, row.address, row.email,
                                                 row.agreement_note, row.notes)))


def carry_over(bind) -> None:
    """Each typed name becomes a link: to the register's partner of that name (case,
    Polish letters and quotes aside), or to a partner of kind "other" added for it."""
    known = {name_key(row.name): row.id for row in bind.execute(
        sa.select(PARTNERS.c.id, PARTNERS.c.name))}
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    for table, key, link, _length in TYPED:
        typed, links = _typed(table), []
        for row in bind.execute(sa.select(typed.c.id, typed.c.partners).where(
                typed.c.partners != '')):
            for name in split_names(row.partners):
                if name_key(name) not in known:
                    bind.execute(PARTNERS.insert().values(
                        name=name, kind='other', address='', phone='', email='', website='',
                        agreement_note='', notes='', active=True, search_text=fold(name),
                        created_at=now, updated_at=now))
                    known[name_key(name)] = bind.execute(sa.select(PARTNERS.c.id).where(
                        PARTNERS.c.name == name)).scalar_one()
                pair = {key: row.id, 'partner_id': known[name_key(name)]}
                if pair not in links:
                    links.append(pair)
        if links:
            bind.execute(_link(link, key).insert(), links)


def carry_back(bind) -> None:
    """The links as typed text again: the partners' names, a line each for a project,
    separated by commas for an event (as long as the column holds)."""
    for table, key, link, length in TYPED:
        typed, linked = _typed(table), _link(link, key)
        names = {}
        for record_id, name in bind.execute(
                sa.select(linked.c[key], PARTNERS.c.name).join(
                    PARTNERS, PARTNERS.c.id == linked.c.partner_id)
                .order_by(linked.c[key], PARTNERS.c.name)):
            names.setdefault(record_id, []).append(name)
        for record_id, found in names.items():
            text = ('\n' if length is None else ', ').join(found)
            bind.execute(typed.update().where(typed.c.id == record_id).values(
                partners=text[:length] if length else text))


def upgrade():
    op.create_table('partner_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('anonymised_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_contacts_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_contacts'))
    )
    with op.batch_alter_table('partner_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_contacts_partner_id'), ['partner_id'], unique=False)

    op.create_table('partner_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('meeting', 'joint_event', 'referral', 'other', name='logkind', native_enum=False, length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partner_log_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_partner_log_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_log'))
    )
    with op.batch_alter_table('partner_log', schema=None) as batch_op:
        batch_op.create_index('ix_partner_log_partner', ['partner_id', 'held_on'], unique=False)

    op.create_table('event_partners',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_partners_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_event_partners_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'partner_id', name=op.f('pk_event_partners'))
    )
    with op.batch_alter_table('event_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_partners_partner_id'), ['partner_id'], unique=False)

    op.create_table('project_partners',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_project_partners_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_partners_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'partner_id', name=op.f('pk_project_partners'))
    )
    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_partners_partner_id'), ['partner_id'], unique=False)

    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False,
                                      server_default=''))
    bind = op.get_bind()
    rows = bind.execute(sa.select(PARTNERS)).all()
    if rows:
        bind.execute(PARTNERS.update().where(PARTNERS.c.id == sa.bindparam('pid'))
                     .values(search_text=sa.bindparam('folded')),
                     [{'pid': row.id, 'folded': _search_text(row)} for row in rows])
    carry_over(bind)

    # Not in batch mode: on SQLite that copies the table and drops the old one, and the
    # drop would cascade to every row that refers to it (registrations, links).
    # SQLite (3.35 and later) and PostgreSQL drop a column in place.
    op.drop_column('events', 'partners')
    op.drop_column('projects', 'partners')


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partners', sa.Text(), nullable=False,
                                      server_default=''))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partners', sa.String(length=300), nullable=False,
                                      server_default=''))
    carry_back(op.get_bind())

    op.drop_column('partners', 'search_text')  # in place, as in upgrade

    with op.batch_alter_table('project_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_partners_partner_id'))

    op.drop_table('project_partners')
    with op.batch_alter_table('event_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_partners_partner_id'))

    op.drop_table('event_partners')
    with op.batch_alter_table('partner_log', schema=None) as batch_op:
        batch_op.drop_index('ix_partner_log_partner')

    op.drop_table('partner_log')
    with op.batch_alter_table('partner_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_contacts_partner_id'))

    op.drop_table('partner_contacts')

"""How the audit log names the clubs' records (cal.core.rooms.RecordKind): a membership
(who, in which group) and a session (which group, when), linked to their pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.core.timeutil import to_local
from cal.extensions import db
from cal.people.models import Person
from clubs.models import Group, GroupSession, Membership


def _memberships(ids):
    return db.session.execute(select(Membership.id, Membership.group_id, Group.name,
                                     Person.first_name, Person.last_name)
                              .join(Group, Group.id == Membership.group_id)
                              .join(Person, Person.id == Membership.person_id)
                              .where(Membership.id.in_(ids)))


def _sessions(ids):
    return db.session.execute(select(GroupSession.id, GroupSession.starts_at, Group.name)
                              .join(Group, Group.id == GroupSession.group_id)
                              .where(GroupSession.id.in_(ids)))


RECORDS = [
    RecordKind("group", _l("Group"), describer(
        Group, lambda g: g.name, "clubs.group_detail", "group_id")),
    RecordKind("membership", _l("Group membership"), describer(
        _memberships, lambda r: f"{r.first_name} {r.last_name}, {r.name}",
        "clubs.group_detail", "group_id", lambda r: r.group_id)),
    RecordKind("group_session", _l("Group session"), describer(
        _sessions, lambda r: f"{r.name}, {to_local(r.starts_at):%d.%m.%Y %H:%M}",
        "clubs.session_detail", "session_id")),
]

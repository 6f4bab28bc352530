"""How the audit log names the senior centre's records (cal.core.rooms.RecordKind)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.extensions import db
from cal.people.models import Person
from seniors.models import KioskDevice, SeniorMember


def _members(ids):
    return db.session.execute(select(SeniorMember.id, Person.first_name, Person.last_name)
                              .join(Person, Person.id == SeniorMember.person_id)
                              .where(SeniorMember.id.in_(ids)))


RECORDS = [
    RecordKind("senior_member", _l("Senior centre member"), describer(
        _members, lambda r: f"{r.first_name} {r.last_name}", "seniors.member_detail",
        "member_id")),
    RecordKind("kiosk_device", _l("Kiosk"), describer(KioskDevice, lambda k: k.name)),
]

"""All members of the Senior Activity Centre, for the coordinators (cal.core.reach)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.access import Role
from cal.core.reach import Audience, Recipient
from cal.people.contacts import recipients
from cal.people.models import Person
from seniors.models import SeniorMember


def _members(_ref: int | None) -> list[Recipient]:
    return recipients(Person.id.in_(select(SeniorMember.person_id).where(
        SeniorMember.active.is_(True))))


AUDIENCES = [Audience(
    "seniors", _l("All members of the senior centre"), lambda _user: None,
    lambda user, _ref: user.role in (Role.ADMIN, Role.COORDINATOR), _members,
    lambda _ref: _("All members of the senior centre"), position=20)]

"""All active volunteers, for the coordinators (cal.core.reach): told in the app and by
e-mail, as each set it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.reach import Audience, Recipient
from cal.extensions import db
from volunteers.models import Volunteer, VolunteerStatus


def _active(_ref: int | None) -> list[Recipient]:
    rows = db.session.execute(
        select(User.id, User.full_name).join(Volunteer, Volunteer.user_id == User.id)
        .where(Volunteer.status == VolunteerStatus.ACTIVE, User.active.is_(True))
        .order_by(User.full_name))
    return [Recipient(name, user_id=user_id) for user_id, name in rows]


AUDIENCES = [Audience(
    "volunteers", _l("All active volunteers"), lambda _user: None,
    lambda user, _ref: user.role in (Role.ADMIN, Role.COORDINATOR), _active,
    lambda _ref: _("All active volunteers"), position=50)]

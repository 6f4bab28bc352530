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
    """Every active volunteer; one without an account is listed as not reached."""
    rows = db.session.execute(
        select(Volunteer.id, Volunteer.first_name, Volunteer.last_name, User.id)
        .outerjoin(User, (User.id == Volunteer.user_id) & User.active.is_(True))
        .where(Volunteer.status == VolunteerStatus.ACTIVE)
        .order_by(Volunteer.last_name, Volunteer.first_name))
    return [Recipient(f"{first} {last}", user_id=user_id) if user_id is not None
            else Recipient(f"{first} {last}", book="volunteer", ref=volunteer_id)
            for volunteer_id, first, last, user_id in rows]


AUDIENCES = [Audience(
    "volunteers", _l("All active volunteers"), lambda _user: None,
    lambda user, _ref: user.role in (Role.ADMIN, Role.COORDINATOR), _active,
    lambda _ref: _("All active volunteers"), position=50)]

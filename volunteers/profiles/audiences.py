"""All active volunteers, for the coordinators (cal.core.reach): told in the app and by
e-mail, as each set it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cal.core.access import Role
from cal.core.reach import Audience, Recipient
from volunteers.models import Volunteer, VolunteerStatus
from volunteers.services import recipients


def _active(_ref: int | None) -> list[Recipient]:
    return recipients(Volunteer.status == VolunteerStatus.ACTIVE)


AUDIENCES = [Audience(
    "volunteers", _l("All active volunteers"), lambda _user: None,
    lambda user, _ref: user.role in (Role.ADMIN, Role.COORDINATOR), _active,
    lambda _ref: _("All active volunteers"), position=50)]

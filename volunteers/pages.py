"""What the pages of the volunteers' rooms share: who the staff are, the volunteer a page
is about (from its URL, or the one signed in), and the districts of a form."""

from __future__ import annotations

from flask_login import current_user

from cal.core.access import Role
from cal.core.forms import options
from cal.core.http import found
from cal.people.services import list_districts
from volunteers.services import get_volunteer, volunteer_of_user

STAFF = (Role.ADMIN, Role.COORDINATOR)


def load_volunteer(volunteer_id: int):
    """The volunteer of a URL, or a 404 answer."""
    return found(get_volunteer(volunteer_id))


def my_volunteer():
    """The volunteer signed in, or a 404 answer for an account without a volunteer."""
    return found(volunteer_of_user(current_user))


def with_districts(form):
    form.district_id.choices = options([(0, "—")] + [(d.id, d.name) for d in list_districts()])
    return form

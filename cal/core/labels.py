"""Translated names of enum values, for templates and select fields."""

from flask_babel import lazy_gettext as _l

from cal.core.access import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Volunteer coordinator"),
    Role.LEADER: _l("Group leader"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.PROJECT_MANAGER: _l("Project manager"),
}


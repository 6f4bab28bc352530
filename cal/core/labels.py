"""Translated names of enum values, for templates and select fields."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from cal.core.access import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Volunteer coordinator"),
    Role.LEADER: _l("Group leader"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.PROJECT_MANAGER: _l("Project manager"),
}

# What each role may see and change, in words, for the register of access (RODO).
ROLE_ACCESS = {
    Role.ADMIN: _l("Everything the coordinators see, and the user accounts, the audit log, "
                   "the districts and the failed deliveries."),
    Role.COORDINATOR: _l("People and households with their special-category notes, "
                         "volunteers with their records and documents, help requests and "
                         "matches, hours, trainings, all groups and the senior centre; the "
                         "indicators of projects."),
    Role.LEADER: _l("The groups they lead: members, sessions and attendance; the senior "
                    "centre's members and programme; the indicators of their projects."),
    Role.VOLUNTEER: _l("Their own profile, hours and trainings; of the people they help, "
                       "what a visit needs: first name, address, contact and the need."),
    Role.PROJECT_MANAGER: _l("Projects: budget, expenses, indicators, deadlines and the "
                             "records of EU participants of the projects they manage."),
}



def translated(labels: Mapping) -> dict:
    """The labels in the request's language, each translated once: a lazy text is
    translated again every time a page shows it (12 µs; once for each row of a list)."""
    return {key: str(label) for key, label in labels.items()}

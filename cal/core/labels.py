"""Translated names of enum values, for templates and select fields."""

import enum
import sys
from collections.abc import Mapping
from functools import cache

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


# The packages whose modules keep the words of their enums beside them, as *_LABELS.
ROOMS = ("cal.", "volunteers.", "clubs.", "seniors.")


def value_label(value) -> str | None:
    """The words for an enum member (in the request's language), from the ``*_LABELS``
    table its room keeps beside the enum; None when it has none."""
    table = _enum_labels().get(type(value))
    return str(table[value]) if table is not None and value in table else None


@cache
def _enum_labels() -> dict[type, Mapping]:
    """Each enum's table of words: the first ``*_LABELS`` mapping of its members found in
    the rooms' modules (all loaded once the app is made)."""
    found: dict[type, Mapping] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith(ROOMS):
            continue
        for attribute, table in list(vars(module).items()):
            if not (attribute.endswith("_LABELS") and isinstance(table, dict) and table):
                continue
            kinds = {type(key) for key in table}
            if len(kinds) == 1 and issubclass(next(iter(kinds)), enum.Enum):
                found.setdefault(next(iter(kinds)), table)
    return found

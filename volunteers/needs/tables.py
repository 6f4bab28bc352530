"""The help requests as a file: the list as it is filtered, every request it matches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from cal.core.timeutil import local_today, to_local
from volunteers.forms import SUBJECTS
from volunteers.models import HELP_KIND_LABELS
from volunteers.needs.models import PRIORITY_LABELS, REQUEST_STATUS_LABELS

SUBJECT_NAMES = dict(SUBJECTS)


def _whom(row) -> str:
    return f"{row.person.last_name} {row.person.first_name}" if row.person else row.household.name


REQUESTS = Table("help_request", _l("Help requests"), "prosby-o-pomoc", columns=(
    Column(_l("For whom"), _whom),
    Column(_l("Year of birth"), lambda r: r.person.birth_date.year
           if r.person and r.person.birth_date else None),
    Column(_l("Need"), lambda r: HELP_KIND_LABELS[r.kind]),
    Column(_l("Subject"), lambda r: SUBJECT_NAMES.get(r.subject, r.subject)),
    Column(_l("Grade"), lambda r: r.grade),
    Column(_l("District"), lambda r: r.district.name if r.district else ""),
    Column(_l("Registered on"), lambda r: to_local(r.created_at).date()),
    Column(_l("Days waiting"), lambda r: (local_today() - r.created_at.date()).days),
    Column(_l("Priority"), lambda r: PRIORITY_LABELS[r.priority]),
    Column(_l("Status"), lambda r: REQUEST_STATUS_LABELS[r.status]),
    Column(_l("Referred by"), lambda r: r.referred_by),
))

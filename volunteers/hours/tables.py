"""The hours to approve as a file: every entry of the filters, with its review."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from cal.core.timeutil import to_local
from volunteers.hours.models import ACTIVITY_LABELS, ENTRY_STATUS_LABELS
from volunteers.hours.services import describe
from volunteers.models import HELP_KIND_LABELS

HOURS = Table("hour_entry", _l("Hours"), "godziny", columns=(
    Column(_l("Volunteer"), lambda e: f"{e.volunteer.last_name} {e.volunteer.first_name}"),
    Column(_l("Day"), lambda e: e.worked_on),
    Column(_l("Minutes"), lambda e: e.minutes),
    Column(_l("Activity"), lambda e: ACTIVITY_LABELS[e.activity]),
    Column(_l("Kind of help"), lambda e: HELP_KIND_LABELS[e.help_kind] if e.help_kind else ""),
    Column(_l("What"), describe),
    Column(_l("Note"), lambda e: e.note),
    Column(_l("Status"), lambda e: ENTRY_STATUS_LABELS[e.status]),
    Column(_l("Reviewed"), lambda e: to_local(e.reviewed_at).strftime("%Y-%m-%d %H:%M")
           if e.reviewed_at else ""),
    Column(_l("Reason"), lambda e: e.reject_reason),
))

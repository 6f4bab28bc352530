"""The volunteers' lists as files: the board at a stage (every page of it), and the
records missing or ending soon, one row for each thing that needs attention."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.exports import Column, Table
from volunteers.compliance import State
from volunteers.models import HELP_KIND_LABELS, STATUS_LABELS


def _kinds(volunteer) -> str:
    return ", ".join(str(HELP_KIND_LABELS[k]) for k in sorted(volunteer.kinds()))


VOLUNTEERS = Table("volunteer", _l("Volunteers"), "wolontariusze", columns=(
    Column(_l("Last name"), lambda v: v.last_name),
    Column(_l("First name"), lambda v: v.first_name),
    Column(_l("Stage"), lambda v: STATUS_LABELS[v.status]),
    Column(_l("District"), lambda v: v.district.name if v.district else ""),
    Column(_l("Phone"), lambda v: v.phone),
    Column(_l("E-mail"), lambda v: v.email),
    Column(_l("Kinds of help"), _kinds),
    Column(_l("Active matches at most"), lambda v: v.capacity),
))


def attention_rows(overview) -> list[tuple]:
    """The overview (each volunteer with what needs attention), one row per thing."""
    return [(volunteer, item) for volunteer, items in overview for item in items]


COMPLIANCE = Table("volunteer", _l("Missing and expiring records"), "dokumenty-do-uzupelnienia",
                   columns=(
    Column(_l("Last name"), lambda r: r[0].last_name),
    Column(_l("First name"), lambda r: r[0].first_name),
    Column(_l("Stage"), lambda r: STATUS_LABELS[r[0].status]),
    Column(_l("What needs attention"), lambda r: r[1].label),
    Column(_l("State"), lambda r: _l("Ends soon") if r[1].state == State.EXPIRING
           else _l("Missing")),
    Column(_l("Ends on"), lambda r: r[1].ends_on if r[1].state == State.EXPIRING else None),
))

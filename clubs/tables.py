"""A group's lists as files: its members (and those waiting for a place), and its
month of attendance per person. A KIS member's target group says what brought them
(a disorder, an addiction): a column only for the roles that may read special-category
data, named in the export's audit entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cal.core.access import Role, has_role
from cal.core.exports import Column, Table
from cal.people.services import can_see_special
from clubs.models import MEMBER_STATUS_LABELS, TARGET_GROUP_LABELS, Mark


def takes_files(user) -> bool:
    """Staff and the leaders: a volunteer who co-leads a group reads it, takes no file."""
    return has_role(user, Role.ADMIN, Role.COORDINATOR, Role.LEADER)


_MEMBER = (
    Column(_l("Last name"), lambda m: m.person.last_name),
    Column(_l("First name"), lambda m: m.person.first_name),
    Column(_l("Year of birth"), lambda m: m.person.birth_date.year
           if m.person.birth_date else None),
    Column(_l("Status"), lambda m: MEMBER_STATUS_LABELS[m.status]),
    Column(_l("Member since"), lambda m: m.joined_on),
)
MEMBERS = Table("membership", _l("Members"), "uczestnicy-grupy", columns=_MEMBER,
                taken_by=takes_files)
KIS_MEMBERS = Table("membership", _l("Members"), "uczestnicy-kis", taken_by=takes_files,
                    columns=(
    *_MEMBER,
    Column(_l("Target group"), lambda m: TARGET_GROUP_LABELS[m.target_group]
           if m.target_group else "", shown_to=can_see_special, fields=("target_group",)),
    Column(_l("Social contract"), lambda m: m.contract_ref),
    Column(_l("Participation from"), lambda m: m.period_start),
    Column(_l("Participation to"), lambda m: m.period_end),
))


def _rate(line):
    return round(line.rate * 100) if line.rate is not None else None


ATTENDANCE = Table("attendance", _l("Attendance"), "obecnosci", taken_by=takes_files, columns=(
    Column(_l("Last name"), lambda line: line.person.last_name),
    Column(_l("First name"), lambda line: line.person.first_name),
    Column(_l("Year of birth"), lambda line: line.person.birth_date.year
           if line.person.birth_date else None),
    Column(_l("Guest"), lambda line: _l("yes") if line.guest else ""),
    Column(_l("Present"), lambda line: line.count(Mark.PRESENT)),
    Column(_l("Absent"), lambda line: line.count(Mark.ABSENT)),
    Column(_l("Excused"), lambda line: line.count(Mark.EXCUSED)),
    Column(_l("Rate (%)"), _rate),
))

"""What the groups hold about a person (cal/core/rooms.py, RODO): memberships, the
waiting list and attendance; and the leaders' logs of the sessions, free text that may
name the people who came, blanked when the period of people's records has passed since
the session (the session and its attendance stay for the counts)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select, update

from cal.core.rooms import PersonalData
from cal.extensions import db
from cal.people.models import Person, SubjectKind
from clubs.models import Attendance, GroupSession, Membership, MemberStatus


def blockers(subject, _held: dict[int, date | None]) -> list[str]:
    if any(m["status"] in (MemberStatus.ACTIVE.value, MemberStatus.WAITING.value)
           for m in subject.sections.get(Membership.__tablename__, [])):
        return [_("The person is still a member of a group or on its waiting list: "
                  "end the membership first.")]
    return []


def keeps_person(cutoff: datetime, _held) -> list:
    """Attendance since the cutoff, or a membership not ended before it."""
    return [
        exists().where(Attendance.person_id == Person.id,
                       GroupSession.id == Attendance.session_id,
                       GroupSession.starts_at >= cutoff),
        exists().where(Membership.person_id == Person.id, or_(
            Membership.status != MemberStatus.ENDED, Membership.ended_on >= cutoff.date())),
    ]


def records(record_type: str, cutoff: datetime, apply: bool) -> int:
    """Sessions before the cutoff of people's records whose leader's log is not blank."""
    if record_type != SubjectKind.PERSON.value:
        return 0
    old = (GroupSession.starts_at < cutoff) & (GroupSession.log != "")
    if apply:
        return db.session.execute(update(GroupSession).where(old).values(log="")).rowcount
    return db.session.scalar(select(func.count()).select_from(GroupSession).where(old))


PART = PersonalData("clubs", blockers=blockers, keeps_person=keeps_person, records=records)

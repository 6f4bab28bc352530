"""Someone at the door of a session: found by name among the people the user may see, or
registered anew, then marked present.

Rules:
- a coordinator is shown anyone of that name in the registry; a leader only the people
  of the groups they lead, so the door reveals nobody else (someone else of that name
  is registered anew, and a coordinator joins the two records later);
- only one of the people the names matched can be chosen (no stepping through the
  registry by id);
- a coordinator may take the newcomer into the group; when it is full they wait for a
  place, and are not marked: there is no place for them today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from cal.core.errors import DomainError
from cal.extensions import db
from cal.people import services as people
from cal.people.models import Person
from clubs import attendance, services
from clubs.models import (
    Attendance,
    GroupLeader,
    GroupSession,
    Mark,
    Membership,
    MemberStatus,
)


@dataclass(frozen=True)
class Newcomer:
    """What the door's form gives. ``same_as``: None when not asked yet, 0 for none of
    the people shown (someone new), else the id of the one chosen."""

    first_name: str
    last_name: str
    birth_date: date | None = None
    same_as: int | None = None
    as_member: bool = False


@dataclass(frozen=True)
class AtTheDoor:
    """What came of it: the people the newcomer may be, to choose from; or the person,
    marked present (or, a new member of a full group, waiting); or nobody, when the one
    chosen was none of those the names matched (as if they did not exist)."""

    person: Person | None = None
    candidates: tuple[Person, ...] = ()
    waiting: bool = False


def known_in_groups(group_ids, person_ids: list[int]) -> set[int]:
    """Those of these people who are or were in one of the groups (``group_ids``: ids or
    a select of them), or came to one of their sessions."""
    if not person_ids:
        return set()
    members = select(Membership.person_id).where(Membership.group_id.in_(group_ids),
                                                 Membership.person_id.in_(person_ids))
    came = select(Attendance.person_id).join(GroupSession).where(
        GroupSession.group_id.in_(group_ids), Attendance.person_id.in_(person_ids))
    return set(db.session.scalars(members.union(came)))


def likely_at_the_door(user, first_name: str, last_name: str,
                       birth_date: date | None) -> list[Person]:
    """The people someone at the door may be, by name (and birth date), among those
    ``user`` may see."""
    likely = people.find_duplicates(first_name, last_name, birth_date)
    if services.sees_all(user):
        return likely
    known = known_in_groups(select(GroupLeader.group_id).where(GroupLeader.user_id == user.id),
                            [p.id for p in likely])
    return [p for p in likely if p.id in known]


def to_ask_at_door(session: GroupSession, newcomer: Newcomer, actor,
                   today: date) -> tuple[Person, ...]:
    """The people to ask about before someone new is registered: those the names match,
    until the one at the door has said whether they are one of them (none: go on)."""
    if not services.may_mark(actor, session, today):
        raise DomainError(_("Attendance cannot be taken at this session."))
    if newcomer.same_as is not None:
        return ()
    return tuple(likely_at_the_door(actor, newcomer.first_name, newcomer.last_name,
                                    newcomer.birth_date))


def admit_at_door(session: GroupSession, newcomer: Newcomer, actor, today: date) -> AtTheDoor:
    """Find or register the newcomer and mark them present at ``session``."""
    if not services.may_mark(actor, session, today):
        raise DomainError(_("Attendance cannot be taken at this session."))
    likely = likely_at_the_door(actor, newcomer.first_name, newcomer.last_name,
                                newcomer.birth_date)
    if newcomer.same_as:
        person = next((p for p in likely if p.id == newcomer.same_as), None)
        if person is None:
            return AtTheDoor()
    elif likely and newcomer.same_as is None:
        return AtTheDoor(candidates=tuple(likely))
    else:
        person = people.create_person(
            {"first_name": newcomer.first_name, "last_name": newcomer.last_name,
             "birth_date": newcomer.birth_date}, actor, confirm_duplicate=True)
    enrol = newcomer.as_member and services.sees_all(actor)
    member = services.is_member(session.group, person)  # found: already one of us
    if enrol and not member and services.enrol(
            session.group, person, actor, today).status == MemberStatus.WAITING:
        return AtTheDoor(person, waiting=True)
    if not attendance.set_mark(session.id, person.id, Mark.PRESENT, actor, today,
                               guest=not (member or enrol)):
        raise DomainError(_("Attendance cannot be taken at this session."))
    return AtTheDoor(person)

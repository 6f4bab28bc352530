"""Attendance at a group's sessions: who may mark and change it, one tap per person
saved in one statement that checks every rule, everyone present at once, and every
change kept."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Integer, exists, literal, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from cal.core.errors import DomainError
from cal.core.figure_versions import unkept_since
from cal.core.timeutil import (
    local_day_end_utc,
    local_day_start_utc,
    to_local,
    utcnow,
)
from cal.extensions import db
from cal.people.models import Person
from clubs.models import (
    Attendance,
    AttendanceChange,
    GroupLeader,
    GroupSession,
    Mark,
    Membership,
    MemberStatus,
    SessionStatus,
)
from clubs.services import CORRECTION_DAYS, may_mark, sees_all

# Attendance -------------------------------------------------------------------------------

@dataclass
class Row:
    """One person on the attendance page: their mark, and whether they are a guest."""

    person: Person
    mark: Mark | None
    guest: bool = False
    waiting: bool = False


def rows_of(session: GroupSession) -> list[Row]:
    """The members of the session's group, and anyone else marked at it (guests, and
    members who have left since); two queries."""
    marks = {a.person_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    day = to_local(session.starts_at).date()
    members = list(db.session.scalars(
        select(Membership).where(
            Membership.group_id == session.group_id,
            (Membership.status == MemberStatus.ACTIVE)
            | Membership.person_id.in_(list(marks) or [-1]))
        .options(joinedload(Membership.person))))
    rows, seen = [], set()
    for membership in members:
        if membership.person_id in seen or (
                membership.status != MemberStatus.ACTIVE and membership.person_id not in marks):
            continue
        if membership.joined_on and membership.joined_on > day and (
                membership.person_id not in marks):
            continue
        seen.add(membership.person_id)
        mark = marks.get(membership.person_id)
        rows.append(Row(membership.person, mark.mark if mark else None,
                        guest=bool(mark and mark.guest)))
    missing = [pid for pid in marks if pid not in seen]
    if missing:
        for person in db.session.scalars(select(Person).where(Person.id.in_(missing))):
            rows.append(Row(person, marks[person.id].mark, guest=marks[person.id].guest))
    rows.sort(key=lambda r: (r.guest, r.person.last_name, r.person.first_name, r.person.id))
    return rows


def names_of(rows: list[Row]) -> dict[int, str]:
    """Each person's name on the attendance list ("Surname First name"), told apart
    from another of the same name by the year of birth, so that a tap finds the right
    one."""
    return told_apart([r.person for r in rows])


def told_apart(people, first_name_first: bool = False) -> dict[int, str]:
    """Each person's name as a list shows it, with the year of birth where two people
    on the list share a name (the attendance list, the printed sheet, the statistics
    alike)."""
    names = {p.id: (f"{p.first_name} {p.last_name}" if first_name_first
                    else f"{p.last_name} {p.first_name}") for p in people}
    alike = {name for name, count in Counter(names.values()).items() if count > 1}
    born = {p.id: p.birth_date for p in people}
    return {pid: f"{name} ({born[pid].year})" if name in alike and born[pid] else name
            for pid, name in names.items()}


def set_mark(session_id: int, person_id: int, mark: Mark, actor, today: date,
             guest: bool = False) -> bool:
    """Set one person's mark at a session of this year in two statements whatever
    happens (a session of an earlier year, or a refused mark, takes one more, which
    tells the year's report which year's figures moved):

    1. one INSERT … ON CONFLICT DO UPDATE whose SELECT checks every rule in SQL (the
       session is not cancelled; the user runs its group, and a leader is within
       CORRECTION_DAYS; the person is a member, already on the list, or a guest the
       caller vouches for), so a refused mark writes nothing and the same tap sent
       twice leaves one row with the same mark;
    2. the change into the history, only when the mark differs from the last one.

    ``actor`` None is the kiosk at the door (today's sessions only). Returns whether the
    mark was allowed (and so is stored)."""
    now = utcnow()
    rules = [GroupSession.id == session_id, GroupSession.status == SessionStatus.PLANNED,
             GroupSession.starts_at < local_day_end_utc(today)]  # never ahead of today
    if actor is None:  # the kiosk at the door: from an hour before the start to the end
        rules += [GroupSession.starts_at <= now + timedelta(hours=1),
                  GroupSession.ends_at >= now]
    elif not sees_all(actor):
        rules.append(GroupSession.starts_at >= local_day_start_utc(
            today - timedelta(days=CORRECTION_DAYS)))
        rules.append(exists().where(GroupLeader.group_id == GroupSession.group_id,
                                    GroupLeader.user_id == actor.id))
    if not guest:
        rules.append(or_(
            exists().where(Membership.group_id == GroupSession.group_id,
                           Membership.person_id == person_id,
                           Membership.status == MemberStatus.ACTIVE),
            exists().where(Attendance.session_id == session_id,
                           Attendance.person_id == person_id)))
    by = actor.id if actor is not None else None
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert

    def store(*more, **figures):
        allowed = select(literal(session_id), literal(person_id), literal(mark.value),
                         literal(guest), literal(by, Integer), literal(now)).where(
            exists().where(*rules, *more))
        upsert = insert(Attendance).from_select(
            ["session_id", "person_id", "mark", "guest", "by_user_id", "at"], allowed)
        return db.session.execute(upsert.on_conflict_do_update(
            index_elements=["session_id", "person_id"],
            set_={"mark": upsert.excluded.mark, "by_user_id": upsert.excluded.by_user_id,
                  "at": upsert.excluded.at}).returning(Attendance.id),
            execution_options=figures).first()

    # A session of this year, as nearly every tap is: no kept year's figures change. A
    # session of a year before (a correction) says which, at the cost of a statement.
    since = unkept_since()
    stored = (store(GroupSession.starts_at >= since, figures_since=since)
              or store(figure_keys={"session_id": [session_id]}))
    if stored is None:
        return False
    last = (select(AttendanceChange.to_mark)
            .where(AttendanceChange.session_id == session_id,
                   AttendanceChange.person_id == person_id)
            .order_by(AttendanceChange.id.desc()).limit(1).scalar_subquery())
    db.session.execute(insert(AttendanceChange).from_select(
        ["session_id", "person_id", "from_mark", "to_mark", "by_user_id", "at"],
        select(literal(session_id), literal(person_id), last, literal(mark.value),
               literal(by, Integer), literal(now)).where(or_(last.is_(None),
                                                             last != mark.value))))
    return True


def all_present(session: GroupSession, actor, today: date) -> int:
    """Everyone on the list without a mark yet is present; returns how many."""
    if not may_mark(actor, session, today):
        raise DomainError(_("Marks can be corrected up to %(days)d days after the session; "
                            "ask a coordinator.", days=CORRECTION_DAYS))
    unmarked = [r.person.id for r in rows_of(session) if r.mark is None]
    for person_id in unmarked:
        set_mark(session.id, person_id, Mark.PRESENT, actor, today)
    return len(unmarked)


def history_of(session: GroupSession) -> list[AttendanceChange]:
    return list(db.session.scalars(select(AttendanceChange).where(
        AttendanceChange.session_id == session.id).order_by(AttendanceChange.at)))

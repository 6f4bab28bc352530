"""What attendance adds up to: rates per group, person and month; the occupancy of the
senior centre's places per month (the state programme pays per place per month);
members whose attendance dropped; and the printed documents: the monthly attendance
sheet (lista obecności) and the KIS certificate of participation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.holidays import holiday
from cal.core.timeutil import local_day_start_utc, local_to_utc, local_today, to_local, utcnow
from cal.extensions import db
from cal.people.models import Person
from clubs.attendance import told_apart
from clubs.models import (
    Attendance,
    Group,
    GroupSession,
    GroupSlot,
    Mark,
    Membership,
    MemberStatus,
    Programme,
    SessionStatus,
)

DROP_AFTER = 3  # absences in a row that put a member on the leader's list


def month_bounds(first: date) -> tuple[date, date]:
    """The first and the last day of the month that starts on ``first``."""
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def held_sessions(group: Group, first: date, last: date) -> list[GroupSession]:
    """The sessions of a period that took place (not cancelled, already begun)."""
    return list(db.session.scalars(
        select(GroupSession).where(
            GroupSession.group_id == group.id, GroupSession.status == SessionStatus.PLANNED,
            GroupSession.starts_at >= local_day_start_utc(first),
            GroupSession.starts_at < local_day_start_utc(last + timedelta(days=1)),
            GroupSession.starts_at <= utcnow())
        .order_by(GroupSession.starts_at)))


@dataclass
class PersonLine:
    person: Person
    marks: dict[int, Mark] = field(default_factory=dict)  # session id -> mark
    guest: bool = False  # came without being a member this month

    def count(self, mark: Mark) -> int:
        return sum(1 for m in self.marks.values() if m == mark)

    @property
    def rate(self) -> float | None:
        """Present among the sessions marked (excused counts as not present)."""
        return self.count(Mark.PRESENT) / len(self.marks) if self.marks else None


@dataclass
class MonthReport:
    group: Group
    first: date
    last: date
    sessions: list[GroupSession]
    lines: list[PersonLine]
    members: int  # members at some time in the month
    dropping: list[PersonLine]

    @property
    def names(self) -> dict[int, str]:
        """The names as the statistics show them, two of the same name told apart."""
        return told_apart([line.person for line in self.lines])

    @property
    def sheet_names(self) -> dict[int, str]:
        """The names as the printed sheet shows them (first name first), told apart."""
        return told_apart([line.person for line in self.lines], first_name_first=True)

    @property
    def rate(self) -> float | None:
        """Present among the members' marks (guests do not count)."""
        members = [line for line in self.lines if not line.guest]
        marked = sum(len(line.marks) for line in members)
        present = sum(line.count(Mark.PRESENT) for line in members)
        return present / marked if marked else None

    @property
    def occupancy(self) -> float | None:
        """Members in the month per place (the senior centre's programme pays per
        place per month)."""
        return self.members / self.group.capacity if self.group.capacity else None


def month_report(group: Group, first: date) -> MonthReport:
    """Attendance of one group in one month; three queries whatever its size."""
    first, last = month_bounds(first)
    sessions = held_sessions(group, first, last)
    memberships = list(db.session.scalars(
        select(Membership).where(
            Membership.group_id == group.id, Membership.status != MemberStatus.WAITING,
            Membership.joined_on <= last,
            (Membership.ended_on.is_(None)) | (Membership.ended_on >= first))
        .options(joinedload(Membership.person))))
    lines = {m.person_id: PersonLine(m.person, guest=m.guest) for m in memberships}
    ids = [s.id for s in sessions]
    marks = db.session.execute(
        select(Attendance.session_id, Attendance.person_id, Attendance.mark)
        .where(Attendance.session_id.in_(ids))).all() if ids else []
    guests = {person_id for _, person_id, _ in marks if person_id not in lines}
    if guests:
        for person in db.session.scalars(select(Person).where(Person.id.in_(guests))):
            lines[person.id] = PersonLine(person, guest=True)
    for session_id, person_id, mark in marks:
        lines[person_id].marks[session_id] = mark
    ordered = sorted(lines.values(), key=lambda line: (line.person.last_name,
                                                       line.person.first_name, line.person.id))
    members = len({m.person_id for m in memberships if not m.guest})  # rejoining: once
    return MonthReport(group, first, last, sessions, ordered, members,
                       dropping(group, min(utcnow(), local_day_start_utc(
                           last + timedelta(days=1)))))


def dropping(group: Group, until) -> list[PersonLine]:
    """Current members absent at each of the group's last DROP_AFTER sessions held
    before ``until``, across months; two queries."""
    last = list(db.session.scalars(
        select(GroupSession.id).where(
            GroupSession.group_id == group.id, GroupSession.status == SessionStatus.PLANNED,
            GroupSession.starts_at < until)
        .order_by(GroupSession.starts_at.desc()).limit(DROP_AFTER)))
    if len(last) < DROP_AFTER:
        return []
    absent = db.session.execute(
        select(Membership).join(Attendance, Attendance.person_id == Membership.person_id)
        .where(Membership.group_id == group.id, Membership.status == MemberStatus.ACTIVE,
               Attendance.session_id.in_(last), Attendance.mark == Mark.ABSENT)
        .options(joinedload(Membership.person))).scalars().all()
    counts: dict[int, list] = {}
    for membership in absent:
        counts.setdefault(membership.person_id, []).append(membership)
    return sorted((PersonLine(found[0].person) for found in counts.values()
                   if len(found) >= DROP_AFTER),
                  key=lambda line: (line.person.last_name, line.person.first_name))


def centre_months(first: date, programme: Programme | None = None) -> list[MonthReport]:
    """The month of every group (of a programme), for the centre's overview."""
    groups = db.session.scalars(select(Group).order_by(Group.name))
    return [month_report(group, first) for group in groups
            if programme is None or group.programme == programme]


MARK_SYMBOLS = {Mark.PRESENT: "ob.", Mark.ABSENT: "nieob.", Mark.EXCUSED: "usprawiedl."}


@dataclass(frozen=True)
class Column:
    """A column of the printed sheet: a session held (with its marks), one planned, or
    a date of the weekly schedule not planned yet (no session id)."""

    at: datetime  # local
    session_id: int | None


def sheet_columns(report: MonthReport) -> list[Column]:
    """The month's sessions held, then those still to come: planned ones, and the dates
    the weekly schedule gives after them (Polish public holidays skipped), so that a sheet
    printed at the start of the month has a column for every meeting."""
    columns = [Column(to_local(s.starts_at), s.id) for s in report.sessions]
    upcoming = list(db.session.scalars(select(GroupSession).where(
        GroupSession.group_id == report.group.id, GroupSession.status == SessionStatus.PLANNED,
        GroupSession.starts_at > utcnow(),
        GroupSession.starts_at < local_day_start_utc(report.last + timedelta(days=1)))
        .order_by(GroupSession.starts_at)))
    columns += [Column(to_local(s.starts_at), s.id) for s in upcoming
                if to_local(s.starts_at).date() >= report.first]
    known = {column.at for column in columns}
    day = max([report.first, to_local(utcnow()).date()]
              + [c.at.date() + timedelta(days=1) for c in columns])
    ends_on = report.group.ends_on or report.last
    slots = list(db.session.scalars(select(GroupSlot).where(
        GroupSlot.group_id == report.group.id)))
    while day <= min(report.last, ends_on):
        if day >= report.group.starts_on and not holiday(day):
            for slot in slots:
                at = to_local(local_to_utc(day, slot.starts))
                if slot.weekday == day.weekday() and at not in known:
                    columns.append(Column(at, None))
        day += timedelta(days=1)
    return sorted(columns, key=lambda column: column.at)


def sheet_context(report: MonthReport, leaders: list[str]) -> dict:
    """What the printed attendance sheet shows."""
    return {"report": report, "leaders": leaders, "symbols": MARK_SYMBOLS,
            "columns": sheet_columns(report)}


def participation_sessions(membership: Membership) -> tuple[int, int]:
    """(sessions held while the person was a member, of which present)."""
    end = membership.ended_on or local_today()
    sessions = held_sessions(db.session.get(Group, membership.group_id),
                             membership.joined_on or end, end)
    ids = [s.id for s in sessions]
    present = db.session.scalar(select(db.func.count()).select_from(Attendance).where(
        Attendance.session_id.in_(ids), Attendance.person_id == membership.person_id,
        Attendance.mark == Mark.PRESENT)) if ids else 0
    return len(sessions), present

"""The groups' part of the year's report: the participants of the Social Integration
Club and the Senior Activity Centre (each person once), the sessions held by kind of
group, the attendance rate, and the senior centre's places and their occupancy month
by month."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select

from cal.core.figures import (
    MONTHS,
    Counts,
    Reads,
    Table,
    Tally,
    YearSection,
    month_spans,
    ratio,
    tally,
    within,
    year_of,
)
from cal.core.timeutil import utcnow
from clubs.models import (
    GROUP_KIND_LABELS,
    Attendance,
    Group,
    GroupKind,
    GroupSession,
    Mark,
    Membership,
    MemberStatus,
    Programme,
    SessionStatus,
)

PROGRAMME_LABELS = {Programme.KIS: _l("Social Integration Club (KIS)"),
                    Programme.CAS: _l("Senior Activity Centre (CAS)")}
ALL = "all"


def counts(years: list[int]) -> dict:
    """Per programme and year the people present (each once), the presences and the
    members' marks; the people present in all groups; the sessions held per kind of
    group; the senior centre's places and the members taking them (each member of a
    group once a month), month by month."""
    year = year_of(GroupSession.starts_at, years)
    programme = case((Group.kind == GroupKind.SENIOR_CLASS, Programme.CAS.value),
                     else_=Programme.KIS.value)
    held = (GroupSession.status == SessionStatus.PLANNED, GroupSession.starts_at <= utcnow(),
            *within(GroupSession.starts_at, years))
    present = Attendance.mark == Mark.PRESENT
    marks = (select(programme.label("programme"), year.label("year"),
                    Attendance.person_id.label("person_id"),
                    case((present, 1), else_=0).label("present"),
                    case((Attendance.guest.is_(False), 1), else_=0).label("marked"))
             .select_from(Attendance)
             .join(GroupSession, GroupSession.id == Attendance.session_id)
             .join(Group, Group.id == GroupSession.group_id).where(*held).subquery())
    # Each person's marks in a programme and year, summed once: the people present, the
    # presences and the marks are counted from these (a few thousand rows, not a million).
    people = (select(marks.c.programme, marks.c.year, marks.c.person_id,
                     func.max(marks.c.present).label("came"),
                     func.sum(marks.c.present).label("present"),
                     func.sum(marks.c.marked).label("marked"))
              .group_by(marks.c.programme, marks.c.year, marks.c.person_id)
              .cte("attendance_people"))
    months = month_spans(years)
    alive = and_(Group.starts_on < months.c.ends,
                 or_(Group.ends_on.is_(None), Group.ends_on >= months.c.starts))
    taken = (select(months.c.year, months.c.month, Membership.group_id, Membership.person_id)
             .select_from(Membership).join(Group, Group.id == Membership.group_id)
             .join(months, and_(alive, Membership.joined_on < months.c.ends, or_(
                 Membership.ended_on.is_(None), Membership.ended_on >= months.c.starts)))
             .where(Group.kind == GroupKind.SENIOR_CLASS,
                    Membership.status != MemberStatus.WAITING, Membership.guest.is_(False))
             .distinct().subquery())
    return {
        "marks": select(people.c.programme.label("key"), people.c.year,
                        func.sum(people.c.came), func.sum(people.c.present),
                        func.sum(people.c.marked))
        .group_by(people.c.programme, people.c.year),
        "people": select(literal(ALL).label("key"), people.c.year,
                         func.count(people.c.person_id.distinct()))
        .where(people.c.came == 1).group_by(people.c.year),
        "sessions": select(Group.kind.label("key"), year.label("year"), func.count())
        .select_from(GroupSession).join(Group, Group.id == GroupSession.group_id)
        .where(*held).group_by(Group.kind, year),
        "places": select(literal("places").label("key"), months.c.year, months.c.month,
                         func.sum(Group.capacity))
        .select_from(Group).join(months, alive).where(Group.kind == GroupKind.SENIOR_CLASS)
        .group_by(months.c.year, months.c.month),
        "taken": select(literal("taken").label("key"), taken.c.year, taken.c.month,
                        func.count()).group_by(taken.c.year, taken.c.month),
    }


def tables(years: list[int], found: Counts) -> list[Table]:
    marks = found["marks"]
    people = tally([*marks, *found["people"]])
    present, marked = tally(marks, "n2"), tally(marks, "n3")
    shown = years[-2:]
    places = Tally().add((c.year, c.month, c.n) for c in found["places"])
    taken = Tally().add((c.year, c.month, c.n) for c in found["taken"])
    occupancy = [ratio(taken.row("", y, MONTHS), places.row("", y, MONTHS), MONTHS,
                       _l("Occupancy %(year)s (%%)", year=y)) for y in shown]
    last = shown[-1]
    return [
        Table("club_people", _l("Participants of the groups, each person once"), [
            *people.rows(PROGRAMME_LABELS, years),
            people.row(_l("All groups"), ALL, years)],
            note=_l("Present at least once in the year.")),
        Table("club_sessions", _l("Sessions held, by kind of group"),
              tally(found["sessions"]).rows(GROUP_KIND_LABELS, years)),
        Table("club_attendance", _l("Attendance rate"), [
            ratio(present.row("", key, years), marked.row("", key, years), years, label)
            for key, label in PROGRAMME_LABELS.items()], unit="%", decimals=1,
            note=_l("Present among the members' marks.")),
        Table("senior_places", _l("Senior centre: places and places taken by month"), [
            places.row(_l("Places %(year)s", year=last), last, MONTHS),
            taken.row(_l("Places taken %(year)s", year=last), last, MONTHS)],
            per="month", chart=False),
        Table("senior_occupancy", _l("Senior centre: occupancy of the places by month"),
              occupancy, per="month", unit="%", decimals=1),
    ]


SECTION = YearSection(
    "groups", _l("Club and senior centre"), 50, counts, tables, reads=(
        # A group's kind and places count in every year of its sessions and members.
        Reads(Group, dates=("starts_on", "ends_on"), bounded=False,
              columns=("kind", "capacity", "starts_on", "ends_on")),
        Reads(GroupSession, dates=("starts_at",), columns=("group_id", "starts_at", "status")),
        Reads(Attendance, via=("session_id", GroupSession),
              columns=("session_id", "person_id", "mark", "guest")),
        Reads(Membership, dates=("joined_on", "ended_on"),
              columns=("group_id", "person_id", "status", "joined_on", "ended_on", "guest"))))

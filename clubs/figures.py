"""The groups' part of the year's report: the participants of the Social Integration
Club and the Senior Activity Centre (each person once), the sessions held by kind of
group, the attendance rate, and the senior centre's places and their occupancy month
by month; three queries for all the years asked."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, case, cast, func, literal, or_, select, union_all

from cal.core.figures import Table, Tally, YearSection, month_spans, ratio, within, year_of
from cal.core.timeutil import utcnow
from cal.extensions import db
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


def _attendance(years: list[int]) -> list:
    """(what, key, year, number): per programme the people present (each once), the
    presences and the members' marks; the people present in all groups; the sessions
    held per kind of group."""
    year = year_of(GroupSession.starts_at)
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
    kind = cast(Group.kind, String)
    per_programme = db.session.execute(
        select(marks.c.programme, marks.c.year,
               func.count(case((marks.c.present == 1, marks.c.person_id)).distinct()),
               func.sum(marks.c.present), func.sum(marks.c.marked))
        .group_by(marks.c.programme, marks.c.year)).all()
    rows = db.session.execute(union_all(
        select(literal("people"), literal(ALL), marks.c.year,
               func.count(marks.c.person_id.distinct()))
        .where(marks.c.present == 1).group_by(marks.c.year),
        select(literal("sessions"), kind, year, func.count()).select_from(GroupSession)
        .join(Group, Group.id == GroupSession.group_id).where(*held)
        .group_by(kind, year))).all()
    for key, y, people, presences, marked in per_programme:
        rows += [("people", key, y, people), ("present", key, y, presences),
                 ("marked", key, y, marked)]
    return rows


def _places(years: list[int]) -> list:
    """(what, year, month, number): the senior centre's places, and the members taking
    them (each member of a group once a month)."""
    months = month_spans(years)
    alive = and_(Group.starts_on < months.c.ends,
                 or_(Group.ends_on.is_(None), Group.ends_on >= months.c.starts))
    places = (select(literal("places"), months.c.year, months.c.month, func.sum(Group.capacity))
              .select_from(Group).join(months, alive)
              .where(Group.kind == GroupKind.SENIOR_CLASS)
              .group_by(months.c.year, months.c.month))
    taken = (select(months.c.year, months.c.month, Membership.group_id, Membership.person_id)
             .select_from(Membership).join(Group, Group.id == Membership.group_id)
             .join(months, and_(alive, Membership.joined_on < months.c.ends, or_(
                 Membership.ended_on.is_(None), Membership.ended_on >= months.c.starts)))
             .where(Group.kind == GroupKind.SENIOR_CLASS,
                    Membership.status != MemberStatus.WAITING, Membership.guest.is_(False))
             .distinct().subquery())
    return db.session.execute(union_all(places, select(
        literal("taken"), taken.c.year, taken.c.month, func.count())
        .group_by(taken.c.year, taken.c.month))).all()


def compute(years: list[int]) -> list[Table]:
    rows = _attendance(years)

    def tally(name):
        return Tally().add((key, y, n) for what, key, y, n in rows if what == name)

    people, present, marked = tally("people"), tally("present"), tally("marked")
    shown = years[-2:]
    places = _places(shown)
    month_places = {(what, int(y)): {} for what, y, _, _ in places}
    for what, y, month, number in places:
        month_places[(what, int(y))][int(month)] = number or 0
    occupancy = [ratio(month_places.get(("taken", y), {}), month_places.get(("places", y), {}),
                       range(1, 13), _l("Occupancy %(year)s (%%)", year=y)) for y in shown]
    last = shown[-1]
    return [
        Table("club_people", _l("Participants of the groups, each person once"), [
            *people.rows(PROGRAMME_LABELS, years),
            people.row(_l("All groups"), ALL, years)],
            note=_l("Present at least once in the year.")),
        Table("club_sessions", _l("Sessions held, by kind of group"),
              tally("sessions").rows(GROUP_KIND_LABELS, years)),
        Table("club_attendance", _l("Attendance rate"), [
            ratio(present.row("", key, years), marked.row("", key, years), years, label)
            for key, label in PROGRAMME_LABELS.items()], unit="%", decimals=1,
            note=_l("Present among the members' marks.")),
        Table("senior_places", _l("Senior centre: places and occupancy by month"), [
            Tally().add(("p", m, n) for m, n in month_places.get(("places", last), {}).items())
            .row(_l("Places %(year)s", year=last), "p", range(1, 13)),
            Tally().add(("t", m, n) for m, n in month_places.get(("taken", last), {}).items())
            .row(_l("Places taken %(year)s", year=last), "t", range(1, 13)),
            *occupancy], per="month", chart=False),
        Table("senior_occupancy", _l("Senior centre: occupancy of the places by month"),
              occupancy, per="month", unit="%", decimals=1),
    ]


SECTION = YearSection("groups", _l("Club and senior centre"), 50, compute)

"""The KIS annual report of a year, in its four parts (art. 18a ust. 3):

1. staff: the users who led the club's groups, staff or volunteers, with the groups,
   the sessions held and their hours in the year;
2. participants by the target groups of art. 1 ust. 2, each person once a year (their
   target group from their latest membership that gives one), and the effects of those
   whose participation ended in the year (their latest ended membership), employment
   counted apart as the report asks;
3. activities: the sessions held in the year by kind of group and topic, with the
   attendance;
4. grants: the projects linked to the club's groups (confirmed links) running in the
   year, their value and what was spent in the year.

Every part is one aggregate query: the number of queries does not grow with the
participants. A walk-in guest never counts (participation needs a social contract, art.
18 ust. 4); the senior centre's groups are no part of the club.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import local_day_start_utc, utcnow
from cal.extensions import db
from cal.projects.kis_report.models import KisReportSent
from cal.projects.models import Expense, Funder, Project, project_groups
from clubs.models import (
    REINTEGRATION,
    Attendance,
    EndEffect,
    Group,
    GroupKind,
    GroupLeader,
    GroupSession,
    Mark,
    Membership,
    SessionStatus,
    TargetGroup,
)

# The months the coordinators are reminded in, until the report is marked as sent
# (it is due by 31 March).
REMIND_MONTHS = (2, 3)
DUE_DAY = (3, 31)


def due_on(year: int) -> date:
    """The day the report of ``year`` is due at the voivode's office."""
    return date(year + 1, *DUE_DAY)


# The parts -------------------------------------------------------------------------------

@dataclass
class StaffLine:
    name: str
    volunteer: bool  # co-leads on a volunteer's agreement, not employed
    groups: int
    sessions: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass
class GroupLine:
    """The participants of one target group (None: not given), and the effects of those
    who ended in the year."""

    target: TargetGroup | None
    participants: int = 0
    effects: dict[EndEffect, int] = field(default_factory=dict)

    @property
    def ended(self) -> int:
        return sum(self.effects.values())

    @property
    def reintegrated(self) -> int:
        return sum(self.effects.get(effect, 0) for effect in REINTEGRATION)

    @property
    def employed(self) -> int:
        return self.effects.get(EndEffect.EMPLOYMENT, 0)


@dataclass
class ActivityLine:
    kind: GroupKind
    topic: str
    sessions: int
    minutes: int
    present: int


@dataclass
class GrantLine:
    name: str
    funder: Funder
    agreement_number: str
    starts_on: date
    ends_on: date
    value_gr: int
    spent_gr: int  # expenses dated in the year


@dataclass
class KisReport:
    year: int
    staff: list[StaffLine]
    groups: list[GroupLine]
    activities: list[ActivityLine]
    grants: list[GrantLine]
    sent: KisReportSent | None

    @property
    def due_on(self) -> date:
        return due_on(self.year)

    @property
    def has_data(self) -> bool:
        return bool(self.staff or self.activities or self.participants or self.grants)

    @property
    def participants(self) -> int:
        return sum(line.participants for line in self.groups)

    @property
    def total(self) -> GroupLine:
        """The sum of every target group."""
        total = GroupLine(None, self.participants)
        for line in self.groups:
            for effect, count in line.effects.items():
                total.effects[effect] = total.effects.get(effect, 0) + count
        return total

    @property
    def staff_employed(self) -> int:
        return sum(1 for line in self.staff if not line.volunteer)

    @property
    def sessions(self) -> int:
        return sum(line.sessions for line in self.activities)


def kis_report(year: int) -> KisReport:
    first, last = date(year, 1, 1), date(year, 12, 31)
    return KisReport(year, _staff(first, last), _groups(first, last), _activities(first, last),
                     _grants(first, last),
                     db.session.scalar(select(KisReportSent).where(KisReportSent.year == year)))


def _kis(group=Group):
    return group.kind != GroupKind.SENIOR_CLASS


def _held(first: date, last: date):
    """The club's sessions that took place in the year (not cancelled, already begun)."""
    return and_(GroupSession.status == SessionStatus.PLANNED,
                GroupSession.starts_at >= local_day_start_utc(first),
                GroupSession.starts_at < local_day_start_utc(last + timedelta(days=1)),
                GroupSession.starts_at <= utcnow())


def _minutes(starts, ends) -> int:
    return int((ends - starts).total_seconds() // 60)


def _staff(first: date, last: date) -> list[StaffLine]:
    """Each leader of the club's groups with the sessions held in them (one row per
    leader and session: the sessions of a year, not the participants)."""
    rows = db.session.execute(
        select(User.id, User.full_name, User.role, GroupLeader.group_id,
               GroupSession.starts_at, GroupSession.ends_at)
        .join(GroupLeader, GroupLeader.user_id == User.id)
        .join(Group, Group.id == GroupLeader.group_id)
        .join(GroupSession, GroupSession.group_id == Group.id)
        .where(_kis(), _held(first, last)))
    lines: dict[int, StaffLine] = {}
    groups: dict[int, set[int]] = defaultdict(set)
    for user_id, name, role, group_id, starts, ends in rows:
        line = lines.setdefault(user_id, StaffLine(name, role == Role.VOLUNTEER, 0, 0, 0))
        groups[user_id].add(group_id)
        line.sessions += 1
        line.minutes += _minutes(starts, ends)
    for user_id, line in lines.items():
        line.groups = len(groups[user_id])
    return sorted(lines.values(), key=lambda line: (line.volunteer, line.name))


def _in_year(first: date, last: date):
    """A membership of the club's that took part in the year (a guest never does)."""
    return and_(_kis(), Membership.guest.is_(False), Membership.joined_on.is_not(None),
                Membership.joined_on <= last,
                or_(Membership.ended_on.is_(None), Membership.ended_on >= first))


def _groups(first: date, last: date) -> list[GroupLine]:
    """Each participant once: by the target group of their latest membership that gives
    one; with the effect of their latest membership that ended in the year."""
    target = (select(Membership.person_id, Membership.target_group, func.row_number().over(
        partition_by=Membership.person_id,
        order_by=(Membership.target_group.is_(None), Membership.joined_on.desc(),
                  Membership.id.desc())).label("turn"))
        .join(Group, Group.id == Membership.group_id)
        .where(_in_year(first, last)).subquery())
    ended = (select(Membership.person_id, Membership.end_effect, func.row_number().over(
        partition_by=Membership.person_id,
        order_by=(Membership.ended_on.desc(), Membership.id.desc())).label("turn"))
        .join(Group, Group.id == Membership.group_id)
        .where(_in_year(first, last), Membership.ended_on.between(first, last)).subquery())
    effect = func.coalesce(ended.c.end_effect, case((ended.c.person_id.is_not(None),
                                                     EndEffect.NOT_RECORDED.value)))
    rows = db.session.execute(
        select(target.c.target_group, effect, func.count())
        .outerjoin(ended, and_(ended.c.person_id == target.c.person_id, ended.c.turn == 1))
        .where(target.c.turn == 1)
        .group_by(target.c.target_group, effect))
    lines = {group: GroupLine(group) for group in TargetGroup}
    for group, end, count in rows:
        line = lines.setdefault(TargetGroup(group) if group else None, GroupLine(None))
        line.participants += count
        if end:
            line.effects[EndEffect(end)] = line.effects.get(EndEffect(end), 0) + count
    return list(lines.values())


def _activities(first: date, last: date) -> list[ActivityLine]:
    """The sessions held, by kind of group and topic, with their attendance."""
    present = (select(Attendance.session_id, func.count().label("present"))
               .where(Attendance.mark == Mark.PRESENT).group_by(Attendance.session_id)
               .subquery())
    rows = db.session.execute(
        select(Group.kind, GroupSession.topic, GroupSession.starts_at, GroupSession.ends_at,
               func.coalesce(present.c.present, 0))
        .join(Group, Group.id == GroupSession.group_id)
        .outerjoin(present, present.c.session_id == GroupSession.id)
        .where(_kis(), _held(first, last)))
    lines: dict[tuple, ActivityLine] = {}
    for kind, topic, starts, ends, came in rows:
        key = (kind, topic.strip())
        line = lines.setdefault(key, ActivityLine(kind, key[1], 0, 0, 0))
        line.sessions += 1
        line.minutes += _minutes(starts, ends)
        line.present += came
    return sorted(lines.values(), key=lambda line: (line.kind.value, -line.sessions,
                                                    line.topic))


def _grants(first: date, last: date) -> list[GrantLine]:
    """The projects linked to the club's groups (confirmed links) running in the year."""
    spent = (select(Expense.project_id, func.sum(Expense.amount_gr).label("spent"))
             .where(Expense.spent_on.between(first, last)).group_by(Expense.project_id)
             .subquery())
    linked = (select(project_groups.c.project_id)
              .join(Group, Group.id == project_groups.c.group_id)
              .where(_kis(), project_groups.c.confirmed.is_(True)))
    rows = db.session.execute(
        select(Project.name, Project.funder, Project.agreement_number, Project.starts_on,
               Project.ends_on, Project.value_gr, func.coalesce(spent.c.spent, 0))
        .outerjoin(spent, spent.c.project_id == Project.id)
        .where(Project.id.in_(linked), Project.starts_on <= last, Project.ends_on >= first)
        .order_by(Project.starts_on, Project.name))
    return [GrantLine(*row) for row in rows]


# Sent ------------------------------------------------------------------------------------

def mark_sent(year: int, sent_on: date, actor, today: date) -> KisReportSent:
    """Record that the year's report went to the voivode (the reminders stop)."""
    if year >= today.year:
        raise DomainError(_("The report of a year is sent once the year is over."),
                          field="sent_on")
    if sent_on > today or sent_on.year <= year:
        raise DomainError(_("The day of sending falls after the year reported and not "
                            "after today."), field="sent_on")
    if db.session.scalar(select(KisReportSent.id).where(KisReportSent.year == year)):
        raise DomainError(_("The report of %(year)d is already marked as sent.", year=year),
                          field="sent_on")
    sent = KisReportSent(year=year, sent_on=sent_on, sent_by_id=actor.id)
    db.session.add(sent)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "kis_report", sent.id,
          detail=f"{year}: sent on {sent_on.isoformat()}")
    return sent


def due_unsent(year: int) -> bool:
    """The club ran in ``year`` (a group of its existed then) and its report is not
    marked as sent: a centre without a club is never reminded."""
    ran = select(Group.id).where(_kis(), Group.starts_on <= date(year, 12, 31),
                                 or_(Group.ends_on.is_(None), Group.ends_on >= date(year, 1, 1)))
    sent = select(KisReportSent.id).where(KisReportSent.year == year)
    return bool(db.session.scalar(select(ran.exists() & ~sent.exists())))

"""Groups, members and the waiting list, sessions from the weekly schedule, and
attendance taken on a tablet.

Rules:
- a leader (or a volunteer who co-leads) sees and changes only the groups they lead;
  coordinators and administrators see every group;
- a group takes members up to its capacity; the others wait, and the first to have
  asked moves up as soon as a place frees; a KIS member who took part is asked at the
  end what they reached (the annual report counts it); someone at the door: door.py;
- sessions come from the weekly schedule for the coming weeks (generating twice adds
  nothing), plus one-off sessions; a cancelled session keeps its reason;
- a mark is set, never toggled blindly: a tap sends the mark it wants, so the same tap
  sent twice leaves the same mark; one row per person and session, and every change
  is kept in the history;
- a leader corrects marks up to CORRECTION_DAYS after the session; a coordinator always.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload

from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.holidays import holiday
from cal.core.models import hold
from cal.core.timeutil import (
    local_day_end_utc,
    local_day_start_utc,
    local_to_utc,
    local_today,
    to_local,
    utcnow,
)
from cal.extensions import db
from cal.people.models import Person
from clubs import notices
from clubs.models import (
    ASKED_EFFECTS,
    Attendance,
    EndEffect,
    Group,
    GroupLeader,
    GroupSession,
    GroupSlot,
    Membership,
    MemberStatus,
    Programme,
    SessionStatus,
)

CORRECTION_DAYS = 7
WEEKS_AHEAD = 4
GROUP_FIELDS = ("name", "kind", "description", "place", "capacity", "starts_on", "ends_on")
KIS_FIELDS = ("target_group", "contract_ref", "period_start", "period_end")


# Who may run a group ------------------------------------------------------------------------

def sees_all(user) -> bool:
    return user.role in (Role.ADMIN, Role.COORDINATOR)


def led_group_ids(user) -> set[int]:
    return set(db.session.scalars(select(GroupLeader.group_id).where(
        GroupLeader.user_id == user.id)))


def _may_run(user, group_id):
    """The condition that ``user`` may run the group of ``group_id`` (a column or a
    value): they see all groups, or they lead it."""
    if sees_all(user):
        return true()
    return select(GroupLeader.id).where(GroupLeader.group_id == group_id,
                                        GroupLeader.user_id == user.id).exists()


def group_for(user, group_id: int) -> Group | None:
    """The group, if this user may run it (None otherwise, as if it did not exist); one
    query."""
    return db.session.scalar(select(Group).where(Group.id == group_id,
                                                 _may_run(user, Group.id)))


def session_for(user, session_id: int) -> GroupSession | None:
    """The session with its group, if this user may run the group (None otherwise);
    one query."""
    return db.session.scalar(select(GroupSession).where(
        GroupSession.id == session_id, _may_run(user, GroupSession.group_id))
        .options(joinedload(GroupSession.group)))


def groups_for(user) -> list[Group]:
    stmt = select(Group).order_by(Group.name)
    if not sees_all(user):
        stmt = stmt.where(Group.id.in_(select(GroupLeader.group_id).where(
            GroupLeader.user_id == user.id)))
    return list(db.session.scalars(stmt))


# Groups -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slot:
    weekday: int
    starts: time
    ends: time


def save_group(group: Group | None, data: dict, slots: list[Slot], leader_ids: list[int],
               actor) -> Group:
    if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        raise DomainError(_("The end cannot be before the start."), field="ends_on")
    for slot in slots:
        if slot.ends <= slot.starts:
            raise DomainError(_("A meeting must end after it starts."), field="slots")
    created = group is None
    if created:
        group = Group()
        db.session.add(group)
    for name in GROUP_FIELDS:
        setattr(group, name, data[name])
    db.session.flush()
    db.session.execute(GroupSlot.__table__.delete().where(GroupSlot.group_id == group.id))
    db.session.add_all(GroupSlot(group_id=group.id, weekday=s.weekday, starts=s.starts,
                                 ends=s.ends) for s in slots)
    db.session.execute(GroupLeader.__table__.delete().where(GroupLeader.group_id == group.id))
    db.session.add_all(GroupLeader(group_id=group.id, user_id=u) for u in dict.fromkeys(
        leader_ids))
    db.session.flush()
    audit(actor, AuditAction.CREATE if created else AuditAction.UPDATE, "group", group.id,
          fields=list(GROUP_FIELDS))
    if not created:
        _drop_stale_sessions(group, slots)
    _fill_places(group, actor, local_today())
    return group


def _drop_stale_sessions(group: Group, slots: list[Slot]) -> None:
    """After the schedule or the dates change: future sessions from the old schedule
    that no longer fit go (cancelled when someone is already marked at them)."""
    for session in db.session.scalars(select(GroupSession).where(
            GroupSession.group_id == group.id, GroupSession.one_off.is_(False),
            GroupSession.starts_at > utcnow())):
        local = to_local(session.planned_at)
        fits = any(s.weekday == local.weekday() and s.starts == local.time().replace(
            tzinfo=None) for s in slots) and local.date() >= group.starts_on and (
            group.ends_on is None or local.date() <= group.ends_on)
        if fits:
            continue
        marked = db.session.scalar(select(func.count()).select_from(Attendance).where(
            Attendance.session_id == session.id))
        if marked:
            session.status = SessionStatus.CANCELLED
            session.cancel_reason = _("The group's schedule changed.")
        else:
            db.session.delete(session)
    db.session.flush()


def slots_of(group: Group) -> list[GroupSlot]:
    return list(db.session.scalars(select(GroupSlot).where(GroupSlot.group_id == group.id)
                                   .order_by(GroupSlot.weekday, GroupSlot.starts)))


def leaders_of(group: Group) -> list[GroupLeader]:
    return list(db.session.scalars(select(GroupLeader).where(GroupLeader.group_id == group.id)
                                   .options(joinedload(GroupLeader.user))))


# Members and the waiting list -------------------------------------------------------------

def members_of(group: Group, statuses=(MemberStatus.ACTIVE, MemberStatus.WAITING)):
    return list(db.session.scalars(
        select(Membership).where(Membership.group_id == group.id,
                                 Membership.status.in_(statuses))
        .options(joinedload(Membership.person))
        .order_by(Membership.status, Membership.asked_at, Membership.id)))


def is_member(group: Group, person: Person) -> bool:
    """An active member of the group (not one waiting for a place, nor one who left)."""
    return bool(db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.group_id == group.id, Membership.person_id == person.id,
        Membership.status == MemberStatus.ACTIVE)))


def enrol(group: Group, person: Person, actor, today: date, kis: dict | None = None,
          guest: bool = False) -> Membership:
    """Take the person in, or put them on the waiting list when the group is full."""
    if db.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.group_id == group.id, Membership.person_id == person.id,
            Membership.status.in_((MemberStatus.ACTIVE, MemberStatus.WAITING)))):
        raise DomainError(_("%(name)s is already in this group or waiting for it.",
                            name=person.full_name))
    kis = {k: v for k, v in (kis or {}).items() if k in KIS_FIELDS}
    if kis.get("period_start") and kis.get("period_end") and (
            kis["period_end"] < kis["period_start"]):
        raise DomainError(_("The end cannot be before the start."), field="period_end")
    hold(group)  # its places
    free = _active_count(group) < group.capacity and not _waiting_count(group)
    membership = Membership(group_id=group.id, person_id=person.id, guest=guest,
                            status=MemberStatus.ACTIVE if free else MemberStatus.WAITING,
                            joined_on=today if free else None, **kis)
    db.session.add(membership)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "membership", membership.id,
          detail=f"group {group.id}: person {person.id} {membership.status.value}")
    return membership


def end_membership(membership: Membership, reason: str, actor, today: date,
                   effect: EndEffect | None = None) -> None:
    """End a membership (or take someone off the waiting list); the first waiting moves
    up into the freed place. ``effect``: what a KIS participant reached (the annual
    report counts it); not given, it stays "not recorded"."""
    if membership.status == MemberStatus.ENDED:
        raise DomainError(_("This membership has already ended."))
    membership.end_effect = effect or EndEffect.NOT_RECORDED
    membership.status = MemberStatus.ENDED
    membership.ended_on = today
    membership.end_reason = reason[:300]
    audit(actor, AuditAction.UPDATE, "membership", membership.id,
          fields=["status", "end_effect"], detail=f"ended: {membership.end_effect.value}")
    db.session.flush()
    _fill_places(db.session.get(Group, membership.group_id), actor, today)


def asked_end_effect(group: Group, membership: Membership, value: str) -> EndEffect | None:
    """The effect the end form gives (``value``): asked of a KIS member who took part,
    not of one taken off the waiting list, nor in a senior class."""
    if group.programme != Programme.KIS or membership.status != MemberStatus.ACTIVE:
        return None
    if value not in {effect.value for effect in ASKED_EFFECTS}:
        raise DomainError(_("Say what the participant reached at the end."),
                          field="end_effect")
    return EndEffect(value)


def _waiting_count(group: Group) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.group_id == group.id, Membership.status == MemberStatus.WAITING))


def _active_count(group: Group) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.group_id == group.id, Membership.status == MemberStatus.ACTIVE))


def _fill_places(group: Group, actor, today: date) -> list[Membership]:
    """Move the waiting list up, first asked first, while there are free places."""
    hold(group)  # its places
    free = group.capacity - _active_count(group)
    if free <= 0:
        return []
    moved = list(db.session.scalars(
        select(Membership).where(Membership.group_id == group.id,
                                 Membership.status == MemberStatus.WAITING)
        .order_by(Membership.asked_at, Membership.id).limit(free)))
    for membership in moved:
        membership.status = MemberStatus.ACTIVE
        membership.joined_on = today
        audit(actor, AuditAction.UPDATE, "membership", membership.id, fields=["status"],
              detail="moved up from the waiting list")
    db.session.flush()
    for membership in moved:
        notices.tell_moved_up(membership)
    return moved


# Sessions ---------------------------------------------------------------------------------

def generate_sessions(group: Group, today: date, weeks: int = WEEKS_AHEAD) -> int:
    """Sessions from the weekly schedule from today for `weeks` weeks (within the
    group's dates), Polish public holidays skipped; those already planned are kept as
    they are. Returns how many."""
    first = max(today, group.starts_on)
    last = today + timedelta(days=7 * weeks)
    if group.ends_on:
        last = min(last, group.ends_on)
    planned = set(db.session.scalars(select(GroupSession.planned_at).where(
        GroupSession.group_id == group.id,
        GroupSession.planned_at >= local_day_start_utc(first))))
    made = 0
    day = first
    slots = slots_of(group)
    while day <= last:
        for slot in slots:
            if slot.weekday != day.weekday() or holiday(day):
                continue  # a Polish public holiday: the centre is closed
            starts = local_to_utc(day, slot.starts)
            if starts in planned:
                continue
            db.session.add(GroupSession(group_id=group.id, planned_at=starts, starts_at=starts,
                                        ends_at=local_to_utc(day, slot.ends)))
            made += 1
        day += timedelta(days=1)
    db.session.flush()
    return made


def add_session(group: Group, day: date, starts: time, ends: time, topic: str) -> GroupSession:
    if ends <= starts:
        raise DomainError(_("A meeting must end after it starts."), field="ends")
    moment = local_to_utc(day, starts)
    if db.session.scalar(select(func.count()).select_from(GroupSession).where(
            GroupSession.group_id == group.id, GroupSession.planned_at == moment)):
        raise DomainError(_("The group already meets at that time."), field="starts")
    session = GroupSession(group_id=group.id, planned_at=moment, starts_at=moment,
                           ends_at=local_to_utc(day, ends), topic=topic, one_off=True)
    db.session.add(session)
    db.session.flush()
    return session


def sessions_of(group: Group, since: datetime, limit: int = 20) -> list[GroupSession]:
    return list(db.session.scalars(
        select(GroupSession).where(GroupSession.group_id == group.id,
                                   GroupSession.ends_at >= since)
        .order_by(GroupSession.starts_at).limit(limit)))


def sessions_on(user, day: date) -> list[GroupSession]:
    """The sessions of a day in the groups this user runs, the earliest first."""
    stmt = (select(GroupSession).where(GroupSession.starts_at >= local_day_start_utc(day),
                                       GroupSession.starts_at <= local_day_end_utc(day))
            .options(joinedload(GroupSession.group)).order_by(GroupSession.starts_at))
    if not sees_all(user):
        stmt = stmt.where(GroupSession.group_id.in_(select(GroupLeader.group_id).where(
            GroupLeader.user_id == user.id)))
    return list(db.session.scalars(stmt))


def cancel_session(session: GroupSession, reason: str, actor,
                   today: date) -> notices.Told:
    """Cancel with the reason, and tell the members (returns who was reached)."""
    if not may_change(actor, session, today):
        raise DomainError(_("Only a coordinator can change a session this far back."))
    if not reason.strip():
        raise DomainError(_("Give the reason; members will see it."), field="reason")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()[:300]
    audit(actor, AuditAction.UPDATE, "group_session", session.id, fields=["status"],
          detail="cancelled")
    return notices.tell_members(session, "session_cancelled")


def move_session(session: GroupSession, day: date, starts: time, ends: time, actor,
                 today: date) -> notices.Told:
    """Move to another day or time, and tell the members (returns who was reached)."""
    if not may_change(actor, session, today) or (
            not sees_all(actor) and day < today - timedelta(days=CORRECTION_DAYS)):
        raise DomainError(_("Only a coordinator can change a session this far back."))
    if session.status == SessionStatus.CANCELLED:
        raise DomainError(_("This session was cancelled."))
    if ends <= starts:
        raise DomainError(_("A meeting must end after it starts."), field="ends")
    was = session.starts_at
    session.starts_at = local_to_utc(day, starts)
    session.ends_at = local_to_utc(day, ends)
    audit(actor, AuditAction.UPDATE, "group_session", session.id, fields=["starts_at"],
          detail="moved")
    if session.starts_at > utcnow():
        return notices.tell_members(session, "session_moved", was=was)
    return notices.Told()


def write_log(session: GroupSession, topic: str, log: str, actor) -> None:
    session.topic = topic.strip()[:200]
    session.log = log.strip()
    audit(actor, AuditAction.UPDATE, "group_session", session.id, fields=["topic", "log"])


def may_mark(user, session: GroupSession, today: date) -> bool:
    """Leaders mark up to CORRECTION_DAYS after the session; coordinators always."""
    day = to_local(session.starts_at).date()
    if session.status == SessionStatus.CANCELLED or day > today:
        return False
    return sees_all(user) or day >= today - timedelta(days=CORRECTION_DAYS)


def may_change(user, session: GroupSession, today: date) -> bool:
    """Moving or cancelling a session: coordinators always, leaders within the window in
    which they may mark it (so no past session's marks can be got round)."""
    day = to_local(session.starts_at).date()
    return sees_all(user) or day >= today - timedelta(days=CORRECTION_DAYS)

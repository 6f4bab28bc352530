"""Groups of the Social Integration Club (KIS) and the Senior Activity Centre (CAS):
leaders, weekly schedule, members and waiting list, sessions and attendance."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.auth.models import User
from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import Person


class GroupKind(enum.StrEnum):
    SUPPORT = "support"
    SELF_HELP = "self_help"
    CLASS = "class"
    LEISURE = "leisure"
    SENIOR_CLASS = "senior_class"


GROUP_KIND_LABELS = {
    GroupKind.SUPPORT: _l("Support group"),
    GroupKind.SELF_HELP: _l("Self-help group"),
    GroupKind.CLASS: _l("Educational class"),
    GroupKind.LEISURE: _l("Leisure"),
    GroupKind.SENIOR_CLASS: _l("Senior class"),
}


class Programme(enum.StrEnum):
    KIS = "kis"  # Klub Integracji Społecznej
    CAS = "cas"  # Centrum Aktywności Seniora


def programme_of(kind: GroupKind) -> Programme:
    return Programme.CAS if kind == GroupKind.SENIOR_CLASS else Programme.KIS


class TargetGroup(enum.StrEnum):
    """The groups of art. 1 ust. 2 of the social employment act (DOMAIN.md 3.1)."""

    HOMELESS = "homeless"
    ADDICTION = "addiction"
    MENTAL = "mental"
    LONG_UNEMPLOYED = "long_unemployed"
    FORMER_PRISONER = "former_prisoner"
    REFUGEE = "refugee"
    DISABILITY = "disability"


TARGET_GROUP_LABELS = {
    TargetGroup.HOMELESS: _l("Homeless, on a programme for leaving homelessness"),
    TargetGroup.ADDICTION: _l("Dependent on alcohol, drugs or other intoxicants"),
    TargetGroup.MENTAL: _l("With mental disorders"),
    TargetGroup.LONG_UNEMPLOYED: _l("Long-term unemployed"),
    TargetGroup.FORMER_PRISONER: _l("Released from prison, with difficulty integrating"),
    TargetGroup.REFUGEE: _l("Refugee on an individual integration programme"),
    TargetGroup.DISABILITY: _l("With a disability"),
}


class EndEffect(enum.StrEnum):
    """What a KIS participant reached when their participation ended (the annual report
    to the voivode, art. 18a: social or vocational reintegration, employment included)."""

    EMPLOYMENT = "employment"
    TRAINING = "training"
    COOPERATIVE = "cooperative"
    OTHER = "other"
    NONE = "none"
    NOT_RECORDED = "not_recorded"


END_EFFECT_LABELS = {
    EndEffect.EMPLOYMENT: _l("Took up work"),
    EndEffect.TRAINING: _l("Began vocational training"),
    EndEffect.COOPERATIVE: _l("Joined a social cooperative"),
    EndEffect.OTHER: _l("Other social or vocational reintegration"),
    EndEffect.NONE: _l("No reintegration effect"),
    EndEffect.NOT_RECORDED: _l("Not recorded"),
}
# The effects that count as reintegration reached (the report's second part).
REINTEGRATION = (EndEffect.EMPLOYMENT, EndEffect.TRAINING, EndEffect.COOPERATIVE,
                 EndEffect.OTHER)
# What the end form offers (an ended membership from before the question was asked
# keeps "not recorded").
ASKED_EFFECTS = (*REINTEGRATION, EndEffect.NONE)


class Group(Versioned, db.Model):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[GroupKind] = mapped_column(enum_column(GroupKind), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=12)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def programme(self) -> Programme:
        return programme_of(self.kind)


class GroupLeader(db.Model):
    """A user who runs a group: a leader, or a volunteer who co-leads it."""

    __tablename__ = "group_leaders"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class GroupSlot(db.Model):
    """One weekly meeting time of a group."""

    __tablename__ = "group_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # 0 = Monday
    starts: Mapped[time]
    ends: Mapped[time]


class MemberStatus(enum.StrEnum):
    ACTIVE = "active"
    WAITING = "waiting"
    ENDED = "ended"


MEMBER_STATUS_LABELS = {
    MemberStatus.ACTIVE: _l("Member"),
    MemberStatus.WAITING: _l("On the waiting list"),
    MemberStatus.ENDED: _l("Ended"),
}


class Membership(db.Model):
    """A person in a group, or waiting for a place (in order of ``asked_at``). For the
    KIS: the target group, the social contract and the individual period."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index("ix_memberships_group_status", "group_id", "status"),
        # One current place (member or waiting) per person and group, however two
        # requests meet.
        Index("uq_memberships_current", "group_id", "person_id", unique=True,
              postgresql_where=text("status IN ('active', 'waiting')"),
              sqlite_where=text("status IN ('active', 'waiting')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[MemberStatus] = mapped_column(enum_column(MemberStatus))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    joined_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(String(300), default="")
    # A KIS participant's effect at the end (set when the membership ends).
    end_effect: Mapped[EndEffect | None] = mapped_column(enum_column(EndEffect))
    target_group: Mapped[TargetGroup | None] = mapped_column(enum_column(TargetGroup))
    contract_ref: Mapped[str] = mapped_column(String(80), default="")
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    guest: Mapped[bool] = mapped_column(default=False)  # came as a walk-in guest

    person: Mapped[Person] = relationship(lazy="raise_on_sql")
    group: Mapped[Group] = relationship(lazy="raise_on_sql")


class SessionStatus(enum.StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


SESSION_STATUS_LABELS = {SessionStatus.PLANNED: _l("Session planned"),
                         SessionStatus.CANCELLED: _l("Session cancelled")}


class GroupSession(db.Model):
    """One meeting of a group: from the schedule, or a one-off."""

    __tablename__ = "group_sessions"
    __table_args__ = (UniqueConstraint("group_id", "planned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    # When the schedule planned it (naive UTC; unique, so generating twice adds nothing),
    # and when it takes place (moved sessions differ).
    planned_at: Mapped[datetime]
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    status: Mapped[SessionStatus] = mapped_column(enum_column(SessionStatus),
                                                  default=SessionStatus.PLANNED)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    log: Mapped[str] = mapped_column(Text, default="")
    one_off: Mapped[bool] = mapped_column(default=False)

    group: Mapped[Group] = relationship(lazy="raise_on_sql")


class Mark(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


MARK_LABELS = {Mark.PRESENT: _l("Present"), Mark.ABSENT: _l("Absent"),
               Mark.EXCUSED: _l("Excused")}
# A tap on someone not yet marked marks them absent (the rest are then marked present
# at once); further taps go on to excused, present, absent.
NEXT_MARK = {None: Mark.ABSENT, Mark.ABSENT: Mark.EXCUSED, Mark.EXCUSED: Mark.PRESENT,
             Mark.PRESENT: Mark.ABSENT}


class Attendance(db.Model):
    """A person's mark at a session; one row per person and session, changed in place
    (the history keeps every change)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    mark: Mapped[Mark] = mapped_column(enum_column(Mark))
    guest: Mapped[bool] = mapped_column(default=False)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceChange(db.Model):
    """Every change of a mark: who, when, from what to what (corrections included)."""

    __tablename__ = "attendance_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    from_mark: Mapped[Mark | None] = mapped_column(enum_column(Mark))
    to_mark: Mapped[Mark] = mapped_column(enum_column(Mark))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

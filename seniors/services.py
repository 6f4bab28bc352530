"""The Senior Activity Centre: members with cards, the week's programme, and the kiosk
where a member checks in with the card number.

Rules:
- one membership per person, with a card number of digits (easy on a keypad and in a
  QR code), never reused;
- health notes are special-category data: only roles that may see them read them, and
  every read is audited (as for people);
- coordinators and administrators keep the registry; a leader reads only the members of
  the centre's classes they lead, with the card number masked and without the emergency
  contact or the card itself;
- a kiosk device is known by a token whose hash alone is kept; it can check members in
  to today's sessions of their groups and do nothing else.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.text import fold
from cal.core.timeutil import local_day_end_utc, local_day_start_utc, to_local, utcnow
from cal.extensions import db
from cal.people import contacts
from cal.people.models import ConsentWay, Person
from cal.people.services import can_see_special
from clubs import attendance
from clubs.models import (
    Group,
    GroupKind,
    GroupLeader,
    GroupSession,
    Mark,
    Membership,
    MemberStatus,
)
from clubs.services import sees_all
from seniors.models import KioskDevice, SeniorMember

MEMBER_FIELDS = ("joined_on", "emergency_name", "emergency_phone", "health_notes", "active")


# Members ----------------------------------------------------------------------------------

def new_card_number() -> str:
    """Six random digits and a Luhn check digit: a mistyped digit is caught, and a
    number guessed at the kiosk almost never belongs to anyone."""
    while True:
        body = str(secrets.randbelow(900_000) + 100_000)
        number = body + str(_luhn_digit(body))
        if not db.session.scalar(select(func.count()).select_from(SeniorMember).where(
                SeniorMember.card_number == number)):
            return number


def _luhn_digit(body: str) -> int:
    total = 0
    for i, char in enumerate(reversed(body)):
        digit = int(char) * (2 if i % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return (10 - total % 10) % 10


def valid_card_number(number: str) -> bool:
    return number.isdigit() and len(number) == 7 and _luhn_digit(number[:-1]) == int(number[-1])


def register(person: Person, data: dict, actor) -> SeniorMember:
    if db.session.scalar(select(func.count()).select_from(SeniorMember).where(
            SeniorMember.person_id == person.id)):
        raise DomainError(_("%(name)s is already a member of the centre.",
                            name=person.full_name))
    member = SeniorMember(person_id=person.id, card_number=new_card_number(),
                          **{k: data[k] for k in MEMBER_FIELDS if k in data})
    db.session.add(member)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "senior_member", member.id,
          fields=[k for k in MEMBER_FIELDS if data.get(k)])
    _consent(person, data, actor)
    return member


def _consent(person: Person, data: dict, actor) -> None:
    """The consent to text messages, asked where the member is registered (for the
    person's number in the registry; refused beside the field without a mobile one)."""
    if "sms_consent" in data:
        contacts.record(person, {"sms": data["sms_consent"]}, ConsentWay.WRITTEN.value, actor)


def update(member: SeniorMember, data: dict, actor) -> None:
    changed = [k for k in MEMBER_FIELDS if k in data and getattr(member, k) != data[k]]
    for name in changed:
        setattr(member, name, data[name])
    if changed:
        audit(actor, AuditAction.UPDATE, "senior_member", member.id, fields=changed)
    _consent(db.session.get(Person, member.person_id), data, actor)


def leads_a_senior_class(user) -> bool:
    """Whether a leader leads a group of the centre (its registry is theirs to read)."""
    return bool(db.session.scalar(select(func.count()).select_from(GroupLeader).join(
        Group, Group.id == GroupLeader.group_id).where(
        GroupLeader.user_id == user.id, Group.kind == GroupKind.SENIOR_CLASS)))


def _reached_by(user):
    """The people whose membership a user may read: every member for coordinators and
    administrators; for a leader, those in (or waiting for) the centre's classes they
    lead, and nobody when they lead none."""
    if sees_all(user):
        return None
    return select(Membership.person_id).join(Group, Group.id == Membership.group_id).where(
        Group.kind == GroupKind.SENIOR_CLASS,
        Membership.status.in_((MemberStatus.ACTIVE, MemberStatus.WAITING)),
        Membership.group_id.in_(select(GroupLeader.group_id).where(
            GroupLeader.user_id == user.id)))


def card_for(member: SeniorMember, user) -> str:
    """The card number as a user is shown it: whole to coordinators and administrators
    (who print the card), its last three digits to a leader (enough to tell a card at
    the door, too few to check in with someone else's)."""
    return member.card_number if sees_all(user) else "••••" + member.card_number[-3:]


def member_of(person: Person) -> SeniorMember | None:
    return db.session.scalar(select(SeniorMember).where(SeniorMember.person_id == person.id))


def get_member(member_id: int, user) -> SeniorMember | None:
    """The member, if the user may read them (None otherwise, as if there were none)."""
    stmt = (select(SeniorMember).where(SeniorMember.id == member_id)
            .options(joinedload(SeniorMember.person)))
    reached = _reached_by(user)
    if reached is not None:
        stmt = stmt.where(SeniorMember.person_id.in_(reached))
    return db.session.scalar(stmt)


def search_members(user, query: str = "", limit: int = 100) -> list[SeniorMember]:
    """The members a user may read (see _reached_by), by name or card number."""
    stmt = (select(SeniorMember).join(Person, Person.id == SeniorMember.person_id)
            .options(joinedload(SeniorMember.person))
            .order_by(Person.last_name, Person.first_name).limit(limit))
    reached = _reached_by(user)
    if reached is not None:
        stmt = stmt.where(SeniorMember.person_id.in_(reached))
    query = query.strip()
    if query.isdigit():
        stmt = stmt.where(SeniorMember.card_number == query)
    elif query:
        stmt = stmt.where(Person.search_name.contains(fold(query)))
    return list(db.session.scalars(stmt))


def read_health_notes(member: SeniorMember, actor) -> str | None:
    """The health notes for roles that may read special-category data (audited)."""
    if not can_see_special(actor):
        return None
    if member.health_notes:
        audit(actor, AuditAction.READ, "senior_member", member.id, fields=["health_notes"])
    return member.health_notes


# The programme of the week -----------------------------------------------------------------

def week_programme(monday: date) -> list[GroupSession]:
    """Every senior class of the week, cancelled ones included (with their reason)."""
    return list(db.session.scalars(
        select(GroupSession).join(Group, Group.id == GroupSession.group_id)
        .where(Group.kind == GroupKind.SENIOR_CLASS,
               GroupSession.starts_at >= local_day_start_utc(monday),
               GroupSession.starts_at <= local_day_end_utc(monday + timedelta(days=6)))
        .options(joinedload(GroupSession.group)).order_by(GroupSession.starts_at)))


# Kiosk --------------------------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_device(name: str, actor) -> tuple[KioskDevice, str]:
    """A new kiosk device and its token (shown once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    device = KioskDevice(name=name.strip()[:80] or _("Kiosk"), token_hash=_hash(token))
    db.session.add(device)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "kiosk_device", device.id)
    return device, token


def activate_device(device: KioskDevice) -> str:
    """The device opened its one-time link: a fresh token for its cookie (the link then
    works no more, as it may sit in logs), audited."""
    token = secrets.token_urlsafe(32)
    device.token_hash = _hash(token)
    audit(None, AuditAction.UPDATE, "kiosk_device", device.id, detail="activated")
    return token


def switch_off_device(device: KioskDevice, actor) -> None:
    device.active = False
    audit(actor, AuditAction.UPDATE, "kiosk_device", device.id, fields=["active"])


def device_for(token: str | None) -> KioskDevice | None:
    if not token:
        return None
    return db.session.scalar(select(KioskDevice).where(KioskDevice.token_hash == _hash(token),
                                                       KioskDevice.active.is_(True)))


def devices() -> list[KioskDevice]:
    return list(db.session.scalars(select(KioskDevice).order_by(KioskDevice.name)))


@dataclass(frozen=True)
class CheckIn:
    """What the kiosk tells the member: their first name and today's sessions, or why
    there is nothing to check in to."""

    first_name: str = ""
    sessions: tuple[tuple[str, object], ...] = ()  # (group name, starts_at)
    problem: str = ""


def check_in(card_number: str, device: KioskDevice, today: date,
             now: datetime | None = None) -> CheckIn:
    """Mark the card's member present at today's sessions of their groups that have not
    ended; a member whose class has ended is told so, not that there is none today."""
    now = now or utcnow()
    card_number = card_number.strip()
    device.last_used_at = utcnow()
    if not valid_card_number(card_number):
        return CheckIn(problem=_("Please check the number on your card and type it again."))
    member = db.session.scalar(
        select(SeniorMember).where(SeniorMember.card_number == card_number,
                                   SeniorMember.active.is_(True))
        .options(joinedload(SeniorMember.person)))
    if member is None:
        return CheckIn(problem=_("We do not know this card number. Please ask at the desk."))
    sessions = list(db.session.scalars(
        select(GroupSession).join(Membership, Membership.group_id == GroupSession.group_id)
        .join(Group, Group.id == GroupSession.group_id)
        .where(Group.kind == GroupKind.SENIOR_CLASS,  # the centre's classes, nothing else
               Membership.person_id == member.person_id,
               Membership.status == MemberStatus.ACTIVE,
               GroupSession.starts_at >= local_day_start_utc(today),
               GroupSession.starts_at <= local_day_end_utc(today))
        .options(joinedload(GroupSession.group)).order_by(GroupSession.starts_at)))
    ended = [s for s in sessions if s.ends_at <= now]
    done = tuple((s.group.name, s.starts_at) for s in sessions
                 if s.ends_at > now
                 and attendance.set_mark(s.id, member.person_id, Mark.PRESENT, None, today))
    if not done and ended:
        last = ended[-1]
        return CheckIn(member.person.first_name, problem=_(
            "Your class today has ended: %(group)s, %(from)s–%(to)s. See you next time!",
            group=last.group.name, **{"from": to_local(last.starts_at).strftime("%H:%M"),
                                      "to": to_local(last.ends_at).strftime("%H:%M")}))
    if not done:
        return CheckIn(member.person.first_name,
                       problem=_("You have no sessions today. See you soon!"))
    return CheckIn(member.person.first_name, done)

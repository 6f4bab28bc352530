"""Volunteers' shifts at events: a coordinator sets the roles and how many people each
needs; an active volunteer takes a shift with one tap on the phone, under the hard rules
of matching (a current agreement; for a role with children the register check and the
criminal-record information; every training required for events valid), and may give it
back until the shift's cut-off. A shift held gives its hours in one tap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from cal.community.models import Event, EventStatus, Shift, ShiftSignup
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.models import hold
from cal.core.timeutil import to_local
from cal.extensions import db
from volunteers.compliance import RECORD_LABELS, in_order, latest_records
from volunteers.hours import services as hours
from volunteers.hours.models import Activity
from volunteers.models import HelpKind, RecordKind, Volunteer, VolunteerStatus
from volunteers.services import records_of
from volunteers.training.services import active_courses, completions_of

SHIFT_FIELDS = ("role", "starts_at", "ends_at", "needed", "with_children", "give_back_hours")
ALWAYS = (RecordKind.AGREEMENT,)
WITH_CHILDREN = (RecordKind.REGISTER_CHECK, RecordKind.CRIMINAL_RECORD)


def add_shift(event: Event, data: dict, actor) -> Shift:
    if data["ends_at"] <= data["starts_at"]:
        raise DomainError(_("The shift must end after it starts."), "end")
    shift = Shift(event_id=event.id, **{name: data[name] for name in SHIFT_FIELDS})
    db.session.add(shift)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "event_shift", shift.id)
    return shift


@dataclass(frozen=True)
class Coverage:
    shift: Shift
    names: list[tuple[int, str]]  # (signup id, the volunteer's name)

    @property
    def missing(self) -> int:
        return max(self.shift.needed - len(self.names), 0)


def coverage(event: Event) -> list[Coverage]:
    """Each shift of the event with who is on it (two queries)."""
    shifts = list(db.session.scalars(select(Shift).where(Shift.event_id == event.id)
                                     .order_by(Shift.starts_at, Shift.id)))
    names: dict[int, list] = {shift.id: [] for shift in shifts}
    for signup_id, shift_id, first, last in db.session.execute(
            select(ShiftSignup.id, ShiftSignup.shift_id, Volunteer.first_name,
                   Volunteer.last_name).join(Volunteer, Volunteer.id == ShiftSignup.volunteer_id)
            .where(ShiftSignup.shift_id.in_(list(names))).order_by(ShiftSignup.id)):
        names[shift_id].append((signup_id, f"{first} {last}"))
    return [Coverage(shift, names[shift.id]) for shift in shifts]


def taken(shift_ids) -> dict[int, int]:
    return dict(db.session.execute(select(ShiftSignup.shift_id, func.count()).where(
        ShiftSignup.shift_id.in_(list(shift_ids))).group_by(ShiftSignup.shift_id)).all())


def open_shifts(now: datetime) -> list[Shift]:
    """The shifts still to come of published events, soonest first, with their events."""
    return list(db.session.scalars(
        select(Shift).join(Event, Event.id == Shift.event_id)
        .where(Event.status == EventStatus.PUBLISHED, Shift.starts_at > now)
        .order_by(Shift.starts_at, Shift.id)))


def signups_of(volunteer: Volunteer) -> list[ShiftSignup]:
    """The volunteer's shifts, soonest first, each signup with its shift (one query)."""
    return list(db.session.scalars(
        select(ShiftSignup).join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.volunteer_id == volunteer.id).order_by(Shift.starts_at)
        .options(contains_eager(ShiftSignup.shift))))


def unlogged_count(volunteer: Volunteer, since: datetime, now: datetime):
    """How many of the volunteer's shifts ended between ``since`` and ``now`` with their
    hours not logged, as a scalar subquery."""
    return (select(func.count()).select_from(ShiftSignup)
            .join(Shift, Shift.id == ShiftSignup.shift_id)
            .where(ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.hour_entry_id.is_(None),
                   Shift.ends_at >= since, Shift.ends_at <= now).scalar_subquery())


def events_of(shifts) -> dict[int, Event]:
    ids = {shift.event_id for shift in shifts}
    return {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))}


def blockers(volunteer: Volunteer, shift: Shift, day: date) -> list[str]:
    """Why the volunteer may not take the shift on ``day`` (the rules of matching)."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        return [_("Only an active volunteer takes shifts.")]
    latest = latest_records(records_of(volunteer))
    needed = ALWAYS + (WITH_CHILDREN if shift.with_children else ())
    missing = [str(RECORD_LABELS[kind]) for kind in needed
               if not in_order(kind, latest.get(kind), day)]
    courses = [c for c in active_courses() if HelpKind.EVENT in c.required_kinds()]
    valid = {c.course_id for c in completions_of(volunteer)
             if c.valid_until is None or c.valid_until >= day}
    missing += [c.name for c in courses if c.id not in valid]
    return [_("Missing or out of date: %(what)s.", what="; ".join(missing))] if missing else []


def take(shift: Shift, volunteer: Volunteer, actor, now: datetime) -> ShiftSignup:
    """Put the volunteer on the shift; refused when it has started, is full, overlaps
    another of their shifts, or a rule blocks them (naming what is missing)."""
    event = db.session.get(Event, shift.event_id)
    if event.status != EventStatus.PUBLISHED or shift.starts_at <= now:
        raise DomainError(_("This shift can no longer be taken."))
    if db.session.scalar(select(ShiftSignup.id).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.volunteer_id == volunteer.id)):
        raise DomainError(_("You are already on this shift."))
    hold(shift)  # two volunteers for its last place: one takes it
    if taken([shift.id]).get(shift.id, 0) >= shift.needed:
        raise DomainError(_("This shift is full."))
    if db.session.scalar(select(ShiftSignup.id).join(Shift, Shift.id == ShiftSignup.shift_id)
                         .where(ShiftSignup.volunteer_id == volunteer.id,
                                Shift.starts_at < shift.ends_at,
                                Shift.ends_at > shift.starts_at)) is not None:
        raise DomainError(_("It overlaps another of your shifts."))
    refused = blockers(volunteer, shift, to_local(shift.starts_at).date())
    if refused:
        raise DomainError(" ".join(refused))
    signup = ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id,
                         created_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except IntegrityError:  # the same tap, twice at the same moment
        raise DomainError(_("You are already on this shift.")) from None
    audit(actor, AuditAction.CREATE, "event_shift_signup", signup.id)
    return signup


def give_back(signup: ShiftSignup, actor, now: datetime, by_staff: bool = False) -> None:
    shift = db.session.get(Shift, signup.shift_id)
    if not by_staff and now > shift.starts_at - timedelta(hours=shift.give_back_hours):
        raise DomainError(_("It is too late to give this shift back: tell the coordinator."))
    audit(actor, AuditAction.DELETE, "event_shift_signup", signup.id)
    db.session.delete(signup)


def log_hours(signup: ShiftSignup, volunteer: Volunteer, now: datetime):
    """The shift's hours as an entry waiting for approval, once."""
    shift = db.session.get(Shift, signup.shift_id)
    if shift.ends_at > now:
        raise DomainError(_("Hours are logged once the shift is over."))
    event = db.session.get(Event, shift.event_id)
    minutes = min(int((shift.ends_at - shift.starts_at).total_seconds() // 60),
                  hours.MAX_MINUTES)
    entry, _new = hours.log_hours(volunteer, f"shift-{signup.id}-{'x' * 16}", {
        "activity": Activity.EVENT, "match_id": None, "session_id": None,
        "help_kind": HelpKind.EVENT, "label": f"{event.title}: {shift.role}"[:200],
        "worked_on": to_local(shift.starts_at).date(), "minutes": minutes, "note": ""},
        again=True)
    signup.hour_entry_id = entry.id
    return entry

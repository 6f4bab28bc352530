"""The rules of duty hours: a duty's rule checked and saved, dates cancelled, slots
booked once, moved and cancelled, the holder's day, and a volunteer's duty logged as
hours.

- a duty ends after it starts, its validity ends after it begins, and its rule gives at
  least one date that is no public holiday; a duty by appointment has at least one slot;
- a slot is booked on a date the duty is held, within its times, not in the past, and
  never twice: a second booking of a slot taken a moment earlier is refused;
- the topic of an appointment is seen by the duty's holder and the coordinators only;
  others see that a slot is taken, never for whom or why;
- a volunteer who holds a duty logs its hours once per date, after it has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from cal.auth.models import User
from cal.core.access import Role, has_role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.models import hold
from cal.core.timeutil import local_day_start_utc, local_to_utc, to_local
from cal.duties import schedule
from cal.duties.models import (
    Appointment,
    AppointmentStatus,
    Duty,
    DutyCancellation,
    DutyKind,
    Frequency,
)
from cal.extensions import db
from volunteers.hours import services as hours
from volunteers.hours.models import Activity, HourEntry
from volunteers.models import HelpKind, Volunteer

DUTY_FIELDS = ("kind", "title", "description", "holder_user_id", "holder_name", "partner_id",
               "place", "frequency", "weekday", "week_of_month", "starts", "ends",
               "valid_from", "valid_until", "by_appointment", "slot_minutes", "booking_phone",
               "booking_note", "active")
AHEAD = 28  # the public page shows the coming four weeks
BOOK_AHEAD = 120  # days ahead a slot may be booked
KEEPERS = (Role.ADMIN, Role.COORDINATOR)
BOOKERS = (Role.ADMIN, Role.COORDINATOR, Role.LEADER)


# --- duties -------------------------------------------------------------------------

def check_rule(duty: Duty, today: date) -> None:
    """Refuse a rule that cannot be held: the field it is about says why."""
    if duty.ends <= duty.starts:
        raise DomainError(_("The end must be later than the start."), field="ends")
    if duty.valid_until is not None and duty.valid_until < duty.valid_from:
        raise DomainError(_("The last day cannot be before the first."), field="valid_until")
    if duty.frequency == Frequency.MONTHLY and not duty.week_of_month:
        raise DomainError(_("Choose which week of the month."), field="week_of_month")
    if duty.by_appointment:
        if not duty.slot_minutes:
            raise DomainError(_("Give the length of a slot."), field="slot_minutes")
        if not schedule.slots(duty):
            raise DomainError(_("Not one slot of this length fits between the start and the "
                                "end."), field="slot_minutes")
    start = duty.valid_from
    end = duty.valid_until or start + timedelta(days=366)
    if not schedule.held_dates(duty, start, end, {}):
        raise DomainError(_("This rule gives no date between the first and the last day "
                            "(or every date it gives is a public holiday)."), field="weekday")


def save_duty(duty: Duty | None, data: dict, actor, today: date) -> Duty:
    new = duty is None
    duty = duty or Duty()
    if data.get("frequency") != Frequency.MONTHLY:
        data = {**data, "week_of_month": None}
    if not data.get("by_appointment"):
        data = {**data, "slot_minutes": None}
    changed = [name for name in DUTY_FIELDS if name in data and getattr(duty, name) != data[name]]
    for name in changed:
        setattr(duty, name, data[name])
    check_rule(duty, today)
    db.session.add(duty)
    db.session.flush()
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "duty", duty.id,
          fields=changed)
    return duty


def get_duty(duty_id: int) -> Duty | None:
    return db.session.scalar(select(Duty).where(Duty.id == duty_id).options(
        joinedload(Duty.holder), joinedload(Duty.partner)))


def all_duties(active_only: bool = False) -> list[Duty]:
    stmt = select(Duty).options(joinedload(Duty.holder), joinedload(Duty.partner)).order_by(
        Duty.weekday, Duty.starts, Duty.title)
    if active_only:
        stmt = stmt.where(Duty.active.is_(True))
    return list(db.session.scalars(stmt))


def cancellations(duty_ids: list[int], start: date, end: date) -> dict[int, dict[date, str]]:
    found: dict[int, dict[date, str]] = {duty_id: {} for duty_id in duty_ids}
    if duty_ids:
        for row in db.session.scalars(select(DutyCancellation).where(
                DutyCancellation.duty_id.in_(duty_ids), DutyCancellation.day >= start,
                DutyCancellation.day <= end)):
            found[row.duty_id][row.day] = row.reason
    return found


@dataclass(frozen=True)
class Coming:
    duty: Duty
    dates: list[schedule.Occurrence]


def coming(today: date, days: int = AHEAD, duties: list[Duty] | None = None) -> list[Coming]:
    """The active duties with their dates in the coming ``days``, those not held with
    the reason; two queries, whatever the number of duties."""
    duties = all_duties(active_only=True) if duties is None else duties
    end = today + timedelta(days=days)
    cancelled = cancellations([d.id for d in duties], today, end)
    found = [Coming(d, schedule.occurrences(d, today, end, cancelled[d.id])) for d in duties]
    return [c for c in found if c.dates]


def occurrence(duty: Duty, day: date) -> schedule.Occurrence | None:
    """The duty's date ``day`` (held or not), or None when its rule gives no such date."""
    dates = schedule.occurrences(duty, day, day, cancellations([duty.id], day, day)[duty.id])
    return dates[0] if dates else None


def cancel_date(duty: Duty, day: date, reason: str, actor, today: date) -> int:
    """The duty is not held on ``day``: the date is cancelled with its reason, and the
    appointments of that date are cancelled and their people told. Returns how many
    appointments were cancelled."""
    hold(duty)  # the same date sent twice at once: the second finds it cancelled
    found = occurrence(duty, day)
    if found is None:
        raise DomainError(_("The duty does not fall on this date."), field="day")
    if day < today:
        raise DomainError(_("The date has passed."), field="day")
    if not found.held:
        raise DomainError(_("This date is not held already: %(reason)s", reason=found.cancelled),
                          field="day")
    db.session.add(DutyCancellation(duty_id=duty.id, day=day, reason=reason,
                                    created_by_id=getattr(actor, "id", None)))
    audit(actor, AuditAction.CREATE, "duty_cancellation", duty.id, detail=day.isoformat())
    booked = appointments_on(duty, day)
    for appointment in booked:
        cancel_appointment(appointment, reason, actor, tell_person=True, duty=duty)
    return len(booked)


def restore_date(duty: Duty, day: date, actor) -> None:
    row = db.session.scalar(select(DutyCancellation).where(
        DutyCancellation.duty_id == duty.id, DutyCancellation.day == day))
    if row is not None:
        audit(actor, AuditAction.DELETE, "duty_cancellation", duty.id, detail=day.isoformat())
        db.session.delete(row)


def cancelled_dates(duty: Duty, today: date) -> list[DutyCancellation]:
    return list(db.session.scalars(select(DutyCancellation).where(
        DutyCancellation.duty_id == duty.id, DutyCancellation.day >= today)
        .order_by(DutyCancellation.day)))


# --- appointments -------------------------------------------------------------------

def appointments_on(duty: Duty, day: date) -> list[Appointment]:
    return list(db.session.scalars(select(Appointment).where(
        Appointment.duty_id == duty.id, Appointment.live.is_(True),
        Appointment.starts_at >= local_day_start_utc(day),
        Appointment.starts_at < local_day_start_utc(day + timedelta(days=1)))
        .options(joinedload(Appointment.person)).order_by(Appointment.starts_at)))


@dataclass(frozen=True)
class Slot:
    start: time
    end: time
    appointment: Appointment | None
    past: bool

    @property
    def free(self) -> bool:
        return self.appointment is None and not self.past


def day_slots(duty: Duty, day: date, now: datetime) -> list[Slot]:
    booked = {to_local(a.starts_at).time(): a for a in appointments_on(duty, day)}
    return [Slot(start, schedule.slot_end(duty, start), booked.get(start),
                 local_to_utc(day, start) <= now) for start in schedule.slots(duty)]


def _check_slot(duty: Duty, day: date, start: time, now: datetime,
                moving: Appointment | None = None) -> datetime:
    if not duty.active or not duty.by_appointment:
        raise DomainError(_("This duty takes no appointments."))
    found = occurrence(duty, day)
    if found is None:
        raise DomainError(_("The duty is not held on this date."), field="day")
    if not found.held:
        raise DomainError(_("The duty is not held on this date: %(reason)s",
                            reason=found.cancelled), field="day")
    if start not in schedule.slots(duty):
        raise DomainError(_("Choose one of the duty's slots, %(from)s–%(to)s.",
                            **{"from": duty.starts.strftime("%H:%M"),
                               "to": duty.ends.strftime("%H:%M")}), field="start")
    starts_at = local_to_utc(day, start)
    if starts_at <= now:
        raise DomainError(_("This slot has passed."), field="start")
    if day > to_local(now).date() + timedelta(days=BOOK_AHEAD):
        raise DomainError(_("Slots can be booked up to %(days)d days ahead.", days=BOOK_AHEAD),
                          field="day")
    taken = db.session.scalar(select(Appointment.id).where(
        Appointment.duty_id == duty.id, Appointment.starts_at == starts_at,
        Appointment.live.is_(True)))
    if taken is not None and (moving is None or taken != moving.id):
        raise DomainError(_("This slot is already taken; choose another."), field="start")
    return starts_at


def _flush_slot() -> None:
    try:
        db.session.flush()
    except IntegrityError:  # booked at the same moment by someone else
        raise DomainError(_("This slot is already taken; choose another."),
                          field="start") from None


def book(duty: Duty, day: date, start: time, data: dict, actor, now: datetime,
         person=None) -> Appointment:
    """Book a slot for a person of the registry or someone known by name and phone."""
    starts_at = _check_slot(duty, day, start, now)
    if person is None and not data.get("name"):
        raise DomainError(_("Give the person's name."), field="name")
    appointment = Appointment(
        duty_id=duty.id, starts_at=starts_at,
        ends_at=local_to_utc(day, schedule.slot_end(duty, start)),
        person_id=person.id if person is not None else None,
        name=person.full_name if person is not None else data["name"],
        phone=(person.phone if person is not None else data.get("phone")) or "",
        sms_consent_at=now if person is None and data.get("sms_consent") else None,
        topic=data.get("topic", ""), booked_by_id=getattr(actor, "id", None))
    db.session.add(appointment)
    _flush_slot()
    audit(actor, AuditAction.CREATE, "appointment", appointment.id)
    return appointment


def move(appointment: Appointment, day: date, start: time, actor, now: datetime) -> None:
    duty = db.session.get(Duty, appointment.duty_id)
    starts_at = _check_slot(duty, day, start, now, moving=appointment)
    appointment.starts_at = starts_at
    appointment.ends_at = local_to_utc(day, schedule.slot_end(duty, start))
    appointment.reminded_at = None
    _flush_slot()
    audit(actor, AuditAction.UPDATE, "appointment", appointment.id, fields=["starts_at"])


def cancel_appointment(appointment: Appointment, reason: str, actor, tell_person: bool = True,
                       duty: Duty | None = None) -> bool:
    """Cancel a booked appointment; the slot is free again. The person is told when
    there is a channel; returns whether they were."""
    if appointment.status != AppointmentStatus.BOOKED:
        return False
    appointment.status = AppointmentStatus.CANCELLED
    appointment.live = None
    appointment.cancel_reason = reason[:200]
    audit(actor, AuditAction.UPDATE, "appointment", appointment.id, fields=["status"])
    if not tell_person:
        return False
    from cal.duties.notices import tell_person as tell  # the notices read this module's rows
    return tell(appointment, duty or db.session.get(Duty, appointment.duty_id), "cancelled")


def get_appointment(appointment_id: int) -> Appointment | None:
    return db.session.scalar(select(Appointment).where(Appointment.id == appointment_id)
                             .options(joinedload(Appointment.duty), joinedload(Appointment.person)))


def may_see_topic(user, duty: Duty) -> bool:
    """The topic and who came: the duty's holder and the coordinators only."""
    return has_role(user, *KEEPERS) or (duty.holder_user_id is not None
                                        and duty.holder_user_id == user.id)


def may_book(user) -> bool:
    return has_role(user, *BOOKERS)


# --- the holder's day ---------------------------------------------------------------

@dataclass(frozen=True)
class HolderDay:
    duty: Duty
    occurrence: schedule.Occurrence
    appointments: list[Appointment]


def holder_days(user, start: date, days: int = 1) -> list[HolderDay]:
    """The duties the user holds from ``start`` for ``days`` days, each date with its
    appointments; three queries."""
    duties = list(db.session.scalars(select(Duty).where(
        Duty.holder_user_id == user.id, Duty.active.is_(True)).options(
        joinedload(Duty.partner)).order_by(Duty.starts)))
    if not duties:
        return []
    end = start + timedelta(days=days - 1)
    cancelled = cancellations([d.id for d in duties], start, end)
    booked: dict[tuple[int, date], list[Appointment]] = {}
    for appointment in db.session.scalars(select(Appointment).where(
            Appointment.duty_id.in_([d.id for d in duties]), Appointment.live.is_(True),
            Appointment.starts_at >= local_day_start_utc(start),
            Appointment.starts_at < local_day_start_utc(end + timedelta(days=1)))
            .options(joinedload(Appointment.person)).order_by(Appointment.starts_at)):
        key = (appointment.duty_id, to_local(appointment.starts_at).date())
        booked.setdefault(key, []).append(appointment)
    found = [HolderDay(d, o, booked.get((d.id, o.day), []))
             for d in duties for o in schedule.occurrences(d, start, end, cancelled[d.id])]
    return sorted(found, key=lambda h: (h.occurrence.day, h.duty.starts))


def holds_duties(user) -> bool:
    return db.session.scalar(select(Duty.id).where(
        Duty.holder_user_id == user.id, Duty.active.is_(True)).limit(1)) is not None


# --- a volunteer's duty as hours ----------------------------------------------------

def hours_key(duty: Duty, day: date) -> str:
    return f"duty-{duty.id}-{day:%Y%m%d}-{'x' * 16}"


def unlogged(volunteer: Volunteer, user, today: date, now: datetime) -> list[HolderDay]:
    """The volunteer's duties held in the last days, ended, whose hours are not logged."""
    start = today - timedelta(days=hours.MAX_DAYS_BACK)
    days = [d for d in holder_days(user, start, hours.MAX_DAYS_BACK + 1)
            if d.occurrence.held and local_to_utc(d.occurrence.day, d.duty.ends) <= now]
    keys = [hours_key(d.duty, d.occurrence.day) for d in days]
    logged = set(db.session.scalars(select(HourEntry.key).where(HourEntry.key.in_(keys)))
                 ) if keys else set()
    return [d for d, key in zip(days, keys, strict=True) if key not in logged]


def log_duty_hours(duty: Duty, day: date, volunteer: Volunteer, now: datetime):
    """The duty's hours on ``day`` as an entry waiting for approval, once."""
    if duty.holder_user_id is None or duty.holder_user_id != volunteer.user_id:
        raise DomainError(_("Only the volunteer who holds the duty logs its hours."))
    found = occurrence(duty, day)
    if found is None or not found.held:
        raise DomainError(_("The duty was not held on this date."))
    if local_to_utc(day, duty.ends) > now:
        raise DomainError(_("Hours are logged once the duty is over."))
    if day < to_local(now).date() - timedelta(days=hours.MAX_DAYS_BACK):
        raise DomainError(_("Hours can be logged up to %(days)d days back; ask your "
                            "coordinator about older ones.", days=hours.MAX_DAYS_BACK))
    minutes = min((datetime.combine(day, duty.ends) - datetime.combine(day, duty.starts))
                  .seconds // 60, hours.MAX_MINUTES)
    entry, _new = hours.log_hours(volunteer, hours_key(duty, day), {
        "activity": Activity.DUTY, "match_id": None, "session_id": None,
        "help_kind": HelpKind.LEGAL if duty.kind == DutyKind.LEGAL else None,
        "label": duty.title[:200], "worked_on": day, "minutes": minutes, "note": ""},
        again=True)
    return entry


# --- choices for the forms ----------------------------------------------------------

def holder_choices() -> list[tuple[int, str]]:
    """Accounts that may hold a duty: staff, leaders and volunteers, active."""
    users = db.session.scalars(select(User).where(
        User.active.is_(True), User.role != Role.PROJECT_MANAGER).order_by(User.full_name))
    return [(u.id, f"{u.full_name} ({u.email})") for u in users]

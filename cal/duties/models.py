"""Duty hours (dyżury), their cancelled dates, and the appointments booked for them.

A duty repeats weekly or monthly at set times and place; Polish public holidays and the
dates cancelled with a reason are skipped. It is open (come in) or by appointment in
slots of a set length. An appointment is of a person of the registry, or of someone
known only by a name and a phone; its topic is seen only by the duty's holder and the
coordinators. A slot is booked once: the live appointments of a duty have their start
as a unique key, and a cancelled one leaves the key (``live`` is NULL).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.partners.models import Partner


class DutyKind(enum.StrEnum):
    LEGAL = "legal"
    PSYCHOLOGIST = "psychologist"
    POLICE = "police"
    PEDAGOGUE = "pedagogue"
    OTHER = "other"


DUTY_KIND_LABELS = {
    DutyKind.LEGAL: _l("Legal advice"),
    DutyKind.PSYCHOLOGIST: _l("Psychologist"),
    DutyKind.POLICE: _l("Police officer"),
    DutyKind.PEDAGOGUE: _l("Pedagogue"),
    DutyKind.OTHER: _l("Other"),
}


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"  # the n-th (or the last) weekday of each month


FREQUENCY_LABELS = {Frequency.WEEKLY: _l("Every week"), Frequency.MONTHLY: _l("Once a month")}
LAST_WEEK = 5  # week_of_month: the last such weekday of the month


class Duty(Versioned, db.Model):
    __tablename__ = "duties"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DutyKind] = mapped_column(enum_column(DutyKind), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Who holds it: an account (a volunteer or a member of staff), who then sees the
    # day's appointments, and/or a name (a partner's representative without one).
    holder_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    holder_name: Mapped[str] = mapped_column(String(120), default="")
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True)
    place: Mapped[str] = mapped_column(String(200))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    weekday: Mapped[int]  # 0 = Monday
    week_of_month: Mapped[int | None]  # 1–4, or LAST_WEEK; monthly only
    starts: Mapped[time]
    ends: Mapped[time]
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    by_appointment: Mapped[bool] = mapped_column(default=False)
    slot_minutes: Mapped[int | None]
    booking_phone: Mapped[str] = mapped_column(String(40), default="")
    booking_note: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    holder = relationship("User", lazy="raise_on_sql")
    partner = relationship(Partner, lazy="raise_on_sql")


class DutyCancellation(db.Model):
    """A date of a duty that does not take place, and why."""

    __tablename__ = "duty_cancellations"
    __table_args__ = (UniqueConstraint("duty_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"))
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


APPOINTMENT_STATUS_LABELS = {AppointmentStatus.BOOKED: _l("Appointment booked"),
                             AppointmentStatus.CANCELLED: _l("Appointment cancelled")}


class Appointment(db.Model):
    __tablename__ = "appointments"
    __table_args__ = (UniqueConstraint("duty_id", "starts_at", "live"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)  # UTC
    ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus), default=AppointmentStatus.BOOKED)
    live: Mapped[bool | None] = mapped_column(default=True)  # NULL once cancelled
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    sms_consent_at: Mapped[datetime | None]
    topic: Mapped[str] = mapped_column(Text, default="")
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    reminded_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    duty = relationship(Duty, lazy="raise_on_sql")
    person = relationship("Person", lazy="raise_on_sql")

"""Community events (Centrum Aktywności Lokalnej): events for children and families,
trips, workshops, prelections and campaigns, and the people registered for them.

A registration is made by a resident on the public page (a name and a phone or an
e-mail: the least a registration needs, RODO art. 5 ust. 1 lit. c) or by staff for a
person of the registry; children are registered by their guardian, each with a first
name, an age and a photo consent of its own.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class EventKind(enum.StrEnum):
    CHILDREN = "children"
    TRIP = "trip"
    HOLIDAYS = "holidays"
    WORKSHOP = "workshop"
    PRELECTION = "prelection"
    CONFERENCE = "conference"
    CAMPAIGN = "campaign"
    INITIATIVE = "initiative"


KIND_LABELS = {
    EventKind.CHILDREN: _l("Event for children"),
    EventKind.TRIP: _l("Trip"),
    EventKind.HOLIDAYS: _l("Holiday programme"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.PRELECTION: _l("Prelection"),
    EventKind.CONFERENCE: _l("Conference"),
    EventKind.CAMPAIGN: _l("Campaign"),
    EventKind.INITIATIVE: _l("Local initiative"),
}


class Audience(enum.StrEnum):
    CHILDREN = "children"  # children of an age range, with their guardians
    FAMILIES = "families"
    SENIORS = "seniors"
    ADULTS = "adults"
    EVERYONE = "everyone"


AUDIENCE_LABELS = {
    Audience.CHILDREN: _l("Children with their guardians"),
    Audience.FAMILIES: _l("Families"),
    Audience.SENIORS: _l("Seniors"),
    Audience.ADULTS: _l("Adults"),
    Audience.EVERYONE: _l("Everyone"),
}


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    HELD = "held"


STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
    EventStatus.HELD: _l("Held"),
}


event_partners = Table(
    "event_partners", db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True,
           index=True))


class Event(Versioned, db.Model):
    """An event; public ones, once published, are on the public calendar."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_calendar", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]  # naive UTC
    place: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[Audience] = mapped_column(enum_column(Audience))
    # For children: the ages a child may have on the day (inclusive).
    age_from: Mapped[int | None]
    age_to: Mapped[int | None]
    public: Mapped[bool] = mapped_column(default=True)
    # Places: children for an event for children, people otherwise; None: no limit.
    capacity: Mapped[int | None]
    # Naive UTC: the start of the first local day of registration, and the end of the
    # last; without an end, registration closes when the event starts.
    registration_from: Mapped[datetime | None]
    registration_until: Mapped[datetime | None]
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus),
                                                default=EventStatus.DRAFT)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def for_children(self) -> bool:
        return self.audience == Audience.CHILDREN


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


REGISTRATION_LABELS = {
    RegistrationStatus.CONFIRMED: _l("Registered"),
    RegistrationStatus.WAITING: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


class Registration(db.Model):
    """One registration: an adult, with the adults and children they bring. ``key`` is
    made with the form, so the same form sent twice is stored once."""

    __tablename__ = "event_registrations"
    __table_args__ = (Index("ix_event_registrations_event", "event_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # Staff register a person of the registry; a resident is kept by name and contact only.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"),
                                                  index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    adults: Mapped[int] = mapped_column(default=1)
    places: Mapped[int] = mapped_column(default=1)  # what it takes of the capacity
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    consent_at: Mapped[datetime | None]
    # The resident asked for text messages about this event (None: not asked, or
    # withdrawn by a STOP reply). The e-mail, when given, is there for the confirmation
    # and the notices of this registration, as the form says beside it.
    sms_consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    # On the day: when the adults of the registration were checked in (children each).
    checked_in_at: Mapped[datetime | None]
    # The day before the event, when the reminder went (once).
    reminded_at: Mapped[datetime | None]
    # Set when the retention sweep blanked the name and the contact.
    anonymised_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(lazy="raise_on_sql")
    children: Mapped[list[RegisteredChild]] = relationship(
        lazy="raise_on_sql", order_by="RegisteredChild.id", cascade="all, delete-orphan")


class RegisteredChild(db.Model):
    """A child registered by their guardian; the photo consent is the child's own."""

    __tablename__ = "event_children"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    age: Mapped[int]
    photo_consent: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None]


class Shift(db.Model):
    """A role at an event that volunteers take themselves ("opieka nad dziećmi
    10:00–12:00", "Mikołaj", "punkt informacyjny"): times and the people needed."""

    __tablename__ = "event_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    role: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime]  # naive UTC
    ends_at: Mapped[datetime]  # naive UTC
    needed: Mapped[int] = mapped_column(default=1)
    # Work with children: the child-safeguarding records are required (as for matching).
    with_children: Mapped[bool] = mapped_column(default=False)
    # A volunteer may give the shift back until this many hours before it starts.
    give_back_hours: Mapped[int] = mapped_column(default=24)

    event: Mapped[Event] = relationship(lazy="raise_on_sql")


class ShiftSignup(db.Model):
    """A volunteer on a shift, who took it (or whom a coordinator put there)."""

    __tablename__ = "event_shift_signups"
    __table_args__ = (UniqueConstraint("shift_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("event_shifts.id", ondelete="CASCADE"),
                                          index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"),
                                              index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The hours entry logged for the shift, once held (one tap, once).
    hour_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("hour_entries.id", ondelete="SET NULL"))

    shift: Mapped[Shift] = relationship(lazy="raise_on_sql")

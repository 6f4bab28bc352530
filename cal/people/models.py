from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class District(db.Model):
    """A district of the town; its centre point (in km on a local grid) gives distances."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    x_km: Mapped[float] = mapped_column(default=0.0)
    y_km: Mapped[float] = mapped_column(default=0.0)


class Household(db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    search_name: Mapped[str] = mapped_column(String(120), index=True, default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    district: Mapped[District | None] = relationship(lazy="raise_on_sql")
    members: Mapped[list[Person]] = relationship(
        back_populates="household", lazy="raise_on_sql", order_by="Person.birth_date"
    )


class Person(Versioned, db.Model):
    """Anyone the centre serves. Health and disability notes are special-category
    data: shown to coordinators and admins only, every read and change audited."""

    __tablename__ = "persons"
    __table_args__ = (Index("ix_persons_search_name_birth_date", "search_name", "birth_date"),
                      Index("ix_persons_may_double", "may_double"))

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    search_name: Mapped[str] = mapped_column(String(170), default="")
    birth_date: Mapped[date | None]
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    health_notes: Mapped[str] = mapped_column(Text, default="")
    disability_notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Set when the personal fields were erased (RODO): the row stays for the counts.
    anonymised_at: Mapped[datetime | None]
    # "sms" or "email": how the person would rather be told (None: whichever reaches).
    preferred_channel: Mapped[str | None] = mapped_column(String(10))
    # May be the same person as an earlier record (cal.people.doubles keeps it).
    may_double: Mapped[bool] = mapped_column(default=False, server_default=false())

    district: Mapped[District | None] = relationship(lazy="raise_on_sql")
    household: Mapped[Household | None] = relationship(
        back_populates="members", lazy="raise_on_sql"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ConsentWay(enum.StrEnum):
    """How a consent to be contacted was given (RODO art. 7(1): the centre must be able
    to show it)."""

    WRITTEN = "written"  # signed on paper
    IN_PERSON = "in_person"  # said at the desk, noted by staff
    PHONE = "phone"
    ONLINE = "online"  # ticked on a form of the platform


CONSENT_WAY_LABELS = {ConsentWay.WRITTEN: _l("signed on paper"),
                      ConsentWay.IN_PERSON: _l("said in person, noted by staff"),
                      ConsentWay.PHONE: _l("on the phone"),
                      ConsentWay.ONLINE: _l("on a form online")}


class ContactConsent(db.Model):
    """A person's consent to be written to on one channel ("sms", "email"): when and
    how it was given, and when and how it was withdrawn. One row per person and channel
    holds the current state; each change is in the audit log."""

    __tablename__ = "contact_consents"
    __table_args__ = (Index("uq_contact_consents_person_channel", "person_id", "channel",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    # The number (E.164) or address the consent was given for: a new number asks again.
    address: Mapped[str] = mapped_column(String(254), default="", index=True)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    way: Mapped[ConsentWay] = mapped_column(enum_column(ConsentWay))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_how: Mapped[str] = mapped_column(String(80), default="")

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class SubjectKind(enum.StrEnum):
    """Whose data a RODO request is about."""

    PERSON = "person"
    VOLUNTEER = "volunteer"
    PARTNER_CONTACT = "partner_contact"  # a partner institution's contact person


SUBJECT_KIND_LABELS = {SubjectKind.PERSON: _l("Person"), SubjectKind.VOLUNTEER: _l("Volunteer"),
                       SubjectKind.PARTNER_CONTACT: _l("Contact person of a partner institution")}


class RequestKind(enum.StrEnum):
    ACCESS = "access"  # art. 15: a copy of everything stored
    ERASURE = "erasure"  # art. 17: anonymised where records must be kept
    RECTIFICATION = "rectification"  # art. 16
    RESTRICTION = "restriction"  # art. 18
    OBJECTION = "objection"  # art. 21


class DataRequestStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    REFUSED = "refused"


DATA_REQUEST_STATUS_LABELS = {DataRequestStatus.OPEN: _l("Request open"),
                              DataRequestStatus.DONE: _l("Request done"),
                              DataRequestStatus.REFUSED: _l("Request refused")}


class DataRequest(db.Model):
    """A data subject's request (RODO art. 15-21): answered within a month of receipt,
    which may be extended by two more months with a reason (art. 12(3))."""

    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind))
    subject_id: Mapped[int] = mapped_column(index=True)
    # The subject's name as it was when the request came: kept after an erasure.
    subject_name: Mapped[str] = mapped_column(String(170))
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    received_on: Mapped[date]
    due_on: Mapped[date] = mapped_column(index=True)
    identity_check: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")
    extension_reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[DataRequestStatus] = mapped_column(
        enum_column(DataRequestStatus), default=DataRequestStatus.OPEN, index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    handled_by = relationship("User", foreign_keys=[handled_by_id], lazy="raise_on_sql")


class RetentionRule(db.Model):
    """How long one type of record is kept (months), as the centre's archivist and data
    protection officer set it; none set means kept until set."""

    __tablename__ = "retention_rules"

    record_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    months: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

"""The Senior Activity Centre's member registry, and the kiosk devices at its door."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import Person


class SeniorMember(db.Model):
    """A member of the centre with a card; health notes are special-category data."""

    __tablename__ = "senior_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           unique=True)
    card_number: Mapped[str] = mapped_column(String(12), unique=True)
    joined_on: Mapped[date]
    emergency_name: Mapped[str] = mapped_column(String(120), default="")
    emergency_phone: Mapped[str] = mapped_column(String(40), default="")
    health_notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(lazy="raise_on_sql")


class KioskDevice(db.Model):
    """A tablet at the entrance; only a hash of its token is kept."""

    __tablename__ = "kiosk_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class Person(db.Model):
    """Anyone the centre serves. Health and disability notes are special-category
    data: shown to coordinators and admins only, every read and change audited."""

    __tablename__ = "persons"
    __table_args__ = (Index("ix_persons_search_name_birth_date", "search_name", "birth_date"),)

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

    district: Mapped[District | None] = relationship(lazy="raise_on_sql")
    household: Mapped[Household | None] = relationship(
        back_populates="members", lazy="raise_on_sql"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(20), index=True)
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[int | None]
    fields: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")

    user = relationship("User", lazy="raise_on_sql")

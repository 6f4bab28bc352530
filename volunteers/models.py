from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.auth.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import District


class VolunteerStatus(enum.StrEnum):
    APPLICANT = "applicant"
    SCREENING = "screening"
    TRAINING = "training"
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


STATUS_LABELS = {
    VolunteerStatus.APPLICANT: _l("Applicant"),
    VolunteerStatus.SCREENING: _l("Screening"),
    VolunteerStatus.TRAINING: _l("Training"),
    VolunteerStatus.ACTIVE: _l("Active"),
    VolunteerStatus.PAUSED: _l("Paused"),
    VolunteerStatus.LEFT: _l("Left"),
}


class Volunteer(db.Model):
    """A volunteer's profile; grows with onboarding, compliance and matching."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    birth_date: Mapped[date | None]
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_column(VolunteerStatus), default=VolunteerStatus.APPLICANT, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    district: Mapped[District | None] = relationship(lazy="raise_on_sql")
    user = relationship("User", lazy="raise_on_sql")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

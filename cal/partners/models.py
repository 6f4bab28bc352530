"""The register of partner institutions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class PartnerKind(enum.StrEnum):
    POLICE = "police"
    COURT = "court"
    SCHOOL = "school"
    HEALTH = "health"
    CULTURE = "culture"
    SPORT = "sport"
    NGO = "ngo"
    CHURCH = "church"
    BUSINESS = "business"
    OTHER = "other"


PARTNER_KIND_LABELS = {
    PartnerKind.POLICE: _l("Police and municipal police"),
    PartnerKind.COURT: _l("Court"),
    PartnerKind.SCHOOL: _l("School"),
    PartnerKind.HEALTH: _l("Health care"),
    PartnerKind.CULTURE: _l("Culture"),
    PartnerKind.SPORT: _l("Sport"),
    PartnerKind.NGO: _l("Association or foundation"),
    PartnerKind.CHURCH: _l("Church or parish"),
    PartnerKind.BUSINESS: _l("Business"),
    PartnerKind.OTHER: _l("Other"),
}


class Partner(Versioned, db.Model):
    """An institution the centre works with, and its cooperation agreement."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    agreement_from: Mapped[date | None]
    agreement_until: Mapped[date | None]
    agreement_note: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Folded words of the name, kind, address and notes: a search typed without Polish
    # letters finds the partner on any database.
    search_text: Mapped[str] = mapped_column(Text, default="")


class PartnerContact(db.Model):
    """A contact person at a partner institution: their work contact data only (RODO
    art. 6(1)(e): the centre's cooperation with the institution; the person is a data
    subject of their own, cal/partners/personal_data.py)."""

    __tablename__ = "partner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"),
                                            index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    position: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # Seen only by those who keep the register (hours to call, who stands in).
    notes: Mapped[str] = mapped_column(String(500), default="")
    anonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class LogKind(enum.StrEnum):
    MEETING = "meeting"
    JOINT_EVENT = "joint_event"
    REFERRAL = "referral"
    OTHER = "other"


LOG_KIND_LABELS = {
    LogKind.MEETING: _l("Meeting"),
    LogKind.JOINT_EVENT: _l("Joint event"),
    LogKind.REFERRAL: _l("Referral"),
    LogKind.OTHER: _l("Other"),
}


class LogEntry(db.Model):
    """One entry of the cooperation log: what was done with the partner, and when."""

    __tablename__ = "partner_log"
    __table_args__ = (Index("ix_partner_log_partner", "partner_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    held_on: Mapped[date]
    kind: Mapped[LogKind] = mapped_column(enum_column(LogKind))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User", lazy="raise_on_sql")

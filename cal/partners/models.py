"""The register of partner institutions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.models import enum_column
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


class Partner(db.Model):
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

"""The directory of help for people with disabilities: public services and institutions
of the town, with their accessibility, kept by the coordinators. It holds no personal
data of clients (DOMAIN.md 6)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class Category(enum.StrEnum):
    REHABILITATION = "rehabilitation"
    THERAPY = "therapy"
    TRANSPORT = "transport"
    ASSISTANCE = "assistance"
    PFRON = "pfron"
    EQUIPMENT = "equipment"
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    SPORT_CULTURE = "sport_culture"
    SUPPORT_GROUPS = "support_groups"
    LEGAL = "legal"


CATEGORY_LABELS = {
    Category.REHABILITATION: _l("Rehabilitation"),
    Category.THERAPY: _l("Therapy"),
    Category.TRANSPORT: _l("Transport"),
    Category.ASSISTANCE: _l("Personal assistance"),
    Category.PFRON: _l("PFRON programmes and benefits"),
    Category.EQUIPMENT: _l("Equipment loans"),
    Category.HOUSING: _l("Housing adaptation"),
    Category.EMPLOYMENT: _l("Employment"),
    Category.EDUCATION: _l("Education and schools"),
    Category.SPORT_CULTURE: _l("Sport and culture"),
    Category.SUPPORT_GROUPS: _l("Support groups"),
    Category.LEGAL: _l("Legal help"),
}

# The accessibility of the place: a column each, in the order the page shows them.
ACCESSIBILITY = {
    "step_free": _l("Step-free entrance"),
    "accessible_toilet": _l("Accessible toilet"),
    "parking": _l("Parking for people with disabilities"),
    "induction_loop": _l("Induction loop"),
    "sign_language": _l("Sign language"),
}


class DirectoryEntry(Versioned, db.Model):
    __tablename__ = "directory_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[Category] = mapped_column(enum_column(Category, length=30), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    hours: Mapped[str] = mapped_column(String(300), default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[str] = mapped_column(String(200), default="")
    step_free: Mapped[bool] = mapped_column(default=False)
    accessible_toilet: Mapped[bool] = mapped_column(default=False)
    parking: Mapped[bool] = mapped_column(default=False)
    induction_loop: Mapped[bool] = mapped_column(default=False)
    sign_language: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(300), default="")
    checked_on: Mapped[date]
    # Folded words of the name, description, eligibility and address: a search typed
    # without Polish letters finds them on any database.
    search_text: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    district = relationship("District", lazy="raise_on_sql")

    @property
    def accessibility(self) -> list[str]:
        return [name for name in ACCESSIBILITY if getattr(self, name)]

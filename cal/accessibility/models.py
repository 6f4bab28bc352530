"""The accessibility statement: one record, kept by an administrator. Its contact is a
post and its public e-mail and phone, published by law: no client's data."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class Compliance(enum.StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


COMPLIANCE_LABELS = {
    Compliance.FULL: _l("fully compliant"),
    Compliance.PARTIAL: _l("partially compliant"),
    Compliance.NONE: _l("not compliant"),
}


class Assessment(enum.StrEnum):
    SELF = "self"
    EXTERNAL = "external"


ASSESSMENT_LABELS = {
    Assessment.SELF: _l("a self-assessment by the centre"),
    Assessment.EXTERNAL: _l("an audit by an outside body"),
}


class AccessibilityStatement(db.Model):
    __tablename__ = "accessibility_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    published_on: Mapped[date]  # the website's publication
    updated_on: Mapped[date]  # its last significant update
    prepared_on: Mapped[date]  # the statement's preparation
    reviewed_on: Mapped[date]  # its last review (by 31 March every year)
    compliance: Mapped[Compliance] = mapped_column(enum_column(Compliance))
    barriers: Mapped[str] = mapped_column(Text, default="")  # one a line
    exclusions: Mapped[str] = mapped_column(Text, default="")  # one a line
    alternative: Mapped[str] = mapped_column(Text, default="")
    assessment: Mapped[Assessment] = mapped_column(enum_column(Assessment))
    auditor: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200))  # a post, or the person holding it
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40))
    complaints_to: Mapped[str] = mapped_column(String(300))
    building: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in (getattr(self, name) or "").splitlines()
                if line.strip()]

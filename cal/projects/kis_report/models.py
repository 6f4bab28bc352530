"""That a year's KIS report was sent to the voivode: the reminder stops then."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.timeutil import utcnow
from cal.extensions import db


class KisReportSent(db.Model):
    __tablename__ = "kis_reports_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    sent_on: Mapped[date]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

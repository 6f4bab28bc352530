"""The register of in-kind gifts. Values are kept in grosze (integers)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class UsedFor(enum.StrEnum):
    """What a gift went to; an event, a group and a family name the record they are."""

    GENERAL = "general"
    EVENT = "event"
    GROUP = "group"
    HOUSEHOLD = "household"


USED_FOR_LABELS = {UsedFor.GENERAL: _l("The centre's everyday work"),
                   UsedFor.EVENT: _l("An event"), UsedFor.GROUP: _l("A group"),
                   UsedFor.HOUSEHOLD: _l("A family")}


class Gift(Versioned, db.Model):
    __tablename__ = "gifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_on: Mapped[date] = mapped_column(index=True)
    donor: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(default=1)
    unit: Mapped[str] = mapped_column(String(40), default="")
    value_gr: Mapped[int] = mapped_column(BigInteger, default=0)  # estimated, grosze
    used_for: Mapped[UsedFor] = mapped_column(enum_column(UsedFor), default=UsedFor.GENERAL)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"),
                                                 index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"),
                                                 index=True)
    # A family as the recipient is personal data (personal_data.py: export, erasure and
    # retention blank this link; the gift and its value stay for the year's figures).
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

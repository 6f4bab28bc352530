"""The outbox of notifications: every reminder or message is written here first and
delivered later, once (the dedup key is unique in the database)."""

from __future__ import annotations

import enum
from datetime import datetime, time

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class Channel(enum.StrEnum):
    EMAIL = "email"
    INAPP = "inapp"


class Notification(db.Model):
    __tablename__ = "notifications"
    # The header counts a user's unread in-app notifications on every page: this index
    # holds the count's whole condition (and serves lookups by user).
    __table_args__ = (Index("ix_notifications_unread", "user_id", "channel", "read_at",
                            "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.INAPP)
    kind: Mapped[str] = mapped_column(String(40))
    # What it is about, e.g. "match:12"; with the kind and the due day it makes the key.
    subject: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    due_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    # Set by the one delivery that took the row; a claim older than CLAIM_TIMEOUT is
    # taken to have died with its worker and may be taken again.
    claimed_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeed(db.Model):
    """A user's secret calendar address; only a hash of its token is kept."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationSettings(db.Model):
    """What a user wants to be told, and how: channels and kinds they turned off, and
    quiet hours (local time, may span midnight) during which nothing is delivered.
    No row means the defaults: everything on, no quiet hours."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
    inapp: Mapped[bool] = mapped_column(default=True)
    # Kinds turned off, separated by spaces.
    muted: Mapped[str] = mapped_column(String(400), default="")
    quiet_from: Mapped[time | None]
    quiet_until: Mapped[time | None]

"""The outbox of notifications: every reminder or message is written here first and
delivered later, once (the dedup key is unique in the database)."""

from __future__ import annotations

import enum
from datetime import datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db


class Channel(enum.StrEnum):
    EMAIL = "email"
    INAPP = "inapp"
    SMS = "sms"


CHANNEL_LABELS = {Channel.EMAIL: _l("E-mail"), Channel.INAPP: _l("In the platform"),
                  Channel.SMS: _l("Text message")}


class Notification(db.Model):
    __tablename__ = "notifications"
    # The header counts a user's unread in-app notifications on every page: this index
    # holds the count's whole condition (and serves lookups by user).
    __table_args__ = (Index("ix_notifications_unread", "user_id", "channel", "read_at",
                            "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whom it is for: a user, a person of the registry, or someone a room keeps the
    # contact of (``contact``: "registration:12"); the address is read when it is sent,
    # so a consent withdrawn in between is kept.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    contact: Mapped[str] = mapped_column(String(40), default="")
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True)
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
    # A text message: the gateway's id of it, and its last delivery report.
    provider_ref: Mapped[str] = mapped_column(String(64), default="", index=True)
    report: Mapped[str] = mapped_column(String(20), default="")
    report_at: Mapped[datetime | None]
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def waits_until(self) -> datetime | None:
        """The time a row not sent yet waits for (quiet hours), if it is still to come."""
        return self.due_at if self.sent_at is None and self.due_at > utcnow() else None

    @property
    def state(self) -> str:
        """Where it stands, as the delivery list shows it (notifications/_delivery.html)."""
        if self.sent_at is None:
            return "sending" if self.claimed_at is not None else "waiting"
        if self.last_error:
            return ("no_consent" if self.last_error.startswith("no consent")
                    else "no_gateway" if self.last_error.startswith("text messages are not")
                    else "turned_off" if self.last_error == "turned off" else "refused")
        if self.channel == Channel.SMS:
            return {"delivered": "delivered", "undelivered": "not_delivered",
                    "expired": "not_delivered", "failed": "not_delivered",
                    "rejected": "not_delivered"}.get(self.report, "handed_on")
        if self.channel == Channel.INAPP:
            return "read" if self.read_at is not None else "unread"
        return "sent"


class Message(db.Model):
    """A message staff wrote to a group of people (a group's members, an event's
    registrants, the volunteers on its shifts...): one outbox row per recipient."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    # The audience as declared by a room ("group", "event_registrants"...) and its record.
    audience: Mapped[str] = mapped_column(String(40))
    audience_ref: Mapped[int | None]
    audience_label: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    author = relationship("User", lazy="raise_on_sql")


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

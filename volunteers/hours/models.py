"""Hours a volunteer gave, as logged, and their approval."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from volunteers.models import HelpKind, Volunteer
from volunteers.needs.models import Match
from volunteers.training.models import TrainingSession


class Activity(enum.StrEnum):
    """What an hour was given to."""

    MATCH = "match"        # helping the person or family of a match
    TRAINING = "training"  # a training session the volunteer attended
    GROUP = "group"        # a group session (club, senior centre)
    EVENT = "event"        # an event or a one-off action
    DUTY = "duty"          # a duty hour the volunteer held (legal advice, say)


ACTIVITY_LABELS = {
    Activity.MATCH: _l("Help for a family"),
    Activity.TRAINING: _l("Training"),
    Activity.GROUP: _l("Group session"),
    Activity.EVENT: _l("Event or action"),
    Activity.DUTY: _l("Duty hours"),
}


class EntryStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


ENTRY_STATUS_LABELS = {
    EntryStatus.PENDING: _l("Waiting for approval"),
    EntryStatus.APPROVED: _l("Approved"),
    EntryStatus.REJECTED: _l("Rejected"),
}


class HourEntry(db.Model):
    """Time a volunteer gave, as they logged it; counted once approved.

    ``key`` is made on the phone for each form, so the same entry sent again (a
    double tap, a retry after the network came back) is stored once.
    """

    __tablename__ = "hour_entries"
    __table_args__ = (
        Index("ix_hour_entries_volunteer_day", "volunteer_id", "worked_on"),
        # A volunteer's entries of one status by day: the first approved day (where a
        # certificate starts) is the index's first entry, not a walk through every
        # approved entry of the centre.
        Index("ix_hour_entries_volunteer_status", "volunteer_id", "status", "worked_on"),
        # The approval queue: waiting entries, oldest day first, read in index order.
        Index("ix_hour_entries_queue", "status", "worked_on", "volunteer_id", "id"),
        # The year's report: the approved minutes by day and activity read from the index
        # alone, and whether a volunteer gave any hours in a year, one look each.
        Index("ix_hour_entries_figures", "status", "worked_on", "activity", "minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64), unique=True)
    activity: Mapped[Activity] = mapped_column(enum_column(Activity))
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="SET NULL"), index=True)
    help_kind: Mapped[HelpKind | None] = mapped_column(enum_column(HelpKind))
    label: Mapped[str] = mapped_column(String(200), default="")
    worked_on: Mapped[date] = mapped_column(index=True)
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus), default=EntryStatus.PENDING, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    reject_reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    volunteer: Mapped[Volunteer] = relationship(lazy="raise_on_sql")
    match: Mapped[Match | None] = relationship(lazy="raise_on_sql")
    session: Mapped[TrainingSession | None] = relationship(lazy="raise_on_sql")
    # Whom the help was for, or the training's name, read with the entry by the lists
    # that show it (volunteers.hours.services.WHAT_IT_WAS_FOR); None when not read.
    what_for: Mapped[str | None] = query_expression()

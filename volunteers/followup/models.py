"""The follow-up of a match: contacts logged by the coordinators, check-ins with the
family's voice, the date of the next check-in, and the interval of check-ins per kind
of help."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from volunteers.models import HelpKind


class ContactKind(enum.StrEnum):
    FAMILY_CALL = "family_call"
    VISIT = "visit"
    VOLUNTEER_TALK = "volunteer_talk"
    OTHER = "other"


CONTACT_KIND_LABELS = {
    ContactKind.FAMILY_CALL: _l("A call with the family"),
    ContactKind.VISIT: _l("A visit"),
    ContactKind.VOLUNTEER_TALK: _l("A talk with the volunteer"),
    ContactKind.OTHER: _l("Other contact"),
}


class Voice(enum.StrEnum):
    """How the family sees the help, in their own answer at a check-in."""

    SATISFIED = "satisfied"
    PARTLY = "partly"
    NOT_SATISFIED = "not_satisfied"


VOICE_LABELS = {
    Voice.SATISFIED: _l("Satisfied"),
    Voice.PARTLY: _l("Partly satisfied"),
    Voice.NOT_SATISFIED: _l("Not satisfied"),
}


class MatchContact(db.Model):
    """A contact about a match: with whom, on which day, who made it, a short note."""

    __tablename__ = "match_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[ContactKind] = mapped_column(enum_column(ContactKind))
    happened_on: Mapped[date] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by_user = relationship("User", lazy="raise_on_sql")


class CheckIn(db.Model):
    """A planned check-in held with the family: their voice and what they would change."""

    __tablename__ = "match_check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"),
                                          index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    due_on: Mapped[date | None]  # the check-in it answered, as it was planned
    voice: Mapped[Voice] = mapped_column(enum_column(Voice))
    to_change: Mapped[str] = mapped_column(Text, default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by_user = relationship("User", lazy="raise_on_sql")


class NextCheckIn(db.Model):
    """The day of a match's next check-in, once one has been held (before that it is
    the start of the match and FIRST_CHECK_IN, services.py)."""

    __tablename__ = "match_next_check_ins"

    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"),
                                          primary_key=True)
    due_on: Mapped[date] = mapped_column(index=True)


class CheckInInterval(db.Model):
    """How many days between check-ins for a kind of help (DEFAULT_INTERVAL when unset)."""

    __tablename__ = "check_in_intervals"

    kind: Mapped[HelpKind] = mapped_column(enum_column(HelpKind), primary_key=True)
    days: Mapped[int]

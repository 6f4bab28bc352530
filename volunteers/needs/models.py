"""Help requests of a person or a household, and the matches of volunteers to them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import District
from volunteers.models import HelpKind, Volunteer
from volunteers.needs.visit_models import VisitTime


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    PROPOSED = "proposed"
    MATCHED = "matched"
    CLOSED = "closed"


REQUEST_STATUS_LABELS = {
    RequestStatus.OPEN: _l("Open"),
    RequestStatus.PROPOSED: _l("Proposed"),
    RequestStatus.MATCHED: _l("Matched"),
    RequestStatus.CLOSED: _l("Closed"),
}
# The kinds of help a request can be for (clubs and events are not requests).
REQUEST_KINDS = (HelpKind.TUTORING, HelpKind.DISABILITY, HelpKind.SENIOR)
PRIORITY_LABELS = {1: _l("Urgent"), 2: _l("Normal"), 3: _l("Can wait")}


class HelpRequest(Versioned, db.Model):
    """A need of a person or a household that a volunteer could meet."""

    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[HelpKind] = mapped_column(enum_column(HelpKind), index=True)
    subject: Mapped[str] = mapped_column(String(40), default="")
    grade: Mapped[int | None]
    goal: Mapped[str] = mapped_column(Text, default="")
    tasks: Mapped[str] = mapped_column(String(300), default="")
    slots: Mapped[int] = mapped_column(BigInteger, default=0)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    priority: Mapped[int] = mapped_column(default=2)
    referred_by: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus), default=RequestStatus.OPEN, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str] = mapped_column(String(300), default="")

    person = relationship("Person", lazy="raise_on_sql")
    household = relationship("Household", lazy="raise_on_sql")
    district: Mapped[District | None] = relationship(lazy="raise_on_sql")

    def task_set(self) -> set[str]:
        return {t for t in (self.tasks or "").split(",") if t}


class MatchStatus(enum.StrEnum):
    PROPOSED = "proposed"
    DECLINED = "declined"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    WITHDRAWN = "withdrawn"


MATCH_STATUS_LABELS = {
    MatchStatus.PROPOSED: _l("Proposed"),
    MatchStatus.DECLINED: _l("Declined"),
    MatchStatus.ACTIVE: _l("Active"),
    MatchStatus.PAUSED: _l("Paused"),
    MatchStatus.ENDED: _l("Ended"),
    MatchStatus.WITHDRAWN: _l("Withdrawn"),
}


class EndCause(enum.StrEnum):
    """Why a match ended, as the coordinator records it (the note says more)."""

    GOAL_REACHED = "goal_reached"
    FAMILY_WITHDREW = "family_withdrew"
    VOLUNTEER_WITHDREW = "volunteer_withdrew"
    NO_CONTACT = "no_contact"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


END_CAUSE_LABELS = {
    EndCause.GOAL_REACHED: _l("The goal was reached"),
    EndCause.FAMILY_WITHDREW: _l("The family withdrew"),
    EndCause.VOLUNTEER_WITHDREW: _l("The volunteer withdrew"),
    EndCause.NO_CONTACT: _l("No contact"),
    EndCause.MOVED_AWAY: _l("Moved away"),
    EndCause.OTHER: _l("Other reason"),
}
# A match that takes one of the volunteer's places.
LIVE_MATCH = (MatchStatus.ACTIVE, MatchStatus.PAUSED)
# A match that has not ended: a volunteer or a person with one cannot be erased yet.
NOT_ENDED = (MatchStatus.PROPOSED, *LIVE_MATCH)


class Match(db.Model):
    """A volunteer helping with a request: proposed, then accepted (active) or declined."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[MatchStatus] = mapped_column(
        enum_column(MatchStatus), default=MatchStatus.PROPOSED, index=True
    )
    # Proposals to several volunteers in turn: the lower runs first.
    turn: Mapped[int] = mapped_column(default=1)
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[str] = mapped_column(Text, default="")
    schedule: Mapped[int] = mapped_column(BigInteger, default=0)
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    answer_note: Mapped[str] = mapped_column(String(300), default="")
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(String(300), default="")
    end_cause: Mapped[EndCause | None] = mapped_column(enum_column(EndCause))

    request: Mapped[HelpRequest] = relationship(lazy="raise_on_sql")
    volunteer: Mapped[Volunteer] = relationship(lazy="raise_on_sql")
    # the weekly times agreed with the family (visits.py); none: the computed schedule
    visit_times: Mapped[list[VisitTime]] = relationship(
        lazy="raise_on_sql", passive_deletes=True,
        order_by=(VisitTime.weekday, VisitTime.starts))


class MatchEvent(db.Model):
    """The history of a match: who changed what, when and why."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"),
                                          index=True)
    to_status: Mapped[MatchStatus] = mapped_column(enum_column(MatchStatus))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")

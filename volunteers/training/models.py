"""Courses, their sessions, the volunteers enrolled and the completions they hold."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.timeutil import utcnow
from cal.extensions import db
from volunteers.models import HelpKind, Volunteer


class TrainingCourse(db.Model):
    """A course; required for the kinds of help it names, valid for some months."""

    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Kinds of help (HelpKind values, comma-separated) whose volunteers must hold it.
    required_for: Mapped[str] = mapped_column(String(100), default="")
    # None: a completion never expires.
    validity_months: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def required_kinds(self) -> set[HelpKind]:
        return {HelpKind(k) for k in self.required_for.split(",") if k}


class TrainingSession(db.Model):
    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("training_courses.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(index=True)  # naive UTC
    place: Mapped[str] = mapped_column(String(200), default="")
    trainer: Mapped[str] = mapped_column(String(120), default="")
    capacity: Mapped[int] = mapped_column(default=20)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[TrainingCourse] = relationship(lazy="raise_on_sql")


class TrainingEnrolment(db.Model):
    """A volunteer's place at a session; ``attended`` is None until recorded."""

    __tablename__ = "training_enrolments"
    __table_args__ = (UniqueConstraint("session_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    attended: Mapped[bool | None]
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[TrainingSession] = relationship(lazy="raise_on_sql")
    volunteer: Mapped[Volunteer] = relationship(lazy="raise_on_sql")


class TrainingCompletion(db.Model):
    """A course completed by a volunteer (at one of our sessions or recorded by hand)."""

    __tablename__ = "training_completions"
    __table_args__ = (UniqueConstraint("session_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("training_courses.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="SET NULL")
    )
    completed_on: Mapped[date]
    valid_until: Mapped[date | None] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    course: Mapped[TrainingCourse] = relationship(lazy="raise_on_sql")
    volunteer: Mapped[Volunteer] = relationship(lazy="raise_on_sql")

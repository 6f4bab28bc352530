from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import enum_column
from cal.core.text import fold
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import District


class VolunteerStatus(enum.StrEnum):
    APPLICANT = "applicant"
    SCREENING = "screening"
    TRAINING = "training"
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


STATUS_LABELS = {
    VolunteerStatus.APPLICANT: _l("Applicant"),
    VolunteerStatus.SCREENING: _l("Screening"),
    VolunteerStatus.TRAINING: _l("Training"),
    VolunteerStatus.ACTIVE: _l("Active"),
    VolunteerStatus.PAUSED: _l("Paused"),
    VolunteerStatus.LEFT: _l("Left"),
}


class HelpKind(enum.StrEnum):
    TUTORING = "tutoring"
    DISABILITY = "disability"
    SENIOR = "senior"
    CLUB = "club"
    EVENT = "event"


HELP_KIND_LABELS = {
    HelpKind.TUTORING: _l("Tutoring children"),
    HelpKind.DISABILITY: _l("Help for people with disabilities"),
    HelpKind.SENIOR: _l("Help for seniors"),
    HelpKind.CLUB: _l("Social Integration Club and senior classes"),
    HelpKind.EVENT: _l("Events"),
}


class Volunteer(db.Model):
    """A volunteer: contact, what they offer, when, and where they are in the pipeline."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    # "last first", folded (cal.core.text.fold): kept by _fold_name below, on every write.
    search_name: Mapped[str] = mapped_column(String(170), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    birth_date: Mapped[date | None]
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_column(VolunteerStatus), default=VolunteerStatus.APPLICANT, index=True
    )
    # What they offer: kinds of help, subjects with a grade range, tasks, languages.
    help_kinds: Mapped[str] = mapped_column(String(100), default="")
    subjects: Mapped[str] = mapped_column(String(300), default="")
    grade_from: Mapped[int | None]
    grade_to: Mapped[int | None]
    tasks: Mapped[str] = mapped_column(String(300), default="")
    languages: Mapped[str] = mapped_column(String(100), default="pl")
    # Weekly availability: bit (day * BLOCKS_PER_DAY + block) set when free.
    availability: Mapped[int] = mapped_column(BigInteger, default=0)
    capacity: Mapped[int] = mapped_column(default=2)
    works_with_children: Mapped[bool] = mapped_column(default=False)
    sees_personal_data: Mapped[bool] = mapped_column(default=True)
    lived_abroad: Mapped[bool] = mapped_column(default=False)
    heard_from: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime | None]
    application_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]
    # Set when the personal fields were erased (RODO): the row stays for the hours.
    anonymised_at: Mapped[datetime | None]

    district: Mapped[District | None] = relationship(lazy="raise_on_sql")
    user = relationship("User", lazy="raise_on_sql")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def kinds(self) -> set[HelpKind]:
        return {HelpKind(k) for k in (self.help_kinds or "").split(",") if k}


class StatusChange(db.Model):
    """The history of a volunteer's stages; kept when they leave."""

    __tablename__ = "volunteer_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[VolunteerStatus | None] = mapped_column(enum_column(VolunteerStatus))
    to_status: Mapped[VolunteerStatus] = mapped_column(enum_column(VolunteerStatus))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(300), default="")

    by_user = relationship("User", lazy="raise_on_sql")


class RecordKind(enum.StrEnum):
    AGREEMENT = "agreement"
    RISK_INFO = "risk_info"
    RIGHTS_INFO = "rights_info"
    INSURANCE = "insurance"
    COST_WAIVER = "cost_waiver"
    REGISTER_CHECK = "register_check"
    CRIMINAL_RECORD = "criminal_record"
    FOREIGN_RECORDS = "foreign_records"
    CHILD_STANDARDS = "child_standards"
    GUARDIAN_CONSENT = "guardian_consent"
    CONFIDENTIALITY = "confidentiality"
    DATA_AUTHORISATION = "data_authorisation"


class CheckResult(enum.StrEnum):
    CLEAR = "clear"
    ENTRY_FOUND = "entry_found"


class ComplianceRecord(db.Model):
    """One legal record of a volunteer (agreement, check, consent…). The newest of a
    kind counts; older ones stay as history."""

    __tablename__ = "compliance_records"
    __table_args__ = (Index("ix_compliance_records_volunteer_kind", "volunteer_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    kind: Mapped[RecordKind] = mapped_column(enum_column(RecordKind, length=30))
    done_on: Mapped[date]
    valid_until: Mapped[date | None] = mapped_column(index=True)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    result: Mapped[CheckResult | None] = mapped_column(enum_column(CheckResult))
    scope: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    terms: Mapped[str] = mapped_column(Text, default="")
    checked_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DocumentKind(enum.StrEnum):
    AGREEMENT = "agreement"
    INFO_SHEET = "info_sheet"
    COST_WAIVER = "cost_waiver"
    CONFIDENTIALITY = "confidentiality"
    CERTIFICATE = "certificate"
    OPINION = "opinion"
    TRAINING_CERTIFICATE = "training_certificate"


class VolunteerDocument(db.Model):
    """A PDF issued to a volunteer, kept as issued so it can be printed again."""

    __tablename__ = "volunteer_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, length=30))
    issued_on: Mapped[date]
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    # What the document says beyond the volunteer's data (scope, opinion text...).
    body: Mapped[str] = mapped_column(Text, default="")
    # A training certificate names its completion, so it is issued once.
    completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_completions.id", ondelete="SET NULL"), index=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User", lazy="raise_on_sql")


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


class HelpRequest(db.Model):
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
# A match that takes one of the volunteer's places.
LIVE_MATCH = (MatchStatus.ACTIVE, MatchStatus.PAUSED)


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

    request: Mapped[HelpRequest] = relationship(lazy="raise_on_sql")
    volunteer: Mapped[Volunteer] = relationship(lazy="raise_on_sql")


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


class Activity(enum.StrEnum):
    """What an hour was given to."""

    MATCH = "match"        # helping the person or family of a match
    TRAINING = "training"  # a training session the volunteer attended
    GROUP = "group"        # a group session (club, senior centre)
    EVENT = "event"        # an event or a one-off action


ACTIVITY_LABELS = {
    Activity.MATCH: _l("Help for a family"),
    Activity.TRAINING: _l("Training"),
    Activity.GROUP: _l("Group session"),
    Activity.EVENT: _l("Event or action"),
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
        # The approval queue: waiting entries, oldest day first, read in index order.
        Index("ix_hour_entries_queue", "status", "worked_on", "volunteer_id", "id"),
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


@event.listens_for(Volunteer, "before_insert")
@event.listens_for(Volunteer, "before_update")
def _fold_name(_mapper, _connection, volunteer: Volunteer) -> None:
    """The volunteer's name as search finds it: a name typed without Polish letters
    ("dabrowska") finds Dąbrowska, on SQLite as on PostgreSQL."""
    volunteer.search_name = fold(f"{volunteer.last_name} {volunteer.first_name}")[:170]

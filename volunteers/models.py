

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import Versioned, enum_column
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
    LEGAL = "legal"  # legal advice at the duty hours


HELP_KIND_LABELS = {
    HelpKind.TUTORING: _l("Tutoring children"),
    HelpKind.DISABILITY: _l("Help for people with disabilities"),
    HelpKind.SENIOR: _l("Help for seniors"),
    HelpKind.CLUB: _l("Social Integration Club and senior classes"),
    HelpKind.EVENT: _l("Events"),
    HelpKind.LEGAL: _l("Legal advice (duty hours)"),
}


class Gender(enum.StrEnum):
    """The grammatical gender a volunteer's documents use ("wykonywała", "wykonywał");
    none given: a neutral wording."""

    FEMALE = "female"
    MALE = "male"


GENDER_LABELS = {
    Gender.FEMALE: _l("Feminine forms (e.g. “wykonywała”)"),
    Gender.MALE: _l("Masculine forms (e.g. “wykonywał”)"),
}


class Volunteer(Versioned, db.Model):
    """A volunteer: contact, what they offer, when, and where they are in the pipeline."""

    __tablename__ = "volunteers"
    __table_args__ = (
        # The board, a page of 50 by name: of everyone, or of one stage (which also
        # counts the stages); read in index order, so a page costs its 50 rows whatever
        # the number of volunteers.
        Index("ix_volunteers_name", "last_name", "first_name", "id"),
        Index("ix_volunteers_status_name", "status", "last_name", "first_name", "id"),
        # The search for a word anywhere in the folded name: on PostgreSQL by trigrams
        # (pg_trgm), so counting those found reads them, not every volunteer. SQLite has
        # no such index (nor a PostgreSQL without the extension): a plain one keeps the
        # schema the same there.
        Index("ix_volunteers_search_name", "search_name", postgresql_using="gin",
              postgresql_ops={"search_name": "gin_trgm_ops"}),
    )

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
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender, length=10))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        enum_column(VolunteerStatus), default=VolunteerStatus.APPLICANT
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


CHECK_RESULT_LABELS = {CheckResult.CLEAR: _l("No entries"),
                       CheckResult.ENTRY_FOUND: _l("Entry found")}


class ComplianceRecord(db.Model):
    """One legal record of a volunteer (agreement, check, consent…). The newest of a
    kind counts; older ones stay as history."""

    __tablename__ = "compliance_records"
    # A volunteer's records of a kind, the latest found from the index; the records of a
    # period ending soon (the coordinator's start page) from their own.
    __table_args__ = (Index("ix_compliance_records_volunteer_kind_end", "volunteer_id", "kind",
                            "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    kind: Mapped[RecordKind] = mapped_column(enum_column(RecordKind, length=30))
    done_on: Mapped[date]
    valid_until: Mapped[date | None] = mapped_column(index=True)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None] = mapped_column(index=True)
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
        ForeignKey("training_completions.id", ondelete="SET NULL"), index=True, unique=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_by = relationship("User", lazy="raise_on_sql")


class VolunteerScan(db.Model):
    """The scan of a signed paper record (the agreement, an information sheet, a
    consent...), attached to its compliance record: PDF, PNG or JPEG, its type read from
    its first bytes. Kept in the database, beside the issued documents' PDFs: the
    backups hold it, and the row, its file and its audit entry change together."""

    __tablename__ = "volunteer_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    # One scan a record: a new one replaces it.
    record_id: Mapped[int] = mapped_column(
        ForeignKey("compliance_records.id", ondelete="CASCADE"), unique=True
    )
    file_name: Mapped[str] = mapped_column(String(200))  # as it was sent
    content_type: Mapped[str] = mapped_column(String(40))  # read from the content
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, deferred_raiseload=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    uploaded_by = relationship("User", lazy="raise_on_sql")


@event.listens_for(Volunteer, "before_insert")
@event.listens_for(Volunteer, "before_update")
def _fold_name(_mapper, _connection, volunteer: Volunteer) -> None:
    """The volunteer's name as search finds it: a name typed without Polish letters
    ("dabrowska") finds Dąbrowska, on SQLite as on PostgreSQL."""
    volunteer.search_name = fold(f"{volunteer.last_name} {volunteer.first_name}")[:170]

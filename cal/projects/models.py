"""Grant-funded projects: the project, its budget (task-based lines, expenses, lump-sum
deliverables), indicators (by hand or computed from the platform's data) and deadlines;
the participants of EU monitoring (ESF+) are in participant_models.py.

Money is kept in grosze (integers), and shares and rates in hundredths of a per cent
(8500 is 85 %), so sums are exact on every database.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.auth.models import User
from cal.core.models import Versioned, enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.partners.models import Partner
from clubs.models import Group


class Funder(enum.StrEnum):
    EU = "eu"
    STATE = "state"
    CITY = "city"
    SPONSOR = "sponsor"
    OTHER = "other"


FUNDER_LABELS = {Funder.EU: _l("EU (ESF+)"), Funder.STATE: _l("State budget"),
                 Funder.CITY: _l("City budget"), Funder.SPONSOR: _l("Sponsor"),
                 Funder.OTHER: _l("Other")}


class Settlement(enum.StrEnum):
    REAL_COSTS = "real_costs"
    LUMP_SUMS = "lump_sums"


SETTLEMENT_LABELS = {Settlement.REAL_COSTS: _l("Real costs (expenses)"),
                     Settlement.LUMP_SUMS: _l("Lump sums per deliverable")}


class ProjectStatus(enum.StrEnum):
    PREPARED = "prepared"
    RUNNING = "running"
    SETTLING = "settling"
    CLOSED = "closed"


PROJECT_STATUS_LABELS = {ProjectStatus.PREPARED: _l("Being prepared"),
                         ProjectStatus.RUNNING: _l("Running"),
                         ProjectStatus.SETTLING: _l("Being settled"),
                         ProjectStatus.CLOSED: _l("Closed")}

# A group linked by a project manager is only proposed until a coordinator or an
# administrator confirms it: the project reaches the people of a group (its indicators,
# its candidate participants) through confirmed links alone.
project_groups = Table(
    "project_groups", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    Column("confirmed", Boolean, nullable=False, default=True, server_default=true()))
project_events = Table(
    "project_events", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True))
project_partners = Table(
    "project_partners", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True,
           index=True))
project_courses = Table(
    "project_courses", db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("training_courses.id", ondelete="CASCADE"),
           primary_key=True))


class Project(Versioned, db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    funder: Mapped[Funder] = mapped_column(enum_column(Funder))
    programme: Mapped[str] = mapped_column(String(200), default="")
    call_number: Mapped[str] = mapped_column(String(80), default="")
    agreement_number: Mapped[str] = mapped_column(String(80), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    value_gr: Mapped[int] = mapped_column(BigInteger, default=0)  # total value, grosze
    share_eu: Mapped[int] = mapped_column(default=0)  # hundredths of a per cent
    share_national: Mapped[int] = mapped_column(default=0)
    share_own: Mapped[int] = mapped_column(default=0)
    settlement: Mapped[Settlement] = mapped_column(enum_column(Settlement),
                                                   default=Settlement.REAL_COSTS)
    indirect_rate: Mapped[int] = mapped_column(default=0)  # flat rate of direct costs
    status: Mapped[ProjectStatus] = mapped_column(enum_column(ProjectStatus),
                                                  default=ProjectStatus.RUNNING)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                   index=True)
    # The kinds of help (tutoring, disability, senior) whose matches and hours count here,
    # separated by spaces.
    help_kinds: Mapped[str] = mapped_column(String(100), default="")
    # Kinds of help a project manager linked, awaiting a coordinator's confirmation (they
    # count nowhere until then); separated by spaces.
    proposed_help_kinds: Mapped[str] = mapped_column(String(100), default="",
                                                     server_default="")
    # EU monitoring: participant records with the ESF+ fields are kept.
    monitors_participants: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    manager: Mapped[User | None] = relationship(lazy="raise_on_sql")
    # The partner institutions of the register (the links are kept by save_project).
    partners: Mapped[list[Partner]] = relationship(secondary=project_partners, viewonly=True,
                                                   order_by=Partner.name, lazy="raise_on_sql")
    # The groups a project manager linked that await confirmation (see project_groups).
    proposed_groups: Mapped[list[Group]] = relationship(
        secondary=project_groups, viewonly=True, order_by=Group.name, lazy="raise_on_sql",
        primaryjoin=lambda: Project.id == project_groups.c.project_id,
        secondaryjoin=lambda: (Group.id == project_groups.c.group_id)
        & project_groups.c.confirmed.is_(False))


class BudgetLine(db.Model):
    __tablename__ = "budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    task: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(80), default="")
    name: Mapped[str] = mapped_column(String(200))
    planned_gr: Mapped[int] = mapped_column(BigInteger, default=0)


class Expense(db.Model):
    __tablename__ = "expenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id", ondelete="RESTRICT"),
                                         index=True)
    spent_on: Mapped[date]
    amount_gr: Mapped[int] = mapped_column(BigInteger)
    document_number: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    line: Mapped[BudgetLine] = relationship(lazy="raise_on_sql")


class FundSource(enum.StrEnum):
    """Where the money of a project comes from, as the centre reports its budget."""

    EU = "eu"
    STATE = "state"
    CITY = "city"
    OWN = "own"
    SPONSOR = "sponsor"
    OTHER = "other"


FUND_SOURCE_LABELS = {FundSource.EU: _l("EU funds"), FundSource.STATE: _l("State budget"),
                      FundSource.CITY: _l("City budget"),
                      FundSource.OWN: _l("Own funds of the centre"),
                      FundSource.SPONSOR: _l("Sponsors (money)"),
                      FundSource.OTHER: _l("Other sources")}


class Funding(db.Model):
    """A project's money from one source in one calendar year: planned (the funding
    agreement's schedule) and spent (as settled). A project of several years has a row
    for each year and source."""

    __tablename__ = "project_funding"
    __table_args__ = (UniqueConstraint("project_id", "year", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    year: Mapped[int] = mapped_column(index=True)
    source: Mapped[FundSource] = mapped_column(enum_column(FundSource))
    planned_gr: Mapped[int] = mapped_column(BigInteger, default=0)
    spent_gr: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DeliverableStatus(enum.StrEnum):
    PLANNED = "planned"
    DONE = "done"
    ACCEPTED = "accepted"


DELIVERABLE_STATUS_LABELS = {DeliverableStatus.PLANNED: _l("Planned"),
                             DeliverableStatus.DONE: _l("Done, evidence sent"),
                             DeliverableStatus.ACCEPTED: _l("Accepted by the funder")}


class Deliverable(db.Model):
    """A lump sum tied to what the project delivers (kamień milowy), with its evidence."""

    __tablename__ = "deliverables"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(200))
    amount_gr: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date]
    status: Mapped[DeliverableStatus] = mapped_column(enum_column(DeliverableStatus),
                                                      default=DeliverableStatus.PLANNED)
    evidence: Mapped[str] = mapped_column(Text, default="")


class Source(enum.StrEnum):
    MANUAL = "manual"
    PARTICIPANTS = "participants"
    SESSIONS = "sessions"
    HOURS = "hours"
    VOLUNTEERS_TRAINED = "volunteers_trained"
    PEOPLE_HELPED = "people_helped"
    EVENT_PARTICIPANTS = "event_participants"


# The sources whose records are the people the centre serves (children among them): their
# names are shown only to those who may see people, and each reading of them is audited.
PEOPLE_SOURCES = frozenset({Source.PARTICIPANTS, Source.PEOPLE_HELPED,
                            Source.EVENT_PARTICIPANTS})

SOURCE_LABELS = {
    Source.MANUAL: _l("Entered by hand"),
    Source.PARTICIPANTS: _l("Participants of the linked groups (each person once)"),
    Source.SESSIONS: _l("Sessions held in the linked groups"),
    Source.HOURS: _l("Approved volunteer hours (linked kinds of help and trainings)"),
    Source.VOLUNTEERS_TRAINED: _l("Volunteers trained in the linked courses"),
    Source.PEOPLE_HELPED: _l("People helped through matches (linked kinds of help)"),
    Source.EVENT_PARTICIPANTS: _l("Participants of the linked events, checked in (each "
                                  "person once)"),
}


class Indicator(db.Model):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    target: Mapped[float]
    source: Mapped[Source] = mapped_column(enum_column(Source), default=Source.MANUAL)
    # The value and monthly series as last counted: by the scans every quarter of an
    # hour, whenever the project or the indicator changes, and on a manager's "count
    # now". The list and the project's page show these (counting anew reads every
    # attendance and hours record of the period); the drill-down counts live.
    last_value: Mapped[float] = mapped_column(default=0.0)
    last_as_of: Mapped[datetime | None]
    last_series: Mapped[list | None] = mapped_column(JSON)  # [[ISO day, value], ...]


class IndicatorValue(db.Model):
    """A value of an indicator entered by hand, as of a day (the latest counts)."""

    __tablename__ = "indicator_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"),
                                              index=True)
    value: Mapped[float]
    as_of: Mapped[date]
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeadlineKind(enum.StrEnum):
    REPORT = "report"
    PAYMENT_CLAIM = "payment_claim"
    MILESTONE = "milestone"
    OTHER = "other"


DEADLINE_KIND_LABELS = {DeadlineKind.REPORT: _l("Report"),
                        DeadlineKind.PAYMENT_CLAIM: _l("Payment claim"),
                        DeadlineKind.MILESTONE: _l("Milestone"),
                        DeadlineKind.OTHER: _l("Other")}


class Deadline(db.Model):
    __tablename__ = "project_deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_on: Mapped[date | None]

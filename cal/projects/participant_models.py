"""The participants of a project's EU monitoring (ESF+ Regulation 2021/1057, Annex I):
a person's participation with the fields the common indicators count."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import Person


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


SEX_LABELS = {Sex.FEMALE: _l("Woman"), Sex.MALE: _l("Man")}


class Education(enum.StrEnum):
    ISCED_0_2 = "isced_0_2"
    ISCED_3_4 = "isced_3_4"
    ISCED_5_8 = "isced_5_8"


EDUCATION_LABELS = {
    Education.ISCED_0_2: _l("ISCED 0–2 (up to lower secondary)"),
    Education.ISCED_3_4: _l("ISCED 3–4 (upper secondary, post-secondary)"),
    Education.ISCED_5_8: _l("ISCED 5–8 (higher)"),
}


class LabourStatus(enum.StrEnum):
    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    INACTIVE = "inactive"


LABOUR_STATUS_LABELS = {
    LabourStatus.EMPLOYED: _l("Employed (incl. self-employed)"),
    LabourStatus.UNEMPLOYED: _l("Unemployed (not long-term)"),
    LabourStatus.LONG_TERM_UNEMPLOYED: _l("Long-term unemployed"),
    LabourStatus.INACTIVE: _l("Inactive"),
}


class Answer(enum.StrEnum):
    """A disadvantage question: asked and answered, or asked and refused (the attempt is
    recorded, as the monitoring rules require; an estimate is never entered)."""

    YES = "yes"
    NO = "no"
    REFUSED = "refused"


ANSWER_LABELS = {Answer.YES: _l("Yes"), Answer.NO: _l("No"),
                 Answer.REFUSED: _l("Refused to answer")}


class Area(enum.StrEnum):
    URBAN = "urban"
    RURAL = "rural"


AREA_LABELS = {Area.URBAN: _l("Town or city"), Area.RURAL: _l("Rural area")}


class ExitSituation(enum.StrEnum):
    NONE = "none"
    JOB_SEARCHING = "job_searching"
    IN_EDUCATION = "in_education"
    QUALIFICATION = "qualification"
    EMPLOYED = "employed"


EXIT_LABELS = {
    ExitSituation.NONE: _l("None of these"),
    ExitSituation.JOB_SEARCHING: _l("Searching for a job"),
    ExitSituation.IN_EDUCATION: _l("In education or training"),
    ExitSituation.QUALIFICATION: _l("Gained a qualification"),
    ExitSituation.EMPLOYED: _l("In employment"),
}
# The disadvantage questions of the participant record, in the order asked.
FLAGS = ("disability", "foreign_background", "third_country", "minority", "homeless")


class Participant(db.Model):
    """A person's participation in an EU project, with the fields of ESF+ monitoring;
    a person is a participant of a project once."""

    __tablename__ = "project_participants"
    __table_args__ = (UniqueConstraint("project_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    education: Mapped[Education] = mapped_column(enum_column(Education))
    labour_status: Mapped[LabourStatus] = mapped_column(enum_column(LabourStatus))
    disability: Mapped[Answer] = mapped_column(enum_column(Answer))
    foreign_background: Mapped[Answer] = mapped_column(enum_column(Answer))
    third_country: Mapped[Answer] = mapped_column(enum_column(Answer))
    minority: Mapped[Answer] = mapped_column(enum_column(Answer))
    homeless: Mapped[Answer] = mapped_column(enum_column(Answer))
    area: Mapped[Area] = mapped_column(enum_column(Area))
    exit_situation: Mapped[ExitSituation | None] = mapped_column(enum_column(ExitSituation))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(lazy="raise_on_sql")

"""The participants of a project's EU monitoring (ESF+ Regulation 2021/1057, Annex I):
a person's participation with the fields the common indicators count."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cal.core.models import enum_column
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import Person


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"  # the third category the ESF+ Regulation names (Annex I)


SEX_LABELS = {Sex.FEMALE: _l("Woman"), Sex.MALE: _l("Man"),
              Sex.NON_BINARY: _l("Non-binary person")}


class Education(enum.StrEnum):
    """The highest level completed, on the ISCED 2011 scale the monitoring system asks;
    the common indicators count it in three bands (band_of)."""

    ISCED_0 = "isced_0"
    ISCED_1 = "isced_1"
    ISCED_2 = "isced_2"
    ISCED_3 = "isced_3"
    ISCED_4 = "isced_4"
    ISCED_5 = "isced_5"
    ISCED_6 = "isced_6"
    ISCED_7 = "isced_7"
    ISCED_8 = "isced_8"

    @property
    def level(self) -> int:
        return int(self.value[-1])


EDUCATION_LABELS = {
    Education.ISCED_0: _l("ISCED 0: less than primary"),
    Education.ISCED_1: _l("ISCED 1: primary"),
    Education.ISCED_2: _l("ISCED 2: lower secondary"),
    Education.ISCED_3: _l("ISCED 3: upper secondary"),
    Education.ISCED_4: _l("ISCED 4: post-secondary, not tertiary"),
    Education.ISCED_5: _l("ISCED 5: short-cycle tertiary"),
    Education.ISCED_6: _l("ISCED 6: bachelor's or equivalent"),
    Education.ISCED_7: _l("ISCED 7: master's or equivalent"),
    Education.ISCED_8: _l("ISCED 8: doctoral or equivalent"),
}
# The bands of the common output indicators (Annex I, 1.1): ISCED 0–2, 3–4 and 5–8.
BANDS = ((0, 2), (3, 4), (5, 8))


def band_of(education: Education) -> tuple[int, int]:
    return next(band for band in BANDS if band[0] <= education.level <= band[1])


class LabourStatus(enum.StrEnum):
    """The labour-market status at entry, as the monitoring system (SM EFS) asks it."""

    UNEMPLOYED_REGISTERED = "unemployed_reg"
    UNEMPLOYED_UNREGISTERED = "unemployed_unreg"
    INACTIVE = "inactive"
    EMPLOYED = "employed"


LABOUR_STATUS_LABELS = {
    LabourStatus.UNEMPLOYED_REGISTERED: _l("Unemployed, registered at a labour office"),
    LabourStatus.UNEMPLOYED_UNREGISTERED: _l("Unemployed, not registered at a labour office"),
    LabourStatus.INACTIVE: _l("Inactive"),
    LabourStatus.EMPLOYED: _l("Employed (incl. self-employed)"),
}
UNEMPLOYED = (LabourStatus.UNEMPLOYED_REGISTERED, LabourStatus.UNEMPLOYED_UNREGISTERED)


class LabourDetail(enum.StrEnum):
    """The status's detail (the file's first "w tym" column): for the unemployed whether
    long-term, for the employed where they work."""

    LONG_TERM = "long_term"
    SELF_EMPLOYED = "self_employed"
    GOVERNMENT = "government"
    LOCAL_GOVERNMENT = "local_government"
    NGO = "ngo"
    SME = "sme"
    LARGE = "large_enterprise"
    HEALTH = "health_care"
    SCHOOL_TEACHING = "school_teaching"
    SCHOOL_SUPPORT = "school_support"
    SCHOOL_MANAGEMENT = "school_management"
    UNIVERSITY = "university"
    RESEARCH = "research_institute"
    OTHER = "other"


LABOUR_DETAIL_LABELS = {
    LabourDetail.LONG_TERM: _l("Long-term unemployed"),
    LabourDetail.SELF_EMPLOYED: _l("Self-employed"),
    LabourDetail.GOVERNMENT: _l("Works in government administration"),
    LabourDetail.LOCAL_GOVERNMENT: _l("Works in local government administration"),
    LabourDetail.NGO: _l("Works in a non-governmental organisation"),
    LabourDetail.SME: _l("Works in a micro, small or medium enterprise"),
    LabourDetail.LARGE: _l("Works in a large enterprise"),
    LabourDetail.HEALTH: _l("Works in health care"),
    LabourDetail.SCHOOL_TEACHING: _l("Works in a school: teaching staff"),
    LabourDetail.SCHOOL_SUPPORT: _l("Works in a school: non-teaching staff"),
    LabourDetail.SCHOOL_MANAGEMENT: _l("Works in a school: management"),
    LabourDetail.UNIVERSITY: _l("Works at a university"),
    LabourDetail.RESEARCH: _l("Works in a research institute"),
    LabourDetail.OTHER: _l("Other"),
}
# The details each status takes (none for the inactive).
DETAILS_OF = {
    LabourStatus.UNEMPLOYED_REGISTERED: (LabourDetail.LONG_TERM, LabourDetail.OTHER),
    LabourStatus.UNEMPLOYED_UNREGISTERED: (LabourDetail.LONG_TERM, LabourDetail.OTHER),
    LabourStatus.INACTIVE: (),
    LabourStatus.EMPLOYED: tuple(d for d in LabourDetail if d != LabourDetail.LONG_TERM),
}


class Answer(enum.StrEnum):
    """A disadvantage question: asked and answered, or asked and refused (the attempt is
    recorded, as the monitoring rules require; an estimate is never entered)."""

    YES = "yes"
    NO = "no"
    REFUSED = "refused"


ANSWER_LABELS = {Answer.YES: _l("Yes"), Answer.NO: _l("No"),
                 Answer.REFUSED: _l("Refused to answer")}


class Citizenship(enum.StrEnum):
    POLISH = "polish"
    EU = "eu"
    THIRD_COUNTRY = "third_country"  # a third-country national, or stateless


CITIZENSHIP_LABELS = {Citizenship.POLISH: _l("Polish citizenship"),
                      Citizenship.EU: _l("Citizen of another EU country"),
                      Citizenship.THIRD_COUNTRY: _l("Citizen of a country outside the EU, "
                                                    "or stateless")}


class Degurba(enum.StrEnum):
    """The degree of urbanisation of the place of residence (Eurostat's DEGURBA)."""

    CITY = "1"
    TOWN = "2"
    RURAL = "3"


DEGURBA_LABELS = {Degurba.CITY: _l("1: cities (densely populated)"),
                  Degurba.TOWN: _l("2: towns and suburbs (intermediate density)"),
                  Degurba.RURAL: _l("3: rural areas (thinly populated)")}
VOIVODESHIPS = ("dolnośląskie", "kujawsko-pomorskie", "lubelskie", "lubuskie", "łódzkie",
                "małopolskie", "mazowieckie", "opolskie", "podkarpackie", "podlaskie",
                "pomorskie", "śląskie", "świętokrzyskie", "warmińsko-mazurskie",
                "wielkopolskie", "zachodniopomorskie")


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
# The disadvantage questions of the participant record, in the order of the monitoring
# system's file; third_country follows from the citizenship (save_participant).
FLAGS = ("disability", "foreign_background", "third_country", "minority", "homeless")
ASKED_FLAGS = tuple(flag for flag in FLAGS if flag != "third_country")


class Participant(db.Model):
    """A person's participation in an EU project, with the fields of ESF+ monitoring and
    of the monitoring system's participant file (SM EFS); a person is a participant of a
    project once. The phone and e-mail are the person's own (Person), not copied here.

    A record kept from before the file's fields were asked may lack the citizenship, the
    DEGURBA and the labour-market detail (None) until its next edit asks them."""

    __tablename__ = "project_participants"
    __table_args__ = (UniqueConstraint("project_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex))
    # The PESEL, or with no_pesel another identifier (a passport's number, ...).
    identifier: Mapped[str] = mapped_column(String(40), default="", server_default="")
    no_pesel: Mapped[bool] = mapped_column(default=False, server_default=false())
    citizenship: Mapped[Citizenship | None] = mapped_column(enum_column(Citizenship))
    country: Mapped[str] = mapped_column(String(60), default="Polska", server_default="Polska")
    voivodeship: Mapped[str] = mapped_column(String(40), default="", server_default="")
    powiat: Mapped[str] = mapped_column(String(80), default="", server_default="")
    gmina: Mapped[str] = mapped_column(String(80), default="", server_default="")
    locality: Mapped[str] = mapped_column(String(80), default="", server_default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", server_default="")
    degurba: Mapped[Degurba | None] = mapped_column(enum_column(Degurba, length=1))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    education: Mapped[Education] = mapped_column(enum_column(Education))
    labour_status: Mapped[LabourStatus] = mapped_column(enum_column(LabourStatus))
    labour_detail: Mapped[LabourDetail | None] = mapped_column(enum_column(LabourDetail))
    disability: Mapped[Answer] = mapped_column(enum_column(Answer))
    foreign_background: Mapped[Answer] = mapped_column(enum_column(Answer))
    third_country: Mapped[Answer] = mapped_column(enum_column(Answer))
    minority: Mapped[Answer] = mapped_column(enum_column(Answer))
    homeless: Mapped[Answer] = mapped_column(enum_column(Answer))
    exit_situation: Mapped[ExitSituation | None] = mapped_column(enum_column(ExitSituation))
    # Whether the participation ended along the path planned for the person (once ended).
    completed_as_planned: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(lazy="raise_on_sql")
    # The rows of support, in the order of the file's support columns (kept by
    # eu_participants.save_participant; gone with the participant, by the database).
    supports: Mapped[list[Support]] = relationship(
        lazy="raise_on_sql", viewonly=True, order_by=lambda: (Support.started_on, Support.id))


class Support(db.Model):
    """A kind of support a participant received, from a day: the monitoring system's
    "Zakres wsparcia", "Rodzaj przyznanego wsparcia" and its "w tym"."""

    __tablename__ = "participant_supports"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("project_participants.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(200))
    kind_detail: Mapped[str] = mapped_column(String(200), default="")
    started_on: Mapped[date]

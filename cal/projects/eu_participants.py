"""A project's EU participants (ESF+ monitoring): who may be one, their records, the
common output indicators by sex, and the table for export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import age_on
from cal.extensions import db
from cal.people.models import Person
from cal.projects import participant_checks as checks
from cal.projects.indicators import source_queries
from cal.projects.models import Project, Source
from cal.projects.participant_models import (
    FLAGS,
    UNEMPLOYED,
    Answer,
    Citizenship,
    Degurba,
    LabourDetail,
    LabourStatus,
    Participant,
    Sex,
    Support,
    band_of,
)

# --- EU participants -------------------------------------------------------------------

def participants_of(project: Project, supports: bool = False) -> list[Participant]:
    """The project's participants with their persons (and their rows of support)."""
    query = (select(Participant).where(Participant.project_id == project.id)
             .options(joinedload(Participant.person))
             .order_by(Participant.started_on, Participant.id))
    if supports:
        query = query.options(selectinload(Participant.supports))
    return list(db.session.scalars(query))


def supports_of(participant: Participant) -> list[Support]:
    return list(db.session.scalars(select(Support).where(
        Support.participant_id == participant.id).order_by(Support.started_on, Support.id)))


def candidate_person_ids(project: Project, start: date, end: date) -> set[int]:
    """People who took part in the project's activities and are not participants yet:
    present in its groups or helped through its matches, by the confirmed links alone (a
    link a project manager proposed widens nobody's reach until it is confirmed)."""
    if start > end:
        return set()
    queries = source_queries(project, start, end)
    taken = select(Participant.person_id).where(Participant.project_id == project.id)
    keys = set()
    for source in (Source.PARTICIPANTS, Source.PEOPLE_HELPED):
        sub = queries[source].subquery()
        keys |= set(db.session.scalars(select(sub.c.key).where(sub.c.key.not_in(taken))))
    return keys


def candidates(project: Project, today: date) -> list[Person]:
    """Whom the project's manager may choose as a new participant: the candidates of the
    project so far (see candidate_person_ids); a record's person is never changed."""
    keys = candidate_person_ids(project, project.starts_on, min(project.ends_on, today))
    return list(db.session.scalars(select(Person).where(Person.id.in_(keys)).order_by(
        Person.last_name, Person.first_name).limit(1000)))


def save_participant(project: Project, participant: Participant | None, person: Person,
                     data: dict, birth_date: date | None, actor) -> Participant:
    """Record a person's participation with the fields of the monitoring system's file;
    refused beside the fields (participant_checks) when the record would not do."""
    if not project.monitors_participants:
        raise DomainError(_("This project keeps no participant records."))
    if data["ended_on"] and data["ended_on"] < data["started_on"]:
        raise DomainError(_("Participation cannot end before it starts."), field="ended_on")
    if not project.starts_on <= data["started_on"] <= project.ends_on:
        raise DomainError(_("The start must fall within the project's dates."),
                          field="started_on")
    refusals, from_pesel = checks.identity(data, person.birth_date or birth_date)
    for check in (checks.address, checks.labour, checks.ending):
        refusals.update(check(data))
    refusals.update(checks.supports(data, data["ended_on"] or project.ends_on))
    if not refusals.get("identifier") and _pesel_taken(project, participant, data):
        refusals["identifier"] = _("Another participant of the project has this PESEL.")
    if refusals:
        raise DomainError.of(refusals)
    birth = person.birth_date or birth_date or from_pesel
    if birth is not None and birth > data["started_on"]:
        raise DomainError(_("The birth date must come before the start of participation."),
                          field="birth_date")
    if participant is None:
        taken = db.session.scalar(select(Participant.id).where(
            Participant.project_id == project.id, Participant.person_id == person.id))
        if taken:
            raise DomainError(_("This person is already a participant of the project."),
                              field="person_id")
        participant = Participant(project_id=project.id, person_id=person.id)
    if person.birth_date is None:
        if birth is None:
            raise DomainError(_("Give the birth date: the person's record has none."),
                              field="birth_date")
        person.birth_date = birth
    elif birth_date is not None and person.birth_date != birth_date:
        raise DomainError(_("The birth date differs from the person's record (%(day)s).",
                            day=person.birth_date.strftime("%d.%m.%Y")), field="birth_date")
    _store(participant, data)
    audit(actor, AuditAction.UPDATE, "participant", participant.id,
          detail=f"project {project.id}")
    return participant


def _pesel_taken(project: Project, participant: Participant | None, data: dict) -> bool:
    if data["no_pesel"] or not data["identifier"]:
        return False
    return db.session.scalar(select(Participant.id).where(
        Participant.project_id == project.id, Participant.identifier == data["identifier"],
        Participant.no_pesel.is_(False),
        Participant.id != (participant.id if participant else 0))) is not None


def _store(participant: Participant, data: dict) -> None:
    """The record's fields, third_country as the citizenship says, and its rows of
    support in place of those before."""
    values = {name: value for name, value in data.items() if name != "supports"}
    values["third_country"] = (Answer.YES if data["citizenship"] == Citizenship.THIRD_COUNTRY
                               else Answer.NO)
    for name, value in values.items():
        setattr(participant, name, value)
    db.session.add(participant)
    db.session.flush()
    db.session.execute(delete(Support).where(Support.participant_id == participant.id))
    db.session.add_all(Support(participant_id=participant.id, scope=row["scope"],
                               kind=row["kind"], kind_detail=row["kind_detail"],
                               started_on=row["started_on"]) for row in data["supports"])
    db.session.flush()


def age_at_entry(participant: Participant) -> int | None:
    birth = participant.person.birth_date
    return age_on(birth, participant.started_on) if birth else None


@dataclass
class IndicatorLine:
    label: str
    women: int
    men: int
    non_binary: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.non_binary


def _band(low: int, high: int):
    return lambda p, age: band_of(p.education) == (low, high)


def common_indicators(participants: list[Participant]) -> list[IndicatorLine]:
    """The ESF+ common output indicators for participants (Annex I, 1.1, and the other
    output indicators of 1.2), by sex (women, men, non-binary); each person counted
    once."""
    tests = [
        (_("Participants in total"), lambda p, age: True),
        (_("Unemployed, incl. long-term unemployed"),
         lambda p, age: p.labour_status in UNEMPLOYED),
        (_("Long-term unemployed participants"),
         lambda p, age: p.labour_status in UNEMPLOYED
         and p.labour_detail == LabourDetail.LONG_TERM),
        (_("Inactive participants"), lambda p, age: p.labour_status == LabourStatus.INACTIVE),
        (_("Employed, incl. self-employed"),
         lambda p, age: p.labour_status == LabourStatus.EMPLOYED),
        (_("Below 18 years of age"), lambda p, age: age is not None and age < 18),
        (_("Aged 18–29"), lambda p, age: age is not None and 18 <= age <= 29),
        (_("Aged 55 and over"), lambda p, age: age is not None and age >= 55),
        (_("With lower secondary education or less (ISCED 0–2)"), _band(0, 2)),
        (_("With upper secondary or post-secondary education (ISCED 3–4)"), _band(3, 4)),
        (_("With tertiary education (ISCED 5–8)"), _band(5, 8)),
        (_("Participants with disabilities"), lambda p, age: p.disability == Answer.YES),
        (_("Third-country nationals"), lambda p, age: p.third_country == Answer.YES),
        (_("Participants with a foreign background"),
         lambda p, age: p.foreign_background == Answer.YES),
        (_("Minorities (incl. Roma)"), lambda p, age: p.minority == Answer.YES),
        (_("Homeless or affected by housing exclusion"),
         lambda p, age: p.homeless == Answer.YES),
        (_("From rural areas"), lambda p, age: p.degurba == Degurba.RURAL),
        (_("Refused to answer at least one question"),
         lambda p, age: any(getattr(p, f) == Answer.REFUSED for f in FLAGS)),
    ]
    ages = {p.id: age_at_entry(p) for p in participants}
    lines = []
    for label, test in tests:
        chosen = [p for p in participants if test(p, ages[p.id])]
        lines.append(IndicatorLine(label, *(sum(p.sex == sex for p in chosen)
                                            for sex in (Sex.FEMALE, Sex.MALE, Sex.NON_BINARY))))
    return lines


def participant_rows(participants: list[Participant], labels: dict) -> list[list]:
    """The participant list as spreadsheet rows, in the order of the monitoring form."""
    header = [_("No."), _("First name"), _("Last name"), _("Sex"), _("Birth date"),
              _("Age at entry"), _("Education"), _("Labour-market status at entry"),
              _("Disability"), _("Foreign background"), _("Third-country national"),
              _("Minority"), _("Homeless or housing exclusion"),
              _("Degree of urbanisation (DEGURBA)"),
              _("Start of participation"), _("End of participation"), _("Situation at exit")]
    rows = [header]
    for number, p in enumerate(participants, 1):
        rows.append([number, p.person.first_name, p.person.last_name,
                     str(labels["sex"][p.sex]), p.person.birth_date, age_at_entry(p),
                     str(labels["education"][p.education]),
                     str(labels["labour"][p.labour_status]),
                     *(str(labels["answer"][getattr(p, f)]) for f in FLAGS),
                     str(labels["degurba"][p.degurba]) if p.degurba else "",
                     p.started_on, p.ended_on,
                     str(labels["exit"][p.exit_situation]) if p.exit_situation else ""])
    return rows

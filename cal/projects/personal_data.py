"""What the projects hold about a person (cal/core/rooms.py, RODO): the records of a
grant project's participants and the kinds of support they received, kept as long as the
grant agreement says (art. 17(3)(b)); then erased with the person, keeping what the
indicators count (sex, age, education, status, the answers, DEGURBA)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from cal.core.rooms import PersonalData
from cal.core.timeutil import add_months
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Person, SubjectKind
from cal.projects.models import Project
from cal.projects.participant_models import Participant, Support

# What names or locates the person in a participant's record, emptied by the erasure.
IDENTIFYING = ("identifier", "powiat", "gmina", "locality", "postcode")


def held(today: date, months: int | None) -> dict[int, date | None]:
    """Projects whose participants' records are still kept, to the day they may go
    (None: no period set, so kept)."""
    kept = {}
    for project_id, ends_on in db.session.execute(select(Project.id, Project.ends_on)):
        until = add_months(ends_on, months) if months is not None else None
        if until is None or until > today:
            kept[project_id] = until
    return kept


def blockers(subject, held_projects: dict[int, date | None]) -> list[str]:
    found = []
    for row in subject.sections.get(Participant.__tablename__, []):
        if row["project_id"] in held_projects:
            until = held_projects[row["project_id"]]
            found.append(
                _("The person took part in a project whose records are kept until %(day)s "
                  "(RODO art. 17(3)(b)).", day=until.strftime("%d.%m.%Y")) if until else
                _("The person took part in a project whose records are kept until a "
                  "retention period for project records is set (RODO art. 17(3)(b))."))
    return found


def related(subject) -> list[tuple[str, list[dict]]]:
    """A person's rows of support, reached through their participations."""
    if subject.kind != SubjectKind.PERSON:
        return []
    supports = Support.__table__
    return [(supports.name, rodo.rows(supports, supports.c.participant_id,
                                      subject.ids.get(Participant.__tablename__, [])))]


def anonymise(subject, _now: datetime) -> None:
    if subject.kind == SubjectKind.PERSON:
        db.session.execute(update(Participant).where(
            Participant.person_id == subject.record.id).values(dict.fromkeys(IDENTIFYING, "")))


def keeps_person(_cutoff: datetime, held_projects: dict[int, date | None]) -> list:
    return [exists().where(Participant.person_id == Person.id,
                           Participant.project_id.in_(list(held_projects) or [0]))]


PART = PersonalData("projects", related=related, blockers=blockers, anonymise=anonymise,
                    keeps_person=keeps_person, held=held)

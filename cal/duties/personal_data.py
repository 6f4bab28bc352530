"""What the duty hours hold about people (cal/core/rooms.py, RODO): appointments, of a
person of the registry or of someone known only by name and phone, with their topic. A
person's go with the person; the others are anonymised when the period of people's
records (counted from the appointment) has passed. The times stay for the year's
figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update

from cal.core.rooms import PersonalData
from cal.core.timeutil import utcnow
from cal.duties.models import Appointment, Duty
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Person, SubjectKind

ANONYMOUS = "—"


def _blank(ids, now: datetime) -> None:
    db.session.execute(update(Appointment).where(Appointment.id.in_(ids)).values(
        name=ANONYMOUS, phone="", topic="", cancel_reason="", sms_consent_at=None,
        anonymised_at=now))


def shared(subject) -> list[tuple[str, list[dict]]]:
    """The duty hours a volunteer held with their account (the centre's record: it stays,
    held by the account, which the erasure renames)."""
    user_id = getattr(subject.record, "user_id", None)
    if subject.kind != SubjectKind.VOLUNTEER or user_id is None:
        return []
    duties = Duty.__table__
    return [("duties", rodo.rows(duties, duties.c.holder_user_id, [user_id]))]


def anonymise(subject, now: datetime) -> None:
    if subject.kind == SubjectKind.PERSON:
        _blank(subject.ids.get("appointments", []), now)


def keeps_person(cutoff: datetime, _held) -> list:
    """An appointment after the cutoff (or still to come)."""
    return [exists().where(Appointment.person_id == Person.id, Appointment.starts_at >= cutoff)]


def records(record_type: str, cutoff: datetime, apply: bool) -> int:
    if record_type != SubjectKind.PERSON.value:
        return 0
    ids = list(db.session.scalars(select(Appointment.id).where(
        Appointment.person_id.is_(None), Appointment.anonymised_at.is_(None),
        Appointment.starts_at < cutoff)))
    if apply and ids:
        _blank(ids, utcnow())
    return len(ids)


PART = PersonalData("duties", shared=shared, anonymise=anonymise, keeps_person=keeps_person,
                    records=records)

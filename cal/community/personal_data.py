"""What the community room holds about people (cal/core/rooms.py, RODO): registrations
for events, of a person of the registry or of a resident known only by name and contact,
and the children registered with them. A resident's registration is anonymised when the
period of people's records (counted from the event's end) has passed; a person's goes
with the person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update

from cal.community.models import Event, RegisteredChild, Registration
from cal.core.rooms import PersonalData
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Person, SubjectKind

ANONYMOUS = "—"


def related(subject) -> list[tuple[str, list[dict]]]:
    """The children a person registered, reached through their registrations."""
    if subject.kind != SubjectKind.PERSON:
        return []
    children = RegisteredChild.__table__
    return [("event_children", rodo.rows(children, children.c.registration_id,
                                         subject.ids.get("event_registrations", [])))]


def _blank(registration_ids, now: datetime) -> None:
    db.session.execute(update(Registration).where(Registration.id.in_(registration_ids))
                       .values(name=ANONYMOUS, phone="", email="", anonymised_at=now))
    db.session.execute(update(RegisteredChild).where(
        RegisteredChild.registration_id.in_(registration_ids)).values(first_name=ANONYMOUS))


def anonymise(subject, now: datetime) -> None:
    if subject.kind == SubjectKind.PERSON:
        _blank(subject.ids.get("event_registrations", []), now)


def keeps_person(cutoff: datetime, _held) -> list:
    """A registration for an event that ended after the cutoff (or has not ended)."""
    return [exists().where(Registration.person_id == Person.id,
                           Registration.event_id == Event.id, Event.ends_at >= cutoff)]


def records(record_type: str, cutoff: datetime, apply: bool) -> int:
    """Residents' registrations (no person of the registry) for events that ended before
    the cutoff of people's records: their names and contacts, and their children's names,
    are blanked; the counts (places, ages) stay for the year's figures."""
    if record_type != SubjectKind.PERSON.value:
        return 0
    ids = list(db.session.scalars(
        select(Registration.id).join(Event, Event.id == Registration.event_id).where(
            Registration.person_id.is_(None), Registration.anonymised_at.is_(None),
            Event.ends_at < cutoff)))
    if apply and ids:
        _blank(ids, utcnow())
    return len(ids)


PART = PersonalData("community", related=related, anonymise=anonymise,
                    keeps_person=keeps_person, records=records)

"""What the Senior Activity Centre holds about a person (cal/core/rooms.py, RODO): the
membership card and its registry entry."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from cal.core.rooms import PersonalData
from cal.extensions import db
from cal.people.models import Person, SubjectKind
from seniors.models import SeniorMember


def blockers(subject, _held: dict[int, date | None]) -> list[str]:
    if any(m["active"] for m in subject.sections.get(SeniorMember.__tablename__, [])):
        return [_("The senior centre card is active: end the membership first.")]
    return []


def anonymise(subject, _now: datetime) -> None:
    """A card number can name its holder to whoever has the card list."""
    if subject.kind != SubjectKind.PERSON:
        return
    for member in db.session.scalars(select(SeniorMember).where(
            SeniorMember.person_id == subject.record.id)):
        member.card_number = f"X{member.id}"


def keeps_person(cutoff: datetime, _held) -> list:
    return [exists().where(SeniorMember.person_id == Person.id, or_(
        SeniorMember.active.is_(True), SeniorMember.created_at >= cutoff))]


PART = PersonalData("seniors", blockers=blockers, anonymise=anonymise,
                    keeps_person=keeps_person)

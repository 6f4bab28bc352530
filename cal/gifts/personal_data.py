"""What the gifts register holds about people (cal/core/rooms.py, RODO): the family a
gift went to. A person's copy of their data lists the gifts their household received;
erasing the last member of a household blanks the link (and the gift's note), and the
period of people's records, counted from the gift's day, blanks it too. The gift, its
donor and its value stay for the year's figures."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, select, update

from cal.core.rooms import PersonalData
from cal.core.timeutil import to_local
from cal.extensions import db
from cal.gifts.models import Gift, UsedFor
from cal.people.models import Person, SubjectKind

TABLE = Gift.__tablename__


def shared(subject) -> Iterable[tuple[str, list[dict]]]:
    """The gifts the subject's household received (shared with its other members)."""
    household_id = getattr(subject.record, "household_id", None)
    if subject.kind != SubjectKind.PERSON or not household_id:
        return []
    rows = db.session.execute(select(Gift.__table__).where(Gift.household_id == household_id)
                              .order_by(Gift.id))
    return [(TABLE, [dict(row._mapping) for row in rows])]


def _unlink(condition) -> int:
    return db.session.execute(update(Gift).where(condition).values(
        household_id=None, used_for=UsedFor.GENERAL, note="",
        version=Gift.version + 1)).rowcount  # a form opened before must not link it back


def anonymise(subject, _now: datetime) -> None:
    """The subject's household's gifts lose their family once no member of it is left
    unerased (the erasure has already taken the subject out of the household)."""
    ids = subject.shared.get(TABLE, [])
    if subject.kind == SubjectKind.PERSON and ids:
        _unlink(Gift.id.in_(ids) & ~exists().where(
            Person.household_id == Gift.household_id, Person.anonymised_at.is_(None)))


def records(record_type: str, cutoff: datetime, apply: bool) -> int:
    """Gifts to a family received before the cutoff of people's records."""
    if record_type != SubjectKind.PERSON.value:
        return 0
    condition = Gift.household_id.is_not(None) & (Gift.received_on < to_local(cutoff).date())
    if apply:
        return _unlink(condition)
    return len(list(db.session.scalars(select(Gift.id).where(condition))))


PART = PersonalData("gifts", shared=shared, anonymise=anonymise, records=records)

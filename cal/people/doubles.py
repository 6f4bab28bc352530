"""Records that may be of one person, known when they are written (cal.people.merge
joins them).

Two records may be one person's when their names are the same (accents and case
ignored: ``search_name``) and their years of birth do not differ, or one is not known;
neither anonymised. The later of such records is marked (``Person.may_double``) in the
transaction that writes a record, renames it, changes its birth date, anonymises or
deletes it: the records of the names it had and has are marked anew, from the index of
names. So the coordinator's start page counts the marked records from an index of their
own, at any size of the town, and the list of pairs starts from them. A late scan marks
every record anew and changes only those that differ: for rows written past the
session (a bulk load, a deletion the database cascades).
"""

from __future__ import annotations

from sqlalchemy import and_, event, extract, func, or_, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, aliased

from cal.extensions import db
from cal.people.models import Person

# Above this many names in one flush (a town loaded at once), every record is marked.
_NAMES_AT_ONCE = 500
_MARKED = ("search_name", "birth_date", "anonymised_at")


def alike(first, second):
    """Whether the records ``first`` and ``second`` (aliases of Person, or its table's
    columns) may be of one person: the same name, years of birth that do not differ,
    neither anonymised."""
    return and_(second.search_name == first.search_name,
                first.anonymised_at.is_(None), second.anonymised_at.is_(None),
                or_(first.birth_date.is_(None), second.birth_date.is_(None),
                    extract("year", first.birth_date) == extract("year", second.birth_date)))


def _doubling():
    """Whether a row of persons may double an earlier record (a correlated subquery of
    the table being updated)."""
    table = Person.__table__
    earlier = aliased(Person, name="earlier")
    return select(earlier.id).where(earlier.id < table.c.id,
                                    alike(earlier, table.c)).exists()


def mark(connection, names: set[str] | None = None) -> int:
    """Mark anew the records of ``names`` (every record when None), changing only those
    that differ; the number changed."""
    table = Person.__table__
    doubling = _doubling()
    statement = (update(table).values(may_double=doubling)
                 .where(table.c.may_double != doubling))
    if names is not None:
        if not names:
            return 0
        statement = statement.where(table.c.search_name.in_(sorted(names)))
    return connection.execute(statement).rowcount


def count():
    """How many records may double an earlier one, as a subquery of a statement counting
    more (from the index of marked records)."""
    return (select(func.count()).select_from(Person).where(Person.may_double.is_(True))
            .scalar_subquery())


def pairs(limit: int):
    """The pairs of records that may be of one person, the earlier first: from the
    marked ones, each with the earlier records of its name."""
    first, second = aliased(Person), aliased(Person)
    return (select(first, second).join(first, and_(first.id < second.id, alike(first, second)))
            .where(second.may_double.is_(True))
            .order_by(first.last_name, first.first_name, first.id, second.id).limit(limit))


def _names(state, updated: bool) -> set[str]:
    """The names whose records a write of a person may change: the name it has, and
    the one it had; none when an update moved nothing marked by it."""
    names = {state.attrs.search_name.loaded_value}
    if updated:
        histories = [state.attrs[n].history for n in _MARKED]
        if not any(h.has_changes() for h in histories):
            return set()
        names |= set(histories[0].deleted)
    return {n for n in names if isinstance(n, str)}


@event.listens_for(Session, "after_flush")
def _after_flush(session, _context) -> None:
    names: set[str] = set()
    for objects, updated in ((session.new, False), (session.dirty, True),
                             (session.deleted, False)):
        for obj in objects:
            if isinstance(obj, Person):
                names |= _names(sa_inspect(obj), updated)
    if names:
        mark(session.connection(), None if len(names) > _NAMES_AT_ONCE else names)


def mark_all() -> int:
    """Every record marked anew, committed: the number changed."""
    changed = mark(db.session.connection())
    db.session.commit()
    return changed

"""Joining two records of one person (DESIGN.md: one Person record across all services).

Two records of one person happen: a leader at the door, who is shown only the people of
their groups, registers someone new who was known at the centre already. A coordinator
joins them: the record kept takes everything that refers to the other one (found from
the schema, as the RODO export finds it, so a room's new table is joined without being
named here), fills its empty fields from it and keeps both texts of a note; the other
record is deleted. The audit log is not rewritten: the record kept remembers the numbers
joined into it (``PersonMerge``), and its RODO export reads their log too.

What cannot be one row afterwards is refused and named (both records are members of one
group, marked in one session, participants of one project): the coordinator ends or
corrects one of them first. Consents to messages are the exception: of two for one
channel, the one given or withdrawn last is the person's latest word and is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import (
    ForeignKey,
    Index,
    Table,
    UniqueConstraint,
    delete,
    func,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, selectinload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people import doubles
from cal.people.models import ContactConsent, DataRequest, Person, SubjectKind
from cal.people.rodo_labels import SECTIONS

# The fields the record kept takes from the other when its own is empty.
FILLED = ("birth_date", "phone", "email", "address", "district_id", "household_id",
          "preferred_channel")
# The texts kept from both records, the one kept first.
JOINED = ("notes", "health_notes", "disability_notes")


class PersonMerge(db.Model):
    """A record joined into another: its number, so that the audit log's entries about
    it stay the kept person's (RODO art. 15: what the staff did with their data)."""

    __tablename__ = "person_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                           index=True)
    merged_id: Mapped[int] = mapped_column(index=True)
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    merged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


@dataclass(frozen=True)
class Moved:
    table: str
    label: str
    rows: int


@dataclass(frozen=True)
class Preview:
    keep: Person
    other: Person
    moved: list[Moved]  # what the record kept takes, by kind, with how many rows
    clashes: list[str]  # why the two cannot be joined yet, in words
    filled: list[str]  # the fields of the record kept filled from the other


def _referring() -> list[tuple[Table, object]]:
    """(table, column) of every foreign key to a person."""
    return [(table, key.parent) for table in db.metadata.sorted_tables
            for key in table.foreign_keys if key.column.table.name == "persons"]


def _unique_sets(table: Table, column) -> list[tuple[list, object]]:
    """The other columns of each unique constraint or index the column is part of, with
    the condition of a partial index (one current membership of a group: ended ones may
    be many)."""
    sets = [(list(c.columns), None) for c in table.constraints
            if isinstance(c, UniqueConstraint)]
    sets += [(list(i.columns), _partial(i)) for i in table.indexes
             if isinstance(i, Index) and i.unique]
    return [([c for c in columns if c.name != column.name], where) for columns, where in sets
            if any(c.name == column.name for c in columns)]


def _partial(index: Index):
    """The condition of a partial index, if it is one."""
    for dialect in ("postgresql", "sqlite"):
        where = index.dialect_options[dialect].get("where")
        if where is not None:
            return where
    return None


def _label(table: Table) -> str:
    return str(SECTIONS.get(table.name, table.name))


def _clashes(keep: Person, other: Person) -> list[str]:
    """What both records hold once where the schema allows it once (consents aside)."""
    found = []
    for table, column in _referring():
        if table.name == ContactConsent.__tablename__:
            continue
        for others, where in _unique_sets(table, column):
            partial = [where] if where is not None else []
            if not others:
                count = int(db.session.scalar(select(func.count()).select_from(table).where(
                    column.in_([keep.id, other.id]), *partial)) > 1)
            else:
                kept = select(*others).where(column == keep.id, *partial)
                same = others[0].in_(kept) if len(others) == 1 else tuple_(*others).in_(kept)
                count = db.session.scalar(select(func.count()).select_from(table).where(
                    column == other.id, same, *partial))
            if count:
                found.append(_("Both records have “%(kind)s” for the same thing (%(count)s): "
                               "end or correct one of them first.", kind=_label(table),
                               count=count))
    return found


def preview_merge(keep: Person, other: Person) -> Preview:
    """What joining ``other`` into ``keep`` would do, and what stops it."""
    if keep.id == other.id:
        raise DomainError(_("Choose another record: a record cannot be joined with itself."),
                          field="other")
    moved = []
    for table, column in _referring():
        count = db.session.scalar(select(func.count()).select_from(table)
                                  .where(column == other.id))
        if count:
            moved.append(Moved(table.name, _label(table), count))
    clashes = _clashes(keep, other)
    if keep.anonymised_at or other.anonymised_at:
        clashes.insert(0, _("A record whose personal data were anonymised cannot be joined."))
    filled = [name for name in FILLED if not getattr(keep, name) and getattr(other, name)]
    return Preview(keep, other, moved, clashes, filled)


def merge_persons(keep: Person, other: Person, actor) -> Preview:
    """Join ``other`` into ``keep`` (see the module's note); refused while anything
    clashes. The request commits."""
    preview = preview_merge(keep, other)
    if preview.clashes:
        raise DomainError(preview.clashes[0])
    _settle_consents(keep, other)
    for table, column in _referring():
        db.session.execute(update(table).where(column == other.id)
                           .values({column.name: keep.id}))
    db.session.execute(update(DataRequest).where(
        DataRequest.subject_kind == SubjectKind.PERSON, DataRequest.subject_id == other.id)
        .values(subject_id=keep.id))
    for name in preview.filled:
        setattr(keep, name, getattr(other, name))
    for name in JOINED:
        texts = [t for t in (getattr(keep, name), getattr(other, name)) if t.strip()]
        setattr(keep, name, "\n\n".join(dict.fromkeys(texts)))
    db.session.add(PersonMerge(person_id=keep.id, merged_id=other.id,
                               merged_by_id=getattr(actor, "id", None)))
    audit(actor, AuditAction.UPDATE, "person", keep.id, fields=[*preview.filled, *JOINED],
          detail=f"joined person {other.id}: " + ", ".join(
              f"{m.table} {m.rows}" for m in preview.moved))
    audit(actor, AuditAction.DELETE, "person", other.id, detail=f"joined into person {keep.id}")
    db.session.flush()
    db.session.expunge(other)
    db.session.execute(delete(Person).where(Person.id == other.id))
    db.session.expire(keep)
    return preview


def _settle_consents(keep: Person, other: Person) -> None:
    """Of two consents for one channel, the one given or withdrawn last stays."""
    rows = db.session.scalars(select(ContactConsent).where(
        ContactConsent.person_id.in_([keep.id, other.id])))
    by_channel: dict[str, list[ContactConsent]] = {}
    for row in rows:
        by_channel.setdefault(row.channel, []).append(row)
    for pair in by_channel.values():
        if len(pair) == 2:
            older = min(pair, key=lambda r: max(r.given_at, r.withdrawn_at or r.given_at))
            db.session.delete(older)
    db.session.flush()


def merged_ids(person_id: int) -> list[int]:
    """The numbers of the records joined into a person (for their audit log)."""
    return list(db.session.scalars(select(PersonMerge.merged_id)
                                   .where(PersonMerge.person_id == person_id)))


PAIRS_SHOWN = 100


def likely_pairs() -> list[tuple[Person, Person]]:
    """Records that may be of one person (cal.people.doubles), in one query, at most
    PAIRS_SHOWN."""
    return [(row[0], row[1]) for row in db.session.execute(doubles.pairs(PAIRS_SHOWN))]


def likely_for(person: Person) -> list[Person]:
    """The records that may be of ``person`` (as in the pairs), with their households."""
    other = aliased(Person)
    mine = select(Person).where(Person.id == person.id).subquery()
    return list(db.session.scalars(
        select(other).join(mine, doubles.alike(mine.c, other)).where(other.id != person.id)
        .options(selectinload(other.household)).order_by(other.id).limit(PAIRS_SHOWN)))

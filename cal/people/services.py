"""People and households: search, duplicate warning, special-category notes."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from cal.core.access import Role, has_role
from cal.core.audit import AuditAction, AuditLog, audit
from cal.core.errors import DomainError
from cal.core.text import fold
from cal.core.timeutil import local_day_end_utc, local_day_start_utc
from cal.extensions import db
from cal.people import contacts
from cal.people.models import District, Household, Person

SPECIAL_FIELDS = ("health_notes", "disability_notes")
PERSON_FIELDS = (
    "first_name", "last_name", "birth_date", "phone", "email", "address",
    "district_id", "household_id", "notes", "preferred_channel", *SPECIAL_FIELDS,
)
HOUSEHOLD_FIELDS = ("name", "address", "district_id", "phone", "notes")
PAGE_SIZE = 50


class DuplicateWarning(DomainError):
    """A person with the same name and birth year exists; the user must confirm."""

    def __init__(self, duplicates: list[Person]):
        super().__init__(_("A person with this name is already registered, perhaps the same one."))
        self.duplicates = duplicates


def can_see_special(user) -> bool:
    return has_role(user, Role.ADMIN, Role.COORDINATOR)


def list_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))


def save_district(district: District | None, data: dict, actor) -> District:
    """Add or change a district; names stay unique."""
    clash = db.session.scalar(select(District).where(District.name == data["name"]))
    if clash is not None and clash is not district:
        raise DomainError(_("A district of this name exists."), field="name")
    if district is None:
        district = District()
        db.session.add(district)
    district.name, district.x_km, district.y_km = data["name"], data["x_km"], data["y_km"]
    db.session.flush()
    audit(actor, AuditAction.UPDATE, "district", district.id, fields=["name", "x_km", "y_km"])
    return district


def _search_key(model, name: str) -> str:
    """The folded name, cut to the column (folding may lengthen it: ß -> ss)."""
    return fold(name)[: model.__table__.c.search_name.type.length]


def _name_filter(column, query: str):
    words = fold(query).split()
    return [column.contains(word, autoescape=True) for word in words]


def _search(model, query: str, limit: int | None, options: tuple, order_by: tuple):
    """Records whose folded name contains every word of ``query``, and how many match."""
    conditions = _name_filter(model.search_name, query)
    total = db.session.scalar(select(func.count(model.id)).where(*conditions))
    rows = db.session.scalars(
        select(model).where(*conditions).options(*options).order_by(*order_by).limit(limit)
    )
    return list(rows), total


def search_people(query: str = "", limit: int | None = PAGE_SIZE) -> tuple[list[Person], int]:
    """Persons whose name contains every word of ``query`` (accents ignored)."""
    return _search(
        Person, query, limit,
        options=(selectinload(Person.district), selectinload(Person.household)),
        order_by=(Person.last_name, Person.first_name, Person.id),
    )


def get_person(person_id: int) -> Person | None:
    return db.session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(selectinload(Person.district), selectinload(Person.household))
    )


def find_duplicates(first_name: str, last_name: str, birth_date: date | None,
                    exclude_id: int | None = None) -> list[Person]:
    """Persons who may be this one: the same name (accents and case ignored), and a
    year of birth that does not say otherwise (the same year, or one of the two not
    known: at the door a birth date is often not given)."""
    search = _search_key(Person, f"{last_name} {first_name}")
    candidates = db.session.scalars(
        select(Person).where(Person.search_name == search, Person.id != (exclude_id or 0))
    )
    year = birth_date.year if birth_date else None
    return [p for p in candidates
            if year is None or p.birth_date is None or p.birth_date.year == year]


def _apply(person: Person, data: dict, allowed: tuple[str, ...]) -> list[str]:
    household_id = data.get("household_id")
    if household_id is not None and db.session.get(Household, household_id) is None:
        raise DomainError(_("The household does not exist."), field="household_id")
    changed = []
    for name in allowed:
        if name in data and getattr(person, name) != data[name]:
            setattr(person, name, data[name])
            changed.append(name)
    person.search_name = _search_key(Person, f"{person.last_name} {person.first_name}")
    return changed


def _writable_fields(actor) -> tuple[str, ...]:
    if can_see_special(actor):
        return PERSON_FIELDS
    return tuple(f for f in PERSON_FIELDS if f not in SPECIAL_FIELDS)


def create_person(data: dict, actor, confirm_duplicate: bool = False,
                  consents: dict | None = None) -> Person:
    """Register a person; refuses a likely duplicate unless the user confirmed it.
    ``consents``: the consents to be written to, as the form gives them."""
    if not confirm_duplicate:
        duplicates = find_duplicates(data["first_name"], data["last_name"], data.get("birth_date"))
        if duplicates:
            raise DuplicateWarning(duplicates)
    person = Person()
    changed = _apply(person, with_household_defaults(data), _writable_fields(actor))
    db.session.add(person)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "person", person.id, fields=changed)
    if consents is not None:
        contacts.record(person, consents["wanted"], consents["way"], actor)
    return person


SHARED_WITH_HOUSEHOLD = ("address", "phone", "district_id")


def with_household_defaults(data: dict) -> dict:
    """A household member lives at the household's address and is reached on its phone
    unless told otherwise: what is left empty is taken from the household."""
    household = (db.session.get(Household, data["household_id"])
                 if data.get("household_id") else None)
    if household is None:
        return data
    return {**data, **{name: getattr(household, name) for name in SHARED_WITH_HOUSEHOLD
                       if not data.get(name) and getattr(household, name)}}


def update_person(person: Person, data: dict, actor, consents: dict | None = None) -> list[str]:
    changed = _apply(person, data, _writable_fields(actor))
    if changed:
        audit(actor, AuditAction.UPDATE, "person", person.id, fields=changed)
    if consents is not None:
        changed += contacts.record(person, consents["wanted"], consents["way"], actor)
    return changed


def read_special_notes(person: Person, actor) -> dict[str, str] | None:
    """The special-category notes for a user allowed to see them; the read is audited."""
    if not can_see_special(actor):
        return None
    audit(actor, AuditAction.READ, "person", person.id, fields=SPECIAL_FIELDS)
    return {name: getattr(person, name) for name in SPECIAL_FIELDS}


def search_households(query: str = "",
                      limit: int | None = PAGE_SIZE) -> tuple[list[Household], int]:
    return _search(
        Household, query, limit,
        options=(selectinload(Household.district), selectinload(Household.members)),
        order_by=(Household.name, Household.id),
    )


def get_household(household_id: int) -> Household | None:
    if not 1 <= household_id < 2**31:
        return None
    return db.session.scalar(
        select(Household)
        .where(Household.id == household_id)
        .options(selectinload(Household.district), selectinload(Household.members))
    )


def save_household(household: Household | None, data: dict, actor) -> Household:
    created = household is None
    household = household or Household()
    changed = [n for n in HOUSEHOLD_FIELDS if n in data and getattr(household, n) != data[n]]
    for name in changed:
        setattr(household, name, data[name])
    household.search_name = _search_key(Household, household.name)
    if created:
        db.session.add(household)
        db.session.flush()
    if changed:
        action = AuditAction.CREATE if created else AuditAction.UPDATE
        audit(actor, action, "household", household.id, fields=changed)
    return household


def filter_audit_log(user_id: int | None = None, action: str | None = None,
                     entity: str | None = None, date_from: date | None = None,
                     date_to: date | None = None):
    """The audit log, newest first, as a select to paginate."""
    stmt = select(AuditLog).options(selectinload(AuditLog.user)).order_by(AuditLog.id.desc())
    if user_id:
        stmt = stmt.where(AuditLog.user_id == user_id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if date_from:
        stmt = stmt.where(AuditLog.at >= local_day_start_utc(date_from))
    if date_to:
        stmt = stmt.where(AuditLog.at < local_day_end_utc(date_to))
    return stmt

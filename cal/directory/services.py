"""Keeping the directory: entries saved and checked, the public search, and the entries
whose check is older than a year."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.text import fold
from cal.directory.models import ACCESSIBILITY, CATEGORY_LABELS, Category, DirectoryEntry
from cal.extensions import db
from cal.people.models import District

FIELDS = ("name", "category", "description", "address", "district_id", "phone", "email",
          "website", "hours", "eligibility", "cost", "source", "checked_on", "active",
          *ACCESSIBILITY)
CHECK_AFTER = timedelta(days=365)  # an entry not checked for a year is listed for a check
SHOWN = 200
QUERY_MAX = 100  # characters of a search that are looked for


def search_text_of(entry: DirectoryEntry) -> str:
    """What a search looks in: the entry's words, its category, district and the
    accessibility of the place as the page names them (in Polish), folded."""
    with force_locale("pl"):
        labels = [str(CATEGORY_LABELS[Category(entry.category)])] + [
            str(ACCESSIBILITY[name]) for name in entry.accessibility]
    district = db.session.get(District, entry.district_id) if entry.district_id else None
    return fold(" ".join(text or "" for text in (
        entry.name, entry.description, entry.eligibility, entry.address, entry.cost,
        district.name if district else "", *labels)))


def stems(query: str) -> list[str]:
    """The query's words without their Polish endings, roughly: a word of five letters or
    more loses its last two ("wozek" finds "wózkach", "prawna" finds "prawny")."""
    words = fold(query[:QUERY_MAX]).split()[:10]  # a search box's worth, never a flood
    return [word[:-2] if len(word) >= 5 else word for word in words]


def save(entry: DirectoryEntry | None, data: dict, actor, today: date) -> DirectoryEntry:
    if data.get("checked_on") and data["checked_on"] > today:
        raise DomainError(_("The check cannot be in the future."), field="checked_on")
    new = entry is None
    entry = entry or DirectoryEntry()
    changed = [name for name in FIELDS if name in data and getattr(entry, name) != data[name]]
    for name in changed:
        setattr(entry, name, data[name])
    entry.search_text = search_text_of(entry)
    db.session.add(entry)
    db.session.flush()
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "directory_entry",
          entry.id, fields=changed)
    return entry


def mark_checked(entry: DirectoryEntry, actor, today: date) -> None:
    entry.checked_on = today
    audit(actor, AuditAction.UPDATE, "directory_entry", entry.id, fields=["checked_on"],
          detail="checked")


def search(query: str = "", category: Category | None = None, district_id: int | None = None,
           include_inactive: bool = False) -> list[DirectoryEntry]:
    """Entries with every word of ``query`` (accents ignored), of a category and a
    district, by category and name; one query."""
    stmt = (select(DirectoryEntry).options(joinedload(DirectoryEntry.district))
            .order_by(DirectoryEntry.name).limit(SHOWN))
    for word in stems(query):
        stmt = stmt.where(DirectoryEntry.search_text.contains(word, autoescape=True))
    if category is not None:
        stmt = stmt.where(DirectoryEntry.category == category)
    if district_id:
        stmt = stmt.where(DirectoryEntry.district_id == district_id)
    if not include_inactive:
        stmt = stmt.where(DirectoryEntry.active.is_(True))
    order = list(Category)  # the categories in the order the page lists them
    return sorted(db.session.scalars(stmt),
                  key=lambda entry: (order.index(entry.category), fold(entry.name)))


def get(entry_id: int) -> DirectoryEntry | None:
    return db.session.scalar(select(DirectoryEntry).where(DirectoryEntry.id == entry_id)
                             .options(joinedload(DirectoryEntry.district)))


def to_check(today: date) -> list[DirectoryEntry]:
    """Active entries last checked more than a year ago, the oldest first."""
    return list(db.session.scalars(
        select(DirectoryEntry).where(DirectoryEntry.active.is_(True),
                                     DirectoryEntry.checked_on < today - CHECK_AFTER)
        .order_by(DirectoryEntry.checked_on, DirectoryEntry.name)))


def district_names() -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in districts()]


def districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.name)))

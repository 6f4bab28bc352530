"""Keeping the register of partners: a partner and its agreement, its contact people and
the cooperation log; the list's search and filters, its rows for a spreadsheet, and
everything done together as the rooms above tell it (cal/core/rooms.py, partner_work)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.rooms import Together, registry
from cal.core.text import fold
from cal.extensions import db
from cal.partners.models import (
    LOG_KIND_LABELS,
    PARTNER_KIND_LABELS,
    LogEntry,
    Partner,
    PartnerContact,
    PartnerKind,
)
from cal.partners.names import name_key

# Who keeps the register, and who reads it (DESIGN.md, roles): project managers link
# partners to their projects, leaders call a school or the library about their groups.
KEEPERS = (Role.ADMIN, Role.COORDINATOR)
READERS = (*KEEPERS, Role.PROJECT_MANAGER, Role.LEADER)
# The cooperation log and the files: those who keep the register and report on projects.
# A referral's note is about the centre's work, but the log is no leader's business.
LOG_READERS = (*KEEPERS, Role.PROJECT_MANAGER)
FIELDS = ("name", "kind", "address", "phone", "email", "website", "agreement_from",
          "agreement_until", "agreement_note", "notes", "active")
CONTACT_FIELDS = ("first_name", "last_name", "position", "phone", "email", "notes")
SHOWN = 500


def reads_log(user) -> bool:
    return user.is_authenticated and user.role in LOG_READERS


def keeps(user) -> bool:
    return user.is_authenticated and user.role in KEEPERS


def reads(user) -> bool:
    return bool(user and user.is_authenticated and user.role in READERS)


# --- the partner -----------------------------------------------------------------------

def search_text_of(partner: Partner) -> str:
    with force_locale("pl"):
        kind = str(PARTNER_KIND_LABELS[PartnerKind(partner.kind)])
    return fold(" ".join(text or "" for text in (
        partner.name, kind, partner.address, partner.email, partner.agreement_note,
        partner.notes)))


def _same_name(name: str, partner_id: int | None) -> Partner | None:
    key = name_key(name)
    return next((p for p in db.session.scalars(select(Partner)) if p.id != partner_id
                 and name_key(p.name) == key), None)


def save_partner(partner: Partner | None, data: dict, actor) -> Partner:
    """A new partner or the changes to one. An agreement cannot end before it starts,
    and a name is in the register once (spelt with or without Polish letters)."""
    starts, ends = data.get("agreement_from"), data.get("agreement_until")
    if starts and ends and ends < starts:
        raise DomainError(_("The agreement cannot end before it starts."),
                          field="agreement_until")
    if _same_name(data["name"], partner.id if partner else None):
        raise DomainError(_("A partner of this name is in the register already."),
                          field="name")
    new = partner is None
    partner = partner or Partner()
    changed = [name for name in FIELDS if name in data and getattr(partner, name) != data[name]]
    for name in changed:
        setattr(partner, name, data[name])
    partner.search_text = search_text_of(partner)
    db.session.add(partner)
    db.session.flush()
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "partner", partner.id,
          fields=changed)
    return partner


def get(partner_id: int) -> Partner | None:
    return db.session.get(Partner, partner_id)


def find(query: str = "", kind: PartnerKind | None = None, active: bool | None = True,
         limit: int | None = SHOWN) -> list[Partner]:
    """Partners with every word of ``query`` (Polish letters or not), of a kind, active
    or not (None: both), by name; one query."""
    stmt = select(Partner).order_by(Partner.name, Partner.id)
    for word in fold(query).split()[:10]:
        stmt = stmt.where(Partner.search_text.contains(word, autoescape=True))
    if kind is not None:
        stmt = stmt.where(Partner.kind == kind)
    if active is not None:
        stmt = stmt.where(Partner.active.is_(active))
    return sorted(db.session.scalars(stmt.limit(limit)), key=lambda p: fold(p.name))


def choices(keep: list[int] | tuple[int, ...] = ()) -> list[tuple[int, str]]:
    """(id, name) of the active partners, and of ``keep`` whatever they are, by name:
    what a project's or an event's form offers."""
    rows = db.session.execute(select(Partner.id, Partner.name).where(
        Partner.active.is_(True) | Partner.id.in_(list(keep))))
    return sorted(((i, n) for i, n in rows), key=lambda row: fold(row[1]))


def named(*names: str) -> list[int]:
    """The ids of the partners of these names (any spelling), as far as they are there."""
    keys = {name_key(name) for name in names}
    return [p.id for p in db.session.scalars(select(Partner)) if name_key(p.name) in keys]


def linked(link_table, column, record_id: int) -> list[Partner]:
    """The partners linked to a record of a room above through its ``link_table`` (the
    record's id in ``column``), by name; one query."""
    return sorted(db.session.scalars(select(Partner).join(
        link_table, link_table.c.partner_id == Partner.id).where(column == record_id)),
        key=lambda p: fold(p.name))


# --- contact people ------------------------------------------------------------------------

def contacts_of(partner_ids: list[int]) -> dict[int, list[PartnerContact]]:
    """The contact people of the partners, by partner, by name; one query."""
    found = defaultdict(list)
    if partner_ids:
        for contact in db.session.scalars(select(PartnerContact).where(
                PartnerContact.partner_id.in_(partner_ids),
                PartnerContact.anonymised_at.is_(None))
                .order_by(PartnerContact.last_name, PartnerContact.first_name)):
            found[contact.partner_id].append(contact)
    return found


def get_contact(partner: Partner, contact_id: int) -> PartnerContact | None:
    contact = db.session.get(PartnerContact, contact_id)
    return contact if contact and contact.partner_id == partner.id else None


def save_contact(partner: Partner, contact: PartnerContact | None, data: dict,
                 actor) -> PartnerContact:
    if not (data.get("phone") or data.get("email")):
        raise DomainError(_("Give a phone or an e-mail: a contact is for reaching someone."),
                          field="phone")
    new = contact is None
    contact = contact or PartnerContact(partner_id=partner.id)
    changed = [name for name in CONTACT_FIELDS if getattr(contact, name) != data[name]]
    for name in changed:
        setattr(contact, name, data[name])
    db.session.add(contact)
    db.session.flush()
    audit(actor, AuditAction.CREATE if new else AuditAction.UPDATE, "partner_contact",
          contact.id, fields=changed)
    return contact


def remove_contact(contact: PartnerContact, actor) -> None:
    """A person no longer the partner's contact: their data go at once (nothing else
    refers to them; RODO art. 5(1)(e)), the log keeps that they were removed."""
    audit(actor, AuditAction.DELETE, "partner_contact", contact.id)
    db.session.execute(delete(PartnerContact).where(PartnerContact.id == contact.id))


# --- the cooperation log -------------------------------------------------------------------

def add_log_entry(partner: Partner, data: dict, actor, today: date) -> LogEntry:
    if data["held_on"] > today:
        raise DomainError(_("The log records what was done: the day cannot be in the "
                            "future."), field="held_on")
    entry = LogEntry(partner_id=partner.id, held_on=data["held_on"], kind=data["kind"],
                     note=data["note"], created_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "partner_log", entry.id, detail=f"partner {partner.id}")
    return entry


def log_of(partner: Partner, limit: int = 200) -> list[LogEntry]:
    return list(db.session.scalars(
        select(LogEntry).where(LogEntry.partner_id == partner.id)
        .options(joinedload(LogEntry.created_by))
        .order_by(LogEntry.held_on.desc(), LogEntry.id.desc()).limit(limit)))


# --- done together ---------------------------------------------------------------------------

def together(partner: Partner, user) -> list[Together]:
    """Everything done with the partner that ``user`` may see, as each room above tells
    it, the latest first (undated last)."""
    done = [item for work in registry().partner_work for item in work(partner.id, user)]
    return sorted(done, key=lambda item: (item.on is not None, item.on or date.min),
                  reverse=True)


LABELS = {"kinds": PARTNER_KIND_LABELS, "log_kinds": LOG_KIND_LABELS}

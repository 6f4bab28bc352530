"""The contact book of records that stand for someone who is not a user: either a
person of the registry (told as the registry has them) or a name and a phone, and
perhaps an e-mail, typed for someone not yet known (told by the consents given there).
An event's registrations and a duty's appointments are such records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from cal.core.audit import AuditAction, audit
from cal.core.phones import e164, is_mobile
from cal.core.reach import Contact, ContactBook, Unlinked
from cal.extensions import db
from cal.notifications.delivery import contacts_of


def walk_in_book(name: str, model, entity: str,
                 describe: Callable[[list], dict[int, str]] | None = None) -> ContactBook:
    """``model`` has ``person_id``, ``name``, ``phone``, ``sms_consent_at`` and
    ``anonymised_at``; when it also has ``email`` and ``consent_at``, the e-mail given
    with that consent reaches them too. ``entity`` names it in the audit log, where a
    STOP reply's withdrawal is written. ``describe(rows)`` says what each record is (the
    event and its day), for the administrator who links records to a person."""
    with_email = hasattr(model, "email") and hasattr(model, "consent_at")

    def contacts(ids: list[int]) -> dict[int, Contact]:
        rows = list(db.session.scalars(select(model).where(model.id.in_(ids))))
        people = contacts_of("person", [r.person_id for r in rows if r.person_id is not None])
        found = {}
        for row in rows:
            if row.anonymised_at is not None:
                found[row.id] = Contact(first_name="")
            elif row.person_id is not None:
                found[row.id] = people.get(row.person_id, Contact(first_name=""))
            else:
                mobile = e164(row.phone) if is_mobile(row.phone) else ""
                email = row.email if with_email else ""
                found[row.id] = Contact(
                    first_name=(row.name or "").split(" ")[0], name=row.name, phone=mobile,
                    email=email, sms=bool(mobile) and row.sms_consent_at is not None,
                    email_ok=bool(email) and row.consent_at is not None)
        return found

    def stop(phone: str, at: datetime, how: str) -> int:
        """A STOP reply: no more text messages to the records made with this number."""
        rows = [row for row in db.session.scalars(select(model).where(
            model.sms_consent_at.is_not(None), model.anonymised_at.is_(None),
            model.phone != "")) if e164(row.phone) == phone]
        for row in rows:
            row.sms_consent_at = None
            audit(None, AuditAction.UPDATE, entity, row.id, fields=["sms"],
                  detail=f"sms:withdrawn ({how})"[:200])
        return len(rows)

    def unlinked(phone: str, email: str) -> list[Unlinked]:
        """The records made with this number or address, linked to no person."""
        rows = [row for row in db.session.scalars(
                    select(model).where(model.person_id.is_(None), model.anonymised_at.is_(None))
                    .order_by(model.id))
                if (phone and row.phone and e164(row.phone) == phone)
                or (email and with_email and (row.email or "").strip().lower() == email)]
        said = describe(rows) if describe else {}
        return [Unlinked(name, row.id, f"{said.get(row.id, '')} — {row.name}".strip(" —"),
                         sms=row.sms_consent_at is not None and bool(phone)
                         and e164(row.phone) == phone,
                         email_ok=with_email and bool(email) and row.consent_at is not None
                         and (row.email or "").strip().lower() == email)
                for row in rows]

    def link(ids: list[int], person_id: int, actor) -> None:
        for row in db.session.scalars(select(model).where(model.id.in_(ids),
                                                          model.person_id.is_(None))):
            row.person_id = person_id
            audit(actor, AuditAction.UPDATE, entity, row.id, fields=["person_id"],
                  detail=f"linked to person {person_id}")

    return ContactBook(name, contacts, stop, unlinked=unlinked, link=link)

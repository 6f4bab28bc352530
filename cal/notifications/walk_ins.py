"""The contact book of records that stand for someone who is not a user: either a
person of the registry (told as the registry has them) or a name and a phone, and
perhaps an e-mail, typed for someone not yet known (told by the consents given there).
An event's registrations and a duty's appointments are such records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cal.core.audit import AuditAction, audit
from cal.core.phones import e164, is_mobile
from cal.core.reach import Contact, ContactBook
from cal.extensions import db
from cal.notifications.delivery import contacts_of


def walk_in_book(name: str, model, entity: str) -> ContactBook:
    """``model`` has ``person_id``, ``name``, ``phone``, ``sms_consent_at`` and
    ``anonymised_at``; when it also has ``email`` and ``consent_at``, the e-mail given
    with that consent reaches them too. ``entity`` names it in the audit log, where a
    STOP reply's withdrawal is written."""
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

    return ContactBook(name, contacts, stop)

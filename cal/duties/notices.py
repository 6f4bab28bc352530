"""What the people of appointments are told (a reminder the day before, a
cancellation), and the "appointment" contact book: a person of the registry as the
registry has them, someone known only by name and phone by the consent given when
booking. The text names the duty, the time and the place, never the topic."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from cal.core.audit import AuditAction, audit
from cal.core.phones import e164, is_mobile
from cal.core.reach import Contact, ContactBook
from cal.core.timeutil import to_local
from cal.duties.models import Appointment
from cal.extensions import db
from cal.notifications.delivery import contacts_of
from cal.notifications.outbox import tell_contact


def _what(appointment, duty) -> str:
    return f"{duty.title}, {to_local(appointment.starts_at):%d.%m.%Y %H:%M}, {duty.place}"


def _text(appointment, duty, kind: str) -> tuple[str, str]:
    what = _what(appointment, duty)
    if kind == "cancelled":
        return (_("Cancelled: %(title)s", title=duty.title),
                _("We are sorry: your appointment (%(what)s) is cancelled. Reason: %(reason)s. "
                  "Call us to book another date.", what=what, reason=appointment.cancel_reason))
    return (_("Tomorrow: %(title)s", title=duty.title),
            _("We remind you of your appointment: %(what)s. If you cannot come, please "
              "call us.", what=what))


def tell_person(appointment, duty, kind: str, due_at: datetime | None = None) -> bool:
    """Tell the person of an appointment through the outbox; False when they cannot be
    reached (no contact, or no consent)."""
    return tell_contact("appointment", appointment.id, f"appointment_{kind}",
                        f"appointment:{appointment.id}:{kind}",
                        lambda: _text(appointment, duty, kind)[0],
                        lambda: _text(appointment, duty, kind)[1], due_at=due_at) is not None


def appointment_contacts(ids: list[int]) -> dict[int, Contact]:
    rows = list(db.session.scalars(select(Appointment).where(Appointment.id.in_(ids))))
    people = contacts_of("person", [r.person_id for r in rows if r.person_id is not None])
    found = {}
    for row in rows:
        if row.anonymised_at is not None:
            found[row.id] = Contact(first_name="")
        elif row.person_id is not None:
            found[row.id] = people.get(row.person_id, Contact(first_name=""))
        else:
            mobile = e164(row.phone) if is_mobile(row.phone) else ""
            found[row.id] = Contact(first_name=(row.name or "").split(" ")[0], name=row.name,
                                    phone=mobile,
                                    sms=bool(mobile) and row.sms_consent_at is not None)
    return found


def stop(phone: str, at: datetime, how: str) -> int:
    """A STOP reply: no more text messages to appointments booked with this number."""
    rows = [row for row in db.session.scalars(select(Appointment).where(
        Appointment.sms_consent_at.is_not(None), Appointment.anonymised_at.is_(None),
        Appointment.phone != "")) if e164(row.phone) == phone]
    for row in rows:
        row.sms_consent_at = None
        audit(None, AuditAction.UPDATE, "appointment", row.id, fields=["sms"],
              detail=f"sms:withdrawn ({how})"[:200])
    return len(rows)


BOOK = ContactBook("appointment", appointment_contacts, stop)

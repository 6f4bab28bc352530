"""The contacts of persons of the registry, and their consents to be written to.

A consent is given for one channel and one address (the mobile number or the e-mail as
it was when given): a changed number needs the consent asked again. It is withdrawn by
unticking it in the registry, or by a STOP reply to a text message, at once. The registry
is the "person" contact book (cal.core.reach): messages and notices read it when they
are sent, so a withdrawn consent stops a message already waiting.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from cal.core.access import Role
from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.phones import e164, is_mobile
from cal.core.reach import Audience, Contact, ContactBook, Recipient
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications.models import Notification
from cal.people.models import ConsentWay, ContactConsent, Person

CHANNELS = ("sms", "email")


def _address(person: Person, channel: str) -> str:
    if channel == "sms":
        return e164(person.phone) if is_mobile(person.phone) else ""
    return (person.email or "").strip().lower()


def consents_of(person_id: int) -> dict[str, ContactConsent]:
    rows = db.session.scalars(select(ContactConsent).where(
        ContactConsent.person_id == person_id))
    return {row.channel: row for row in rows}


def standing(person: Person, consents: dict[str, ContactConsent]) -> dict[str, bool]:
    """Whether each channel's consent stands for the person's present address."""
    return {channel: (row := consents.get(channel)) is not None and row.active
            and bool(row.address) and row.address == _address(person, channel)
            for channel in CHANNELS}


def record(person: Person, wanted: dict[str, bool], way: str | None, actor) -> list[str]:
    """Give or withdraw the consents as the form says (``wanted``: channel -> ticked; a
    channel the form does not ask about is left as it is), for the person's present
    phone and e-mail; returns the channels changed."""
    consents = consents_of(person.id)
    now_standing = standing(person, consents)
    changed = []
    for channel in (c for c in CHANNELS if c in wanted):
        row = consents.get(channel)
        if wanted.get(channel) and not now_standing[channel]:
            address = _address(person, channel)
            if not address:
                raise DomainError(
                    _("Text messages need a mobile phone number.") if channel == "sms"
                    else _("Give the e-mail address first."), field=f"{channel}_consent")
            if not way:
                raise DomainError(_("Say how the consent was given."), field="consent_way")
            row = row or ContactConsent(person_id=person.id, channel=channel)
            row.address, row.given_at, row.way = address, utcnow(), ConsentWay(way)
            row.withdrawn_at, row.withdrawn_how = None, ""
            db.session.add(row)
            changed.append(channel)
        elif not wanted.get(channel) and row is not None and row.active:
            row.withdrawn_at, row.withdrawn_how = utcnow(), "registry"
            changed.append(channel)
    if changed:
        db.session.flush()
        audit(actor, AuditAction.UPDATE, "contact_consent", person.id, fields=changed,
              detail=" ".join(f"{c}:{'given' if wanted.get(c) else 'withdrawn'}"
                              for c in changed))
    return changed


def messages_to(person_id: int, limit: int = 20) -> list:
    """What the person was told, the latest first (the history kept per person)."""
    return list(db.session.scalars(select(Notification).where(
        Notification.person_id == person_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def person_contacts(ids: list[int]) -> dict[int, Contact]:
    """The "person" contact book: each person's contact and consents, now (two queries
    for any number of persons)."""
    people = list(db.session.scalars(select(Person).where(Person.id.in_(ids))))
    consents: dict[int, dict[str, ContactConsent]] = {}
    for row in db.session.scalars(select(ContactConsent).where(
            ContactConsent.person_id.in_(ids))):
        consents.setdefault(row.person_id, {})[row.channel] = row
    found = {}
    for person in people:
        if person.anonymised_at is not None:
            found[person.id] = Contact(first_name="")
            continue
        ok = standing(person, consents.get(person.id, {}))
        found[person.id] = Contact(
            first_name=person.first_name, name=person.full_name, phone=_address(person, "sms"),
            email=_address(person, "email"), sms=ok["sms"], email_ok=ok["email"],
            preferred=person.preferred_channel)
    return found


def stop(phone: str, at: datetime, how: str) -> int:
    """Withdraw every text-message consent given for this number (a STOP reply)."""
    rows = list(db.session.scalars(select(ContactConsent).where(
        ContactConsent.channel == "sms", ContactConsent.address == phone,
        ContactConsent.withdrawn_at.is_(None))))
    if rows:
        db.session.execute(update(ContactConsent).where(
            ContactConsent.id.in_([row.id for row in rows]))
            .values(withdrawn_at=at, withdrawn_how=how[:80]))
        for row in rows:
            audit(None, AuditAction.UPDATE, "contact_consent", row.person_id,
                  fields=["sms"], detail=f"sms:withdrawn ({how})"[:200])
    return len(rows)


BOOK = ContactBook("person", person_contacts, stop)
CHOSEN_MAX = 200  # people ticked on the registry's list for one message


def recipients(*conditions) -> list[Recipient]:
    """The persons meeting ``conditions`` as recipients of the "person" contact book, by
    name (one query): a group's members, the senior centre's, people chosen."""
    rows = db.session.execute(select(Person.id, Person.first_name, Person.last_name)
                              .where(*conditions).order_by(Person.last_name, Person.first_name))
    return [Recipient(f"{first} {last}", book="person", ref=pid) for pid, first, last in rows]


def _chosen(ref) -> list[Recipient]:
    ids = [i for i in (ref or ()) if isinstance(i, int)][:CHOSEN_MAX]
    return recipients(Person.id.in_(ids), Person.anonymised_at.is_(None))


CHOSEN = Audience(
    "people", _l("People chosen in the registry"), lambda _user: None,
    lambda user, _ref: user.role in (Role.ADMIN, Role.COORDINATOR), _chosen,
    lambda ref: _("People chosen in the registry (%(n)d)", n=len(ref or ())),
    position=60, chosen=True)

"""Records a resident made with their phone number or e-mail address before the registry
knew them (a registration for an event, an appointment at a duty hour), linked to their
record when they ask what the centre keeps about them or to have it erased (RODO art. 15
and 17): the administrator sees the records made with the person's number or address,
chooses those that are theirs (a family may share a phone), and links them. The request's
copy and erasure then reach them, as everything else linked to the person."""

from __future__ import annotations

from flask_babel import gettext as _

from cal.core.errors import DomainError
from cal.core.phones import e164, is_mobile
from cal.core.reach import Unlinked
from cal.core.rooms import registry
from cal.people import contacts
from cal.people.models import ConsentWay, Person


def unlinked_of(person: Person) -> list[Unlinked]:
    """The records made with the person's phone number or e-mail address, linked to no
    person, as each room's contact book finds them."""
    phone, email = e164(person.phone or ""), (person.email or "").strip().lower()
    if not phone and not email:
        return []
    return [found for book in registry().contact_books.values() if book.unlinked
            for found in book.unlinked(phone, email)]


def link(person: Person, keys: list[str], actor) -> int:
    """Link the chosen records (``Unlinked.key``) to the person; a consent to messages
    given with one of them becomes the person's, for the same number or address.
    Returns how many were linked."""
    offered = {found.key: found for found in unlinked_of(person)}
    chosen = [offered[key] for key in keys if key in offered]
    if not chosen:
        raise DomainError(_("Choose the records that are this person's."), field="records")
    books = registry().contact_books
    for name in {found.book for found in chosen}:
        books[name].link([f.ref for f in chosen if f.book == name], person.id, actor)
    wanted = {"sms": True} if any(f.sms for f in chosen) and is_mobile(person.phone) else {}
    if any(f.email_ok for f in chosen):
        wanted["email"] = True
    standing = contacts.standing(person, contacts.consents_of(person.id))
    wanted = {channel: True for channel in wanted if not standing[channel]}
    if wanted:
        contacts.record(person, wanted, ConsentWay.ONLINE.value, actor)
    return len(chosen)


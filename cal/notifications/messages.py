"""Messages staff write to a group of people: a group's members, an event's registrants,
the volunteers on its shifts, all active volunteers, all senior-centre members.

Who is in each audience, and who may write to it, the rooms say (cal.core.reach). Before
a send the writer sees a plan: how many each channel reaches, who cannot be reached and
why, the text message's length and parts, and its cost. The send writes one outbox row
per recipient (a user: in the app and by e-mail as they set it; anyone else: the one
channel they can be reached on) and hands them to the workers; each row is delivered
once (cal.notifications.delivery). The form's key makes a send confirmed twice one send.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.auth.models import User
from cal.core.audit import AuditAction, audit
from cal.core.centre import centre
from cal.core.errors import DomainError
from cal.core.reach import Audience, Contact, Recipient
from cal.core.rooms import registry
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import delivery, outbox, sms
from cal.notifications.models import Channel, Message, Notification

CHANNEL_LABELS = {"sms": _l("text message"), "email": _l("e-mail"),
                  "inapp": _l("in the app")}
NO_ACCOUNT = _l("no account in the platform (tell them by phone)")
SAME_ADDRESS = _l("the same number or address as someone above: told once")
MAX_CHARACTERS = 1000  # an e-mail could take more; a text message of 10 parts cannot


@dataclass
class Plan:
    audience: Audience
    ref: int | None
    label: str
    text: str
    recipients: list[Recipient]
    channels: dict[str, Channel | None] = field(default_factory=dict)  # key -> channel
    contacts: dict[str, Contact] = field(default_factory=dict)
    unreachable: list[tuple[str, str]] = field(default_factory=list)
    users: int = 0
    length: sms.Length | None = None
    footer: str = ""
    cost: Decimal = Decimal(0)

    @property
    def counts(self) -> Counter:
        return Counter(channel.value for channel in self.channels.values() if channel)

    @property
    def reached(self) -> int:
        return self.users + sum(self.counts.values())


def audiences_for(user) -> list[tuple[Audience, list[tuple[int, str]] | None]]:
    """The audiences the user may write to, with the records of each they may choose."""
    found = []
    for audience in sorted(registry().audiences.values(), key=lambda a: a.position):
        if audience.chosen:
            continue  # reached from the list where the people are ticked
        choices = audience.choices(user)
        if choices is None:
            if audience.may(user, None):
                found.append((audience, None))
        else:
            choices = list(choices)
            if choices:
                found.append((audience, choices))
    return found


def audience_of(name: str) -> Audience | None:
    return registry().audiences.get(name)


def plan(name: str, ref, text: str, user) -> Plan:
    """What a send would do; refuses what cannot be sent, with the field to blame."""
    audience = audience_of(name)
    if audience is None or not audience.may(user, ref):
        raise DomainError(_("Choose whom to write to."), field="audience")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the message."), field="body")
    if len(text) > MAX_CHARACTERS:
        raise DomainError(_("The message is longer than %(n)d characters.", n=MAX_CHARACTERS),
                          field="body")
    recipients = audience.members(ref)
    result = Plan(audience, ref, audience.label(ref), text, recipients)
    by_book: dict[str, list[int]] = {}
    for recipient in recipients:
        if recipient.user_id is not None:
            result.users += 1
        else:
            by_book.setdefault(recipient.book, []).append(recipient.ref)
    for book, refs in by_book.items():
        for ref_id, contact in delivery.contacts_of(book, refs).items():
            result.contacts[f"{book}:{ref_id}"] = contact
    books = registry().contact_books
    seen: set = set()
    for recipient in recipients:
        if recipient.user_id is not None:
            continue
        if recipient.book not in books:  # a volunteer without an account of the platform
            result.channels[recipient.key] = None
            result.unreachable.append((recipient.name, str(NO_ACCOUNT)))
            continue
        contact = result.contacts.get(recipient.key)
        channel, why = outbox.channel_for(contact)
        address = (channel, contact.phone if channel == Channel.SMS else contact.email
                   ) if channel is not None else None
        if address is not None and address in seen:  # one parent, two registrations
            channel, why = None, [str(SAME_ADDRESS)]
        seen.add(address)
        result.channels[recipient.key] = channel
        if channel is None:
            result.unreachable.append((recipient.name, "; ".join(why)))
    result.footer = sms.footer()
    result.length = sms.length(f"{text} {result.footer}")
    if result.length.parts > sms.MAX_PARTS and result.counts.get("sms"):
        raise DomainError(_("As a text message this would take %(parts)d parts; the gateway "
                            "sends at most %(max)d. Shorten it.", parts=result.length.parts,
                            max=sms.MAX_PARTS), field="body")
    result.cost = sms.cost(result.length.parts * result.counts.get("sms", 0))
    return result


def nobody_reached() -> DomainError:
    return DomainError(_("Nobody in this group can be reached: see the list below."),
                       field="audience")


def send(planned: Plan, actor) -> Message:
    """Write the message and one outbox row for each recipient it reaches; they are
    handed to the workers once the response has gone out."""
    if planned.reached == 0:
        raise nobody_reached()
    message = Message(author_id=actor.id, audience=planned.audience.name,
                      audience_ref=planned.ref if isinstance(planned.ref, int) else None,
                      audience_label=planned.label[:200],
                      body=planned.text, recipients=planned.reached)
    db.session.add(message)
    db.session.flush()
    subject = f"message:{message.id}"
    title = _("A message from %(centre)s", centre=centre().name)
    now = utcnow()
    rows = []
    for recipient in planned.recipients:
        if recipient.user_id is not None:
            outbox.tell(recipient.user_id, "message", subject, title, planned.text,
                        message_id=message.id)
            continue
        channel = planned.channels.get(recipient.key)
        if channel is None:
            continue
        rows.append(Notification(
            user_id=None, contact=recipient.key, message_id=message.id,
            person_id=recipient.ref if recipient.book == "person" else None, channel=channel,
            kind="message", subject=subject, title=title[:200], body=planned.text, due_at=now,
            dedup_key=f"message:{subject}:{recipient.key}:{channel.value}:{now.date()}"))
    db.session.add_all(rows)
    db.session.flush()
    audit(actor, AuditAction.CREATE, "message", message.id,
          detail=f"{planned.audience.name}:{planned.ref or ''} to {planned.reached}")
    outbox.hand_on_after_response([row.id for row in rows])
    return message


def history(user, limit: int = 50) -> list[Message]:
    """The messages the user wrote (all of them for coordinators and administrators)."""
    stmt = select(Message).order_by(Message.created_at.desc()).limit(limit)
    if user.role.value not in ("admin", "coordinator"):
        stmt = stmt.where(Message.author_id == user.id)
    return list(db.session.scalars(stmt))


def may_read(message: Message, user) -> bool:
    if user.role.value in ("admin", "coordinator") or message.author_id == user.id:
        return True
    audience = audience_of(message.audience)
    return (audience is not None and not audience.chosen
            and audience.may(user, message.audience_ref))


def deliveries(message: Message) -> list[tuple[str, Notification]]:
    """Each recipient's rows, with the recipient's name as their record has it now (a
    query for the rows, and one for each contact book and for the users)."""
    rows = list(db.session.scalars(select(Notification).where(
        Notification.message_id == message.id).order_by(Notification.id)))
    names: dict[str, str] = {}
    by_book: dict[str, list[int]] = {}
    for row in rows:
        book, _, ref = row.contact.partition(":")
        if ref.isdigit():
            by_book.setdefault(book, []).append(int(ref))
    for book, refs in by_book.items():
        for ref, contact in delivery.contacts_of(book, refs).items():
            names[f"{book}:{ref}"] = contact.name
    user_ids = {row.user_id for row in rows if row.user_id is not None}
    if user_ids:
        names.update({f"u{uid}": name for uid, name in db.session.execute(
            select(User.id, User.full_name).where(User.id.in_(user_ids)))})
    return [(names.get(f"u{row.user_id}" if row.user_id else row.contact) or "—", row)
            for row in rows]

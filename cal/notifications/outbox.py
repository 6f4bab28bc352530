"""Writing to the outbox: one notification per kind, subject, recipient, channel and due
day, however often the same event is reported (the database keeps the key unique).

`tell` is the one way to tell a user something: it writes the in-app notification and
the e-mail (each unless the user turned it off), in the user's language. `tell_contact`
is the one way to tell someone who is not a user (a person of the registry, a resident
registered for an event): one row, on the channel they prefer among those they consented
to (cal.core.reach), in Polish. A notification written while a page is answered is
handed to a worker once the response has gone out; one written by a scan is handed on
by the scan.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import after_this_request, current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from cal.auth.models import User
from cal.core.reach import Contact
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import delivery, preferences, sms
from cal.notifications.models import Channel, Notification

# A text, a lazy text (made in the recipient's language), or a function making one.
Text = str | LazyString | Callable[[], str]
CHANNELS = (Channel.INAPP, Channel.EMAIL)


def tell(user_id: int | None, kind: str, subject: str, title: Text, body: Text = "",
         url: str = "", due_at: datetime | None = None,
         channels: tuple[Channel, ...] = CHANNELS, message_id: int | None = None) -> int:
    """Tell a user on each channel they keep on; returns how many notifications are
    stored (new or already there). A lazy or callable title or body is made in the
    user's own language; ``message_id``: the staff's message it belongs to."""
    if user_id is None:
        return 0
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return 0
    with force_locale(user.locale or "pl"):
        title_text = str(title() if callable(title) else title)
        body_text = str(body() if callable(body) else body)
    made = 0
    for channel in channels:
        made += _store(user_id, kind, subject, title_text, body_text, url,
                       due_at or utcnow(), channel, message_id=message_id) is not None
    return made


def read(user_id: int | None, subject: str) -> int:
    """What the user was told in the application about ``subject`` is read now (they
    acted on it elsewhere: answered the proposal it was about); returns how many."""
    if user_id is None:
        return 0
    return db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.subject == subject,
        Notification.channel == Channel.INAPP, Notification.read_at.is_(None))
        .values(read_at=utcnow())).rowcount


def tell_role(role, kind: str, subject: str, title: Text, body: Text = "", url: str = "",
              due_at: datetime | None = None,
              channels: tuple[Channel, ...] = (Channel.INAPP,)) -> int:
    """Tell every active user of a role (the coordinators: a reply to a text message)."""
    made = 0
    for user_id in db.session.scalars(select(User.id).where(User.role == role,
                                                             User.active.is_(True))):
        made += tell(user_id, kind, subject, title, body, url=url, due_at=due_at,
                     channels=channels)
    return made


def _store(user_id: int | None, kind: str, subject: str, title: str, body: str, url: str,
           due_at: datetime, channel: Channel, contact: str = "",
           message_id: int | None = None) -> Notification | None:
    whom = user_id if user_id is not None else contact
    key = f"{kind}:{subject}:{whom}:{channel.value}:{due_at.date().isoformat()}"
    existing = db.session.scalar(select(Notification).where(Notification.dedup_key == key))
    if existing is not None:
        return existing
    if user_id is not None and not preferences.wants(preferences.settings_of(user_id), kind,
                                                     channel):
        return None
    book, _, ref = contact.partition(":")
    notification = Notification(user_id=user_id, channel=channel, kind=kind, subject=subject,
                                title=title[:200], body=body, url=url[:300], due_at=due_at,
                                dedup_key=key, contact=contact, message_id=message_id,
                                person_id=int(ref) if book == "person" else None)
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:  # written at the same moment by another worker
        return db.session.scalar(select(Notification).where(Notification.dedup_key == key))
    if has_request_context() and due_at <= utcnow():
        _send_after_response(notification.id)
    return notification


NO_PHONE = _l("no mobile phone")
NO_SMS_CONSENT = _l("no consent to text messages")
NO_GATEWAY = _l("text messages are not set up")
NO_EMAIL = _l("no e-mail address")
NO_EMAIL_CONSENT = _l("no consent to e-mail")


def channel_for(contact: Contact | None) -> tuple[Channel | None, list[str]]:
    """The channel a person is told on (the one they prefer first, among those with a
    consent), or None and why each channel cannot be used."""
    if contact is None:
        return None, [str(NO_PHONE), str(NO_EMAIL)]
    order = ((Channel.EMAIL, Channel.SMS) if contact.preferred == Channel.EMAIL.value
             else (Channel.SMS, Channel.EMAIL))
    why = []
    for channel in order:
        if channel == Channel.SMS:
            reason = (NO_PHONE if not contact.phone else NO_SMS_CONSENT if not contact.sms
                      else NO_GATEWAY if not sms.available() else None)
        else:
            reason = (NO_EMAIL if not contact.email else
                      NO_EMAIL_CONSENT if not contact.email_ok else None)
        if reason is None:
            return channel, []
        why.append(f"{'SMS' if channel == Channel.SMS else 'e-mail'}: {reason}")
    return None, why


def tell_contact(book: str, ref: int | None, kind: str, subject: str, title: Text,
                 body: Text, due_at: datetime | None = None,
                 contact: Contact | None = None) -> Channel | None:
    """Tell someone who is not a user, on the channel they can be reached on, in
    Polish; returns the channel, or None when they cannot be reached. The text says no
    more than a first name and what happened (never health or case details)."""
    if ref is None:
        return None
    if contact is None:
        contact = delivery.contacts_of(book, [ref]).get(ref)
    channel, _why = channel_for(contact)
    if channel is None:
        return None
    with force_locale("pl"):
        title_text = str(title() if callable(title) else title)
        body_text = str(body() if callable(body) else body)
    stored = _store(None, kind, subject, title_text, body_text, "", due_at or utcnow(),
                    channel, contact=f"{book}:{ref}")
    return channel if stored is not None else None


def hand_on_after_response(ids: list[int]) -> None:
    """Rows written while a page is answered, handed on once it has gone out; written
    elsewhere, they wait for the next scan (or the caller's dispatch)."""
    if has_request_context():
        for notification_id in ids:
            _send_after_response(notification_id)


def _send_after_response(notification_id: int) -> None:
    """Hand the notification on once the response has gone out (and the request's
    transaction has been committed): to a worker, or delivered here when the centre
    runs without Redis. If Redis is down, the next scan picks the row up."""
    waiting = g.setdefault("outbox_waiting", [])
    waiting.append(notification_id)
    if len(waiting) > 1:
        return
    app = current_app._get_current_object()

    @after_this_request
    def schedule(response):
        def hand_on():
            with app.app_context():
                delivery.hand_on(waiting, here_if_down=False)

        response.call_on_close(hand_on)
        return response


def unread_count(user_id):
    """The user's unread in-app notifications that are due, as a scalar subquery (the
    header shows it; it is loaded with the user, in the same query)."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id, Notification.channel == Channel.INAPP,
                   Notification.read_at.is_(None), Notification.due_at <= utcnow())
            .scalar_subquery())

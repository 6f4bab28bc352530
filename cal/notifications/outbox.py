"""Writing to the outbox: one notification per kind, subject, recipient, channel and due
day, however often the same event is reported (the database keeps the key unique).

`tell` is the one way to tell a user something: it writes the in-app notification and
the e-mail (each unless the user turned it off), in the user's language. A notification
written while a page is answered is handed to a worker once the response has gone out;
one written by a scan is handed on by the scan.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import after_this_request, current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cal.auth.models import User
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import delivery, preferences
from cal.notifications.models import Channel, Notification

# A text, a lazy text (made in the recipient's language), or a function making one.
Text = str | LazyString | Callable[[], str]
CHANNELS = (Channel.INAPP, Channel.EMAIL)


def tell(user_id: int | None, kind: str, subject: str, title: Text, body: Text = "",
         url: str = "", due_at: datetime | None = None,
         channels: tuple[Channel, ...] = CHANNELS) -> int:
    """Tell a user on each channel they keep on; returns how many notifications are
    stored (new or already there). A lazy or callable title or body is made in the
    user's own language."""
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
                       due_at or utcnow(), channel) is not None
    return made


def _store(user_id: int, kind: str, subject: str, title: str, body: str, url: str,
           due_at: datetime, channel: Channel) -> Notification | None:
    key = f"{kind}:{subject}:{user_id}:{channel.value}:{due_at.date().isoformat()}"
    existing = db.session.scalar(select(Notification).where(Notification.dedup_key == key))
    if existing is not None:
        return existing
    if not preferences.wants(preferences.settings_of(user_id), kind, channel):
        return None
    notification = Notification(user_id=user_id, channel=channel, kind=kind, subject=subject,
                                title=title[:200], body=body, url=url[:300], due_at=due_at,
                                dedup_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:  # written at the same moment by another worker
        return db.session.scalar(select(Notification).where(Notification.dedup_key == key))
    if has_request_context() and due_at <= utcnow():
        _send_after_response(notification.id)
    return notification


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

"""Delivering the outbox: each notification once, however many workers run.

A delivery first claims its row with one conditional UPDATE (unsent, and unclaimed or
claimed longer ago than CLAIM_TIMEOUT): of two workers, one wins and the other stops.
The winner sends the mail (with a Message-ID made from the row's unique key, so a mail
client shows a repeat as the same message) and marks the row sent. A worker that dies
after claiming leaves a claim that times out, and the next run delivers the row; one
that fails records the error, releases the claim and raises, so RQ retries it later.
In-app notifications are delivered by being there: marking them sent is enough.
During the user's quiet hours an e-mail is moved to the hour they end (an in-app
notification makes no sound, so it shows when due); one of a
kind or channel the user has since turned off is marked done without sending.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import or_, select, update

from cal.auth.models import User
from cal.core.mail import send_message
from cal.core.queue import get_queue
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import preferences
from cal.notifications.models import Channel, Notification

CLAIM_TIMEOUT = timedelta(minutes=10)
RETRY = Retry(max=4, interval=[60, 300, 1800, 7200])


def claim(notification_id: int, now: datetime) -> bool:
    """Take the row for this delivery; False when it is sent, not yet due, or another
    delivery has it."""
    taken = db.session.execute(
        update(Notification).where(
            Notification.id == notification_id, Notification.sent_at.is_(None),
            Notification.due_at <= now,
            or_(Notification.claimed_at.is_(None),
                Notification.claimed_at < now - CLAIM_TIMEOUT))
        .values(claimed_at=now, attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return taken == 1


def deliver(notification_id: int, now: datetime | None = None) -> bool:
    """Deliver one notification if no other delivery has; returns whether this one did."""
    now = now or utcnow()
    if not claim(notification_id, now):
        return False
    notification = db.session.get(Notification, notification_id)
    settings = preferences.settings_of(notification.user_id)
    later = (preferences.quiet_until(settings, now)
             if notification.channel == Channel.EMAIL else None)
    if later is not None:  # quiet hours: the e-mail waits until they end
        notification.due_at, notification.claimed_at = later, None
        notification.attempts -= 1
        db.session.commit()
        return False
    if not preferences.wants(settings, notification.kind, notification.channel):
        notification.sent_at, notification.last_error = utcnow(), "turned off"
        db.session.commit()
        return False
    try:
        if notification.channel == Channel.EMAIL:
            user = db.session.get(User, notification.user_id)
            if user is not None and user.active and user.email:
                send_message(_message(notification, user))
    except Exception as error:
        db.session.rollback()
        db.session.execute(update(Notification).where(Notification.id == notification_id)
                           .values(claimed_at=None, last_error=str(error)[:500]))
        db.session.commit()
        raise
    notification.sent_at = utcnow()
    notification.last_error = ""
    db.session.commit()
    return True


def _message(notification: Notification, user: User):
    from email.message import EmailMessage

    context = {"notification": notification, "user": user, "config": current_app.config,
               "first_name": (user.full_name or "").split(" ")[0]}
    env = current_app.jinja_env  # no request here: the page's context is not wanted
    with force_locale(user.locale or "pl"):
        text = env.get_template("mail/notification.txt").render(**context)
        html = env.get_template("mail/notification.html").render(**context)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = user.email
    message["Subject"] = notification.title  # a first name at most, never more
    digest = hashlib.sha256(notification.dedup_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@cal>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def due(now: datetime, limit: int = 500) -> list[int]:
    """Notifications whose time has come and that no live delivery holds."""
    return list(db.session.scalars(
        select(Notification.id).where(
            Notification.sent_at.is_(None), Notification.due_at <= now,
            or_(Notification.claimed_at.is_(None),
                Notification.claimed_at < now - CLAIM_TIMEOUT))
        .order_by(Notification.due_at, Notification.id).limit(limit)))


def dispatch(now: datetime, inline: bool = False) -> int:
    """Hand every due notification on (see `hand_on`); returns how many."""
    return hand_on(due(now), now, inline)


def hand_on(ids: list[int], now: datetime | None = None, inline: bool = False,
            here_if_down: bool = True) -> int:
    """Hand notifications to a worker (RQ), or deliver them here when asked to or when
    no Redis is configured. When Redis is configured and down, a scan delivers here;
    a page (here_if_down=False) logs it and leaves the rows to the next scan. Returns
    how many were handed on or delivered."""
    now = now or utcnow()
    queue = None if inline else get_queue()
    handled = 0
    for notification_id in ids:
        if queue is not None:
            try:
                queue.enqueue("cal.worker.deliver_job", notification_id, retry=RETRY,
                              job_id=f"deliver-{notification_id}-{now:%Y%m%d%H%M}")
                handled += 1
                continue
            except (RedisError, OSError):
                current_app.logger.warning("Redis is unreachable: %s",
                                           "delivering here" if here_if_down
                                           else "left to the next scan")
                if not here_if_down:
                    return handled
                queue = None
        try:
            handled += deliver(notification_id, now)
        except Exception:  # recorded on the row; the next run tries again
            current_app.logger.exception("notification %s not delivered", notification_id)
    return handled

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

To someone who is not a user the address is read now, from the contact book that keeps
it: a consent withdrawn since the row was written (a STOP reply) means the row is marked
done, not sent. A text message waits through the centre's quiet hours (SMS_QUIET_FROM
to SMS_QUIET_UNTIL) and carries an idx, so that the gateway takes it once (cal.
notifications.sms); its delivery report comes back later.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from redis.exceptions import RedisError
from rq import Retry
from rq.timeouts import JobTimeoutException
from sqlalchemy import or_, select, update

from cal.auth.models import User
from cal.core.centre import centre
from cal.core.mail import send_message
from cal.core.queue import get_queue
from cal.core.reach import Contact
from cal.core.rooms import registry
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import preferences, sms
from cal.notifications.models import Channel, Notification

CLAIM_TIMEOUT = timedelta(minutes=10)
RETRY = Retry(max=4, interval=[60, 300, 1800, 7200])
BATCH = 100  # notifications a worker's job delivers (a message to 1,000 is 10 jobs)
JOB_TIMEOUT = BATCH * 20  # seconds: a gateway's slowest answer (15 s) for each, and more


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
    if notification.user_id is None:
        return _deliver_to_contact(notification, now)
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
        _release(notification_id, error)
        raise
    return _done(notification)


def _done(notification: Notification, error: str = "", provider_ref: str = "") -> bool:
    """Mark the row done: sent, or (with ``error``) given up on without sending."""
    notification.sent_at = utcnow()
    notification.last_error = error[:500]
    if provider_ref:
        notification.provider_ref = provider_ref
    db.session.commit()
    return not error


def _release(notification_id: int, error: Exception) -> None:
    """A failed try: the claim let go and the error kept, for the retry."""
    db.session.rollback()
    db.session.execute(update(Notification).where(Notification.id == notification_id)
                       .values(claimed_at=None, last_error=str(error)[:500]))
    db.session.commit()


def centre_quiet_until(at: datetime) -> datetime | None:
    """When the centre's quiet hours for text messages around ``at`` end, if it is in them."""
    cfg = current_app.config
    return preferences.quiet_between(cfg["SMS_QUIET_FROM"], cfg["SMS_QUIET_UNTIL"], at)


def contacts_of(book: str, refs: list[int]) -> dict[int, Contact]:
    """The contacts of records of a contact book (cal.core.reach), as they stand now."""
    found = registry().contact_books.get(book)
    return found.contacts(refs) if found is not None and refs else {}


def _deliver_to_contact(notification: Notification, now: datetime) -> bool:
    book, _, ref = notification.contact.partition(":")
    contact = contacts_of(book, [int(ref)]).get(int(ref)) if ref.isdigit() else None
    if notification.channel == Channel.SMS:
        if contact is None or not contact.sms or not contact.phone:
            return _done(notification, "no consent to text messages or no mobile phone")
        if not sms.available():
            return _done(notification, "text messages are not set up")
        later = centre_quiet_until(now)
        if later is not None:
            notification.due_at, notification.claimed_at = later, None
            notification.attempts -= 1
            db.session.commit()
            return False
        text = f"{notification.body} {sms.footer(contact.phone)}".strip()
        try:
            ref_id = sms.send(contact.phone, text, notification.dedup_key)
        except sms.AlreadySent:  # an earlier try got it to the gateway (its id is lost)
            notification.report = "sent"
            return _done(notification)
        except sms.Refused as refused:
            notification.report = "refused"
            return _done(notification, str(refused))
        except Exception as error:
            _release(notification.id, error)
            raise
        notification.report = "sent"
        return _done(notification, provider_ref=ref_id)
    if contact is None or not contact.email_ok or not contact.email:
        return _done(notification, "no consent to e-mail or no address")
    try:
        send_message(_contact_message(notification, contact))
    except Exception as error:
        _release(notification.id, error)
        raise
    return _done(notification)


def _envelope(notification: Notification, to: str, subject: str):
    """A mail of the outbox: from the centre, with a Message-ID made from the row's key
    (a repeat shows as the same message)."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    digest = hashlib.sha256(notification.dedup_key.encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@cal>"
    return message


def _contact_message(notification: Notification, contact):
    message = _envelope(notification, contact.email,
                        notification.title or centre().name)
    with force_locale("pl"):
        stop = _("To stop these e-mails, reply to this one or tell the centre.")
    message.set_content(f"{notification.body}\n\n-- \n{centre().name}\n"
                        f"{stop}\n")
    return message


def _message(notification: Notification, user: User):
    context = {"notification": notification, "user": user, "config": current_app.config,
               "first_name": (user.full_name or "").split(" ")[0]}
    env = current_app.jinja_env  # no request here: the page's context is not wanted
    with force_locale(user.locale or "pl"):
        text = env.get_template("mail/notification.txt").render(**context)
        html = env.get_template("mail/notification.html").render(**context)
    # The subject carries a first name at most, never more.
    message = _envelope(notification, user.email, notification.title)
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


def deliver_many(ids: list[int]) -> int:
    """Deliver each of ``ids`` (a worker's job); one that fails does not hold the rest
    back, and the first failure is raised at the end, so RQ retries the job (which
    finds the delivered rows taken and sends only what is left)."""
    delivered, failure = 0, None
    for notification_id in ids:
        try:
            delivered += deliver(notification_id)
        except JobTimeoutException:
            raise  # the job's time is up: what is left is retried with it
        except Exception as error:  # kept on its row; retried with the job
            failure = failure or error
    if failure is not None:
        raise failure
    return delivered


def hand_on(ids: list[int], now: datetime | None = None, inline: bool = False,
            here_if_down: bool = True) -> int:
    """Hand notifications to a worker (RQ), BATCH to a job, or deliver them here when
    asked to or when no Redis is configured. When Redis is configured and down, a scan
    delivers here; a page (here_if_down=False) logs it and leaves the rows to the next
    scan. Returns how many were handed on or delivered."""
    now = now or utcnow()
    queue = None if inline else get_queue()
    handled = 0
    batches = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    for batch in batches:
        if queue is not None:
            try:
                queue.enqueue("cal.worker.deliver_job", batch, retry=RETRY,
                              job_timeout=JOB_TIMEOUT,
                              job_id=f"deliver-{batch[0]}-{len(batch)}-{now:%Y%m%d%H%M}")
                handled += len(batch)
                continue
            except (RedisError, OSError):
                current_app.logger.warning("Redis is unreachable: %s",
                                           "delivering here" if here_if_down
                                           else "left to the next scan")
                if not here_if_down:
                    return handled
                queue = None
        for notification_id in batch:
            try:
                handled += deliver(notification_id, now)
            except Exception:  # recorded on the row; the next run tries again
                current_app.logger.exception("notification %s not delivered",
                                             notification_id)
    return handled

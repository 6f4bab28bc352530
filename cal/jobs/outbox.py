"""Writing to the outbox: one notification per kind, subject, recipient and due day,
however often the same event is reported (the database keeps the key unique)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.jobs.models import Channel, Notification


def notify(user_id: int | None, kind: str, subject: str, title: str, body: str = "",
           url: str = "", due_at: datetime | None = None,
           channel: Channel = Channel.INAPP) -> Notification | None:
    """Put a notification in the outbox; returns the stored one (new or already there),
    or None when there is nobody to tell."""
    if user_id is None:
        return None
    due_at = due_at or utcnow()
    key = f"{kind}:{subject}:{user_id}:{channel.value}:{due_at.date().isoformat()}"
    existing = db.session.scalar(select(Notification).where(Notification.dedup_key == key))
    if existing is not None:
        return existing
    notification = Notification(user_id=user_id, channel=channel, kind=kind, subject=subject,
                                title=title[:200], body=body, url=url[:300], due_at=due_at,
                                dedup_key=key)
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:  # written at the same moment by another worker
        return db.session.scalar(select(Notification).where(Notification.dedup_key == key))
    return notification

"""The background jobs as RQ runs them. In a worker process the application is made for
each job; a worker running inside an application (as in the tests) uses that one. They
live beside the factory, which makes the application, so that the notifications package
below it never imports the factory."""

from __future__ import annotations

from flask import has_app_context

from cal import create_app
from cal.notifications import delivery, reminders


def deliver_job(notification_id: int) -> bool:
    """Deliver one notification (enqueued by cal.notifications.delivery.dispatch)."""
    if has_app_context():
        return delivery.deliver(notification_id)
    with create_app().app_context():
        return delivery.deliver(notification_id)


def scheduled_run() -> dict[str, int]:
    """Every room's scans, then the outbox handed on (what `rq cron cal.cron` runs)."""
    if has_app_context():
        return reminders.run()
    with create_app().app_context():
        return reminders.run()

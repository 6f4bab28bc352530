"""The background jobs as RQ runs them. In a worker process the application is made for
each job; a worker running inside an application (as in the tests) uses that one. They
live beside the factory, which makes the application, so that the notifications package
below it never imports the factory."""

from __future__ import annotations

from flask import has_app_context

from cal import create_app
from cal.auth import jobs as auth_jobs
from cal.notifications import delivery, reminders
from cal.reports import services as reports


def deliver_job(ids: int | list[int]) -> int:
    """Deliver notifications (enqueued by cal.notifications.delivery.hand_on, a batch
    a job; a job enqueued before batches carries one id)."""
    batch = [ids] if isinstance(ids, int) else list(ids)
    if has_app_context():
        return delivery.deliver_many(batch)
    with create_app().app_context():
        return delivery.deliver_many(batch)


def scheduled_run() -> dict[str, int]:
    """Every room's scans, then the outbox handed on (what `rq cron cal.cron` runs)."""
    if has_app_context():
        return reminders.run()
    with create_app().app_context():
        return reminders.run()


def password_reset_job(email: str) -> bool:
    """Mail a password-reset link, if the address is an account's (cal.auth.jobs)."""
    if has_app_context():
        return auth_jobs.mail_password_reset(email)
    with create_app().app_context():
        return auth_jobs.mail_password_reset(email)


def year_figures_job(year: int) -> None:
    """Count anew the figures of the years still moving in the year's report of
    ``year``, kept stale (cal.reports.cache)."""
    if has_app_context():
        return reports.recount(year)
    with create_app().app_context():
        return reports.recount(year)

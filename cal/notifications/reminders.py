"""The periodic run: every room's scans write due reminders into the outbox, which is
then handed on.

Each reminder's due time is fixed by what it is about (the day before a visit, 48 hours
after a proposal, 30 and 7 days before a document ends), so the outbox's unique key
(kind, subject, recipient, channel, due day) stores it once however often and however
late the scans run: a scan that missed a day catches up, and never repeats. The scans
live in their rooms (``jobs.py``) and reach this run through the core's registry
(cal/core/rooms.py); texts are lazy, made in each recipient's language by the outbox.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete

from cal.core.once import FormSubmission
from cal.core.rooms import registry
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import delivery

FORM_KEYS_KEPT = timedelta(days=30)


def remind_at() -> time:
    """The local time of a reminder the day before (REMINDER_TIME, 17:00 by default)."""
    return current_app.config["REMINDER_TIME"]


def purge(now: datetime) -> int:
    """Keys of stored forms are kept 30 days: long enough for any repeat to arrive."""
    return db.session.execute(delete(FormSubmission).where(
        FormSubmission.created_at < now - FORM_KEYS_KEPT)).rowcount


def run(now: datetime | None = None, inline: bool = False) -> dict[str, int]:
    """One scan of every kind, then the due notifications handed on (or delivered here).
    Each step is committed on its own: one that fails is logged and rolled back, and the
    others (the deliveries above all) go on."""
    now = now or utcnow()
    scans = registry()
    made: dict[str, int] = {}
    for step in [*scans.scans, purge]:
        made[step.__name__] = _step(step, now)
    made["handled"] = delivery.dispatch(now, inline=inline)
    for step in scans.late_scans:
        made[step.__name__] = _step(step, now)
    return made


def _step(step, now: datetime) -> int:
    try:
        done = step(now)
        db.session.commit()
        return done
    except Exception:
        db.session.rollback()
        current_app.logger.exception("reminder step %s failed", step.__name__)
        return -1

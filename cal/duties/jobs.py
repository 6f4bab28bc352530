"""The duty hours' periodic scan (cal/core/rooms.py): from the reminder time of the day
before, the holder of a duty with appointments is told how many are booked, and each
person with a channel is reminded of theirs, once."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.timeutil import local_day_start_utc, local_to_utc, to_local
from cal.core.urls import external_url
from cal.duties.models import Appointment, Duty
from cal.duties.notices import tell_person
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.notifications.reminders import remind_at


def appointments_tomorrow(now: datetime) -> int:
    today = to_local(now).date()
    due_at = local_to_utc(today, remind_at())
    if now < due_at:
        return 0
    tomorrow = today + timedelta(days=1)
    rows = list(db.session.execute(select(Appointment, Duty).join(
        Duty, Duty.id == Appointment.duty_id).where(
        Appointment.live.is_(True), Appointment.reminded_at.is_(None),
        Appointment.starts_at >= local_day_start_utc(tomorrow),
        Appointment.starts_at < local_day_start_utc(tomorrow + timedelta(days=1)))
        .order_by(Appointment.starts_at)))
    made = 0
    counts: dict[int, tuple[Duty, int]] = {}
    for appointment, duty in rows:
        appointment.reminded_at = now
        made += tell_person(appointment, duty, "reminder", due_at=due_at)
        counts[duty.id] = (duty, counts.get(duty.id, (duty, 0))[1] + 1)
    for duty, count in counts.values():
        made += tell(duty.holder_user_id, "duty_reminder", f"duty:{duty.id}:{tomorrow}",
                     _l("Tomorrow %(time)s, %(title)s: appointments booked: %(count)d",
                        time=duty.starts.strftime("%H:%M"), title=duty.title, count=count),
                     due_at=due_at, url=external_url("duties.mine", day=tomorrow.isoformat()))
    return made


SCANS = (appointments_tomorrow,)

"""The community room's periodic scan (cal/core/rooms.py): the day before an event,
those registered (by e-mail, once) and the volunteers on its shifts (through the outbox)
are reminded."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.community.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Shift,
    ShiftSignup,
)
from cal.community.notices import tell_registered
from cal.core.timeutil import local_day_start_utc, local_to_utc, to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.notifications.reminders import remind_at
from volunteers.models import Volunteer


def events_tomorrow(now: datetime) -> int:
    """From the reminder time of the day before an event: its registered residents and
    the volunteers on its shifts."""
    today = to_local(now).date()
    due_at = local_to_utc(today, remind_at())
    if now < due_at:
        return 0
    tomorrow = today + timedelta(days=1)
    events = list(db.session.scalars(select(Event).where(
        Event.status == EventStatus.PUBLISHED,
        Event.starts_at >= local_day_start_utc(tomorrow),
        Event.starts_at < local_day_start_utc(tomorrow + timedelta(days=1)))))
    made = 0
    for event in events:
        for registration in db.session.scalars(select(Registration).where(
                Registration.event_id == event.id, Registration.reminded_at.is_(None),
                Registration.status == RegistrationStatus.CONFIRMED)):
            registration.reminded_at = now
            made += tell_registered(registration, event, "reminder", due_at=due_at)
        for shift, user_id in db.session.execute(
                select(Shift, Volunteer.user_id)
                .join(ShiftSignup, ShiftSignup.shift_id == Shift.id)
                .join(Volunteer, Volunteer.id == ShiftSignup.volunteer_id)
                .where(Shift.event_id == event.id)):
            made += tell(user_id, "shift_reminder", f"shift:{shift.id}",
                         _l("Tomorrow %(time)s: %(role)s at %(title)s",
                            time=to_local(shift.starts_at).strftime("%H:%M"), role=shift.role,
                            title=event.title),
                         due_at=due_at, url=external_url("shifts.my_shifts"))
    return made


SCANS = (events_tomorrow,)

"""What a holder's start page says of their duties (the dashboard asks): the next
dates held, and how many held ones wait for their hours, in a few queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from cal.core.timeutil import local_day_start_utc, local_to_utc, to_local
from cal.duties import schedule
from cal.duties.models import Appointment, Duty
from cal.duties.services import HolderDay, cancellations, hours_key
from cal.extensions import db
from volunteers.hours import services as hours
from volunteers.hours.models import HourEntry


@dataclass(frozen=True)
class StartPage:
    """What a holder's start page says of their duties: the next dates held (with who
    is booked), and how many held ones wait for their hours to be logged."""

    coming: list[HolderDay]
    unlogged: int


def start_page(user, today: date, now: datetime, logs_hours: bool) -> StartPage:
    """One query for a user who holds no duty; three or four for a holder."""
    duties = list(db.session.scalars(select(Duty).where(
        Duty.holder_user_id == user.id, Duty.active.is_(True)).order_by(Duty.starts)))
    if not duties:
        return StartPage([], 0)
    start = today - timedelta(days=hours.MAX_DAYS_BACK) if logs_hours else today
    end = today + timedelta(days=13)
    cancelled = cancellations([d.id for d in duties], start, end)
    held = [(d, o) for d in duties for o in schedule.occurrences(d, start, end, cancelled[d.id])
            if o.held]
    coming = sorted(((d, o) for d, o in held if local_to_utc(o.day, d.ends) > now),
                    key=lambda pair: (pair[1].day, pair[0].starts))[:3]
    booked: dict[tuple[int, date], list[Appointment]] = {}
    if any(d.by_appointment for d, _o in coming):
        for appointment in db.session.scalars(select(Appointment).where(
                Appointment.duty_id.in_([d.id for d, _o in coming]),
                Appointment.live.is_(True), Appointment.starts_at >= local_day_start_utc(today),
                Appointment.starts_at < local_day_start_utc(end + timedelta(days=1)))):
            key = (appointment.duty_id, to_local(appointment.starts_at).date())
            booked.setdefault(key, []).append(appointment)
    keys = [hours_key(d, o.day) for d, o in held if logs_hours
            and local_to_utc(o.day, d.ends) <= now]
    logged = set(db.session.scalars(select(HourEntry.key).where(HourEntry.key.in_(keys)))
                 ) if keys else set()
    return StartPage([HolderDay(d, o, booked.get((d.id, o.day), [])) for d, o in coming],
                     len(set(keys) - logged))

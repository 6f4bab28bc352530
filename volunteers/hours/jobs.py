"""The hours room's periodic scan (cal/core/rooms.py): the Monday nudge to log hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.timeutil import local_to_utc, to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from volunteers.hours.models import HourEntry
from volunteers.models import Volunteer, VolunteerStatus
from volunteers.needs.models import Match, MatchStatus

NUDGE_AT = time(10)  # Monday, local time, of the weekly nudge to log hours
NUDGE_AFTER = timedelta(days=7)


def hours_nudge(now: datetime) -> int:
    """On Monday morning, to volunteers with an active match who have logged no hours
    in the 7 days before it; once a week, and only on Monday (a scan that missed the
    Monday does not nudge in the middle of the week, or of the night)."""
    today = to_local(now).date()
    due_at = local_to_utc(today, NUDGE_AT)
    if today.weekday() != 0 or now < due_at:
        return 0
    since = due_at - NUDGE_AFTER
    helping = select(Match.volunteer_id).where(
        Match.status == MatchStatus.ACTIVE, Match.started_on <= today - NUDGE_AFTER)
    logged = select(HourEntry.volunteer_id).where(HourEntry.created_at >= since)
    made = 0
    week = f"{today.isocalendar().year}-{today.isocalendar().week:02d}"
    for user_id in db.session.scalars(select(Volunteer.user_id).where(
            Volunteer.status == VolunteerStatus.ACTIVE, Volunteer.user_id.is_not(None),
            Volunteer.id.in_(helping), Volunteer.id.not_in(logged))):
        made += tell(user_id, "hours_nudge", f"week:{week}",
                     _l("Log the hours of your visits"),
                     body=_l("No hours have come from you for a week. Logging a visit "
                             "takes three taps on the phone."),
                     due_at=due_at, url=external_url("hours.my_hours_new"))
    return made


SCANS = (hours_nudge,)

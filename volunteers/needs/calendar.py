"""The regular visits of a volunteer's active matches in their calendar feed
(cal/notifications/calendar.py)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import local_to_utc, to_local
from cal.extensions import db
from volunteers.needs import visits
from volunteers.needs.models import HelpRequest, Match, MatchStatus
from volunteers.services import volunteer_of_user


def events(user, start: date, end: date):
    volunteer = volunteer_of_user(user)
    if volunteer is not None:
        yield from _visits(volunteer, start, end)


def _visits(volunteer, start: date, end: date):
    """Regular visits of active matches, at their agreed weekly times or, until some are
    agreed, at the computed ones (visits.py; first names only)."""
    for match in db.session.scalars(
            select(Match).where(Match.volunteer_id == volunteer.id,
                                Match.status == MatchStatus.ACTIVE)
            .options(joinedload(Match.request).joinedload(HelpRequest.person),
                     visits.with_times())):
        who = match.request.person.first_name if match.request.person else ""
        day = max(start, match.started_on or start)
        while day <= end:
            for visit in visits.on(match, day):
                starts = to_local(local_to_utc(day, visit.starts))
                ends = to_local(local_to_utc(day, visit.ends))
                yield (f"visit-{match.id}-{day.isoformat()}-{visit.starts:%H%M}",
                       f"Wizyta: {who}".strip(), starts, ends, "")
            day += timedelta(days=1)

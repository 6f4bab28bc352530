"""The regular visits of a volunteer's active matches in their calendar feed
(cal/notifications/calendar.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import local_to_utc, to_local
from cal.extensions import db
from volunteers import availability
from volunteers.needs.models import HelpRequest, Match, MatchStatus
from volunteers.services import volunteer_of_user


def events(user, start: date, end: date):
    volunteer = volunteer_of_user(user)
    if volunteer is not None:
        yield from _visits(volunteer, start, end)


def _visits(volunteer, start: date, end: date):
    """Regular visits of active matches, by their weekly schedule (first names only)."""
    for match in db.session.scalars(
            select(Match).where(Match.volunteer_id == volunteer.id,
                                Match.status == MatchStatus.ACTIVE)
            .options(joinedload(Match.request).joinedload(HelpRequest.person))):
        who = match.request.person.first_name if match.request.person else ""
        day = max(start, match.started_on or start)
        while day <= end:
            for weekday, block in sorted(availability.decode(match.schedule)):
                if weekday != day.weekday():
                    continue
                begins, finishes = availability.BLOCKS[block]
                starts = to_local(local_to_utc(day, datetime.min.time().replace(hour=begins)))
                ends = to_local(local_to_utc(day, datetime.min.time().replace(hour=finishes)))
                yield (f"visit-{match.id}-{day.isoformat()}-{block}",
                       f"Wizyta: {who}".strip(), starts, ends, "")
            day += timedelta(days=1)

"""A volunteer's events in their calendar feed (cal/notifications/calendar.py): the
regular visits of their active matches and the training sessions they are enrolled in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import local_to_utc, to_local
from cal.extensions import db
from volunteers import availability
from volunteers.models import (
    HelpRequest,
    Match,
    MatchStatus,
    TrainingEnrolment,
    TrainingSession,
    Volunteer,
)


def events(user, start: date, end: date):
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    if volunteer is not None:
        yield from _visits(volunteer, start, end)
        yield from _trainings(volunteer, start, end)


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


def _trainings(volunteer, start: date, end: date):
    for session in db.session.scalars(
            select(TrainingSession).join(TrainingEnrolment).where(
                TrainingEnrolment.volunteer_id == volunteer.id,
                TrainingSession.starts_at >= local_to_utc(start, datetime.min.time()),
                TrainingSession.starts_at <= local_to_utc(end, datetime.max.time()))
            .options(joinedload(TrainingSession.course))):
        starts = to_local(session.starts_at)
        yield (f"training-{session.id}", f"Szkolenie: {session.course.name}", starts,
               starts + timedelta(hours=2), session.place)

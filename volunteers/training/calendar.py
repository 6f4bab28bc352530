"""A volunteer's training sessions in their calendar feed (cal/notifications/calendar.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import local_to_utc, to_local
from cal.extensions import db
from volunteers.services import volunteer_of_user
from volunteers.training.models import TrainingEnrolment, TrainingSession


def events(user, start: date, end: date):
    volunteer = volunteer_of_user(user)
    if volunteer is not None:
        yield from _trainings(volunteer, start, end)


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

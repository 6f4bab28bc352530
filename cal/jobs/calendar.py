"""Calendar feeds (iCalendar, RFC 5545): a secret address per user that a phone's
calendar subscribes to, with their visits, group sessions and trainings. The token can
be renewed, and the old address then stops working."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import LOCAL_ZONE, local_to_utc, to_local
from cal.extensions import db
from cal.jobs.models import CalendarFeed
from clubs.models import GroupLeader, GroupSession, SessionStatus
from volunteers import availability
from volunteers.models import (
    HelpRequest,
    Match,
    MatchStatus,
    TrainingEnrolment,
    TrainingSession,
    Volunteer,
)

WEEKS_AHEAD = 8
WEEKS_BACK = 2


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def renew(user) -> str:
    """A new secret token for the user's feed (the previous address stops working)."""
    token = secrets.token_urlsafe(24)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=_hash(token))
        db.session.add(feed)
    else:
        feed.token_hash = _hash(token)
    db.session.flush()
    return token


def has_feed(user) -> bool:
    return db.session.scalar(select(CalendarFeed.id).where(
        CalendarFeed.user_id == user.id)) is not None


def user_for(token: str):
    from cal.auth.models import User

    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def feed_for(user, today: date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//CAL//wolontariat//PL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "CAL")
    start, end = today - timedelta(weeks=WEEKS_BACK), today + timedelta(weeks=WEEKS_AHEAD)
    for uid, summary, starts, ends, where in _events(user, start, end):
        event = Event()
        event.add("uid", f"{uid}@cal")
        event.add("summary", summary)
        event.add("dtstart", starts)
        event.add("dtend", ends)
        event.add("dtstamp", datetime.now(LOCAL_ZONE))
        if where:
            event.add("location", where)
        calendar.add_component(event)
    return calendar.to_ical()


def _events(user, start: date, end: date):
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == user.id))
    if volunteer is not None:
        yield from _visits(volunteer, start, end)
        yield from _trainings(volunteer, start, end)
    yield from _sessions(user, start, end)


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


def _sessions(user, start: date, end: date):
    """Sessions of the groups the user leads (cancelled ones are left out)."""
    for session in db.session.scalars(
            select(GroupSession).where(
                GroupSession.group_id.in_(select(GroupLeader.group_id).where(
                    GroupLeader.user_id == user.id)),
                GroupSession.status == SessionStatus.PLANNED,
                GroupSession.starts_at >= local_to_utc(start, datetime.min.time()),
                GroupSession.starts_at <= local_to_utc(end, datetime.max.time()))
            .options(joinedload(GroupSession.group))):
        yield (f"session-{session.id}", session.group.name, to_local(session.starts_at),
               to_local(session.ends_at), session.group.place)

"""Calendar feeds (iCalendar, RFC 5545): a secret address per user that a phone's
calendar subscribes to, with their visits, group sessions and trainings. The token can
be renewed, and the old address then stops working."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from cal.auth.models import User
from cal.core.rooms import registry
from cal.core.timeutil import LOCAL_ZONE
from cal.extensions import db
from cal.notifications.models import CalendarFeed

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
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    return user if user is not None and user.active else None


def feed_for(user, today: date) -> bytes:
    start, end = today - timedelta(weeks=WEEKS_BACK), today + timedelta(weeks=WEEKS_AHEAD)
    return ics(_events(user, start, end))


def ics(entries, name: str = "CAL") -> bytes:
    """An iCalendar file of ``entries``: tuples of a unique id, a summary, the start, the
    end and the place (a user's feed; the public calendar of events)."""
    calendar = Calendar()
    calendar.add("prodid", "-//CAL//wolontariat//PL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for uid, summary, starts, ends, where in entries:
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
    """What every room puts in a user's calendar (cal/core/rooms.py): tuples of a unique
    id, a summary, the start, the end and the place."""
    for source in registry().calendar:
        yield from source(user, start, end)

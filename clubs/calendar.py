"""A leader's events in their calendar feed (cal/notifications/calendar.py): the
sessions of the groups they lead."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import local_to_utc, to_local
from cal.extensions import db
from clubs.models import GroupLeader, GroupSession, SessionStatus


def events(user, start: date, end: date):
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

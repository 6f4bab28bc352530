"""The groups' periodic scan (cal/core/rooms.py): each session tomorrow, to those who
lead it."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import local_day_end_utc, local_day_start_utc, local_to_utc, to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.notifications.reminders import remind_at
from clubs.models import GroupLeader, GroupSession, SessionStatus


def sessions_tomorrow(now: datetime) -> int:
    """The day before each group session, to those who lead the group (leaders, and the
    volunteers who co-lead it); a cancelled session is not announced."""
    tomorrow = to_local(now).date() + timedelta(days=1)
    made = 0
    for session in db.session.scalars(
            select(GroupSession).where(
                GroupSession.status == SessionStatus.PLANNED,
                GroupSession.starts_at >= local_day_start_utc(tomorrow),
                GroupSession.starts_at <= local_day_end_utc(tomorrow))
            .options(joinedload(GroupSession.group))):
        starts = to_local(session.starts_at).strftime("%H:%M")
        for user_id in db.session.scalars(select(GroupLeader.user_id).where(
                GroupLeader.group_id == session.group_id)):
            made += tell(user_id, "session_reminder", f"session:{session.id}",
                         _l("Tomorrow %(time)s: %(group)s", time=starts, group=session.group.name),
                         due_at=local_to_utc(tomorrow - timedelta(days=1), remind_at()),
                         url=external_url("clubs.session_detail", session_id=session.id))
    return made

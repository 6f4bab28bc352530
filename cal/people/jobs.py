"""The people's periodic scans (cal/core/rooms.py): RODO requests coming due, the
retention sweep, and the records that may be one person's marked anew."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.timeutil import to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.people import doubles
from cal.people.models import DataRequest, DataRequestStatus
from cal.people.retention import sweep_step

RODO_DAYS = (7, 1)  # before a data subject's request is due; and once when it is overdue


def rodo_deadlines(now: datetime) -> int:
    """7 days and 1 day before an open RODO request is due, and the day after, to every
    administrator (they handle the requests; the law gives a month)."""
    today = to_local(now).date()
    admins = list(db.session.scalars(select(User.id).where(User.role == Role.ADMIN,
                                                           User.active.is_(True))))
    made = 0
    for request in db.session.scalars(select(DataRequest).where(
            DataRequest.status == DataRequestStatus.OPEN,
            DataRequest.due_on <= today + timedelta(days=max(RODO_DAYS)))):
        left = (request.due_on - today).days
        step = "late" if left < 0 else min(d for d in RODO_DAYS if left <= d)
        title = (_l("RODO request no. %(id)s is overdue", id=request.id) if left < 0 else
                 lazy_ngettext("RODO request no. %(id)s: %(num)d day left",
                               "RODO request no. %(id)s: %(num)d days left", left,
                               id=request.id))
        for admin_id in admins:
            made += tell(admin_id, "rodo_deadline", f"rodo:{request.id}:{step}", title,
                         body=_l("Answer by %(day)s.",
                                 day=request.due_on.strftime("%d.%m.%Y")),
                         url=external_url("rodo.data_request", request_id=request.id))
    return made


def retention_sweep(now: datetime) -> int:
    """What has passed its retention period, anonymised or deleted (cal/people/retention)."""
    return sweep_step(now)


def possible_doubles(now: datetime) -> int:
    """Every record marked anew where a write past the session left it behind (a bulk
    load, a deletion the database cascades): the records changed (cal/people/doubles)."""
    return doubles.mark_all()

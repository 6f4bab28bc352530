"""The reminder scan: while there is no accessibility statement, or from February while
this year's review is not recorded, the administrators are told once a week, on Monday."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from cal.accessibility import services
from cal.core.access import Role
from cal.core.timeutil import local_to_utc, to_local
from cal.core.urls import external_url
from cal.notifications.outbox import tell_role


def statement_review(now: datetime) -> int:
    today = to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    due_at = local_to_utc(monday, time(8))
    record = services.statement()
    by = services.review_due(record, today)
    if (record is not None and by is None) or now < due_at:
        return 0
    title = (_l("The accessibility statement must be reviewed by %(day)s",
                day=by.strftime("%d.%m.%Y")) if by is not None else
             _l("The accessibility statement is not published yet: a public body must "
                "publish one"))
    return tell_role(Role.ADMIN, "accessibility_review", f"accessibility-review:{monday}",
                     title, url=external_url("accessibility.edit"), due_at=due_at)

"""The reminder scan of the directory: while entries wait for their yearly check, the
coordinators are told once a week, on Monday morning."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from cal.core.access import Role
from cal.core.timeutil import local_to_utc, to_local
from cal.core.urls import external_url
from cal.directory import services
from cal.notifications.outbox import tell_role


def entries_to_check(now: datetime) -> int:
    today = to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    due_at = local_to_utc(monday, time(8))
    if now < due_at:
        return 0
    waiting = len(services.to_check(today))
    if not waiting:
        return 0
    return tell_role(Role.COORDINATOR, "directory_check", f"directory-check:{monday}",
                     _l("Directory: %(num)d entries not checked for a year", num=waiting),
                     url=external_url("directory.to_check"), due_at=due_at)

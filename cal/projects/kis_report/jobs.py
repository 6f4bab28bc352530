"""The reminder scan of the KIS report: in February and March, while last year's report
is not marked as sent (and the club ran last year), the coordinators are told once a
week, on Monday morning."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from cal.core.access import Role
from cal.core.timeutil import local_to_utc, to_local
from cal.core.urls import external_url
from cal.notifications.outbox import tell_role
from cal.projects.kis_report import services


def report_to_send(now: datetime) -> int:
    today = to_local(now).date()
    monday = today - timedelta(days=today.weekday())
    due_at = local_to_utc(monday, time(8))
    year = today.year - 1
    if today.month not in services.REMIND_MONTHS or now < due_at or not services.due_unsent(year):
        return 0
    return tell_role(Role.COORDINATOR, "kis_report", f"kis-report:{year}:{monday}",
                     _l("The KIS annual report for %(year)d is due by %(day)s",
                        year=year, day=services.due_on(year).strftime("%d.%m.%Y")),
                     url=external_url("kis_report.report", year=year), due_at=due_at)

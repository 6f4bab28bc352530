"""The projects' periodic scans (cal/core/rooms.py): deadlines 14, 7 and 1 day
before, and the indicators' values counted again for the list of projects."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import select

from cal.core.timeutil import local_to_utc, to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.projects.indicators import refresh_last_values
from cal.projects.models import Project, ProjectStatus
from cal.projects.services import DEADLINE_DAYS, open_deadlines


def project_deadlines(now: datetime) -> int:
    """14, 7 and 1 day before a project's report, payment claim or milestone, to its
    owner (or the project's manager); a deadline added late gets only the nearest."""
    today = to_local(now).date()
    made = 0
    for deadline, project in open_deadlines(today + timedelta(days=max(DEADLINE_DAYS)), today):
        if deadline.due_on < today:
            continue
        passed = [d for d in DEADLINE_DAYS if deadline.due_on - timedelta(days=d) <= today]
        if not passed:
            continue
        days = min(passed)
        left = (deadline.due_on - today).days
        made += tell(deadline.owner_id or project.manager_id, "project_deadline",
                     f"deadline:{deadline.id}:{days}",
                     lazy_ngettext("%(what)s: %(num)d day left",
                                      "%(what)s: %(num)d days left", left,
                                      what=deadline.title),
                     body=_l("%(project)s: due on %(day)s.", project=project.name,
                                    day=deadline.due_on.strftime("%d.%m.%Y")),
                     due_at=local_to_utc(deadline.due_on - timedelta(days=days), time(8)),
                     url=external_url("projects.detail", project_id=project.id))
    return made


def refresh_indicators(now: datetime) -> int:
    """The values of the running projects' indicators, for the list of projects."""
    projects = list(db.session.scalars(select(Project).where(
        Project.status.in_((ProjectStatus.RUNNING, ProjectStatus.SETTLING)))))
    refresh_last_values(projects, to_local(now).date(), now)
    return len(projects)

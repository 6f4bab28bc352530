"""What each user wants to be told: channels, topics and quiet hours.

The outbox asks `wants` before it stores a notification, and the delivery asks again
(settings may change between the two) and, during the user's quiet hours, moves an
e-mail to the hour they end instead of sending it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from cal.core.access import Role
from cal.core.timeutil import local_to_utc, to_local
from cal.extensions import db
from cal.notifications.models import Channel, NotificationSettings

# topic: (label, the roles that receive it)
TOPICS = {
    "visits": (_l("Visits tomorrow"), {Role.VOLUNTEER}),
    "sessions": (_l("Group sessions tomorrow"), {Role.VOLUNTEER, Role.LEADER}),
    "proposals": (_l("Proposals to help and the answers to them"),
                  {Role.VOLUNTEER, Role.COORDINATOR}),
    "matches": (_l("Changes in whom I help"), {Role.VOLUNTEER}),
    "hours": (_l("Hours: entries not approved and a weekly reminder to log them"),
              {Role.VOLUNTEER}),
    "expiring": (_l("Agreements, checks, insurance and trainings that end"),
                 {Role.VOLUNTEER, Role.COORDINATOR}),
    "applications": (_l("New volunteer applications"), {Role.COORDINATOR, Role.ADMIN}),
    "digest": (_l("A morning summary of what waits"), {Role.COORDINATOR}),
    "deadlines": (_l("Project deadlines"), {Role.PROJECT_MANAGER, Role.ADMIN}),
    "rodo": (_l("RODO requests close to their deadline"), {Role.ADMIN}),
}
KIND_TOPICS = {
    "visit_reminder": "visits",
    "session_reminder": "sessions",
    "match_proposed": "proposals",
    "proposal_waiting": "proposals",
    "match_accepted": "proposals",
    "match_declined": "proposals",
    "hours_rejected": "hours",
    "hours_nudge": "hours",
    "expiring": "expiring",
    "application_new": "applications",
    "digest": "digest",
    "project_deadline": "deadlines",
    "rodo_deadline": "rodo",
}


def topic_of(kind: str) -> str:
    if kind in KIND_TOPICS:
        return KIND_TOPICS[kind]
    return "matches" if kind.startswith("match_") else kind


def topics_for(role: Role) -> list[tuple[str, str]]:
    return [(topic, label) for topic, (label, roles) in TOPICS.items() if role in roles]


def settings_of(user_id: int) -> NotificationSettings | None:
    """The user's settings (from the session's identity map after the first look)."""
    return db.session.get(NotificationSettings, user_id)


def wants(settings: NotificationSettings | None, kind: str, channel: Channel) -> bool:
    if settings is None:
        return True
    if not (settings.email if channel == Channel.EMAIL else settings.inapp):
        return False
    return topic_of(kind) not in settings.muted.split()


def quiet_until(settings: NotificationSettings | None, at: datetime) -> datetime | None:
    """When the user's quiet hours around `at` (UTC) end, or None if `at` is not in them."""
    if settings is None:
        return None
    return quiet_between(settings.quiet_from, settings.quiet_until, at)


def quiet_between(start: time | None, end: time | None, at: datetime) -> datetime | None:
    """When quiet hours from `start` to `end` (local, may span midnight) around `at`
    (UTC) end, or None if `at` is not in them."""
    if start is None or end is None or start == end:
        return None
    local = to_local(at)
    now = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= now < end
    else:  # over midnight, e.g. 21:00-08:00
        inside = now >= start or now < end
    if not inside:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return local_to_utc(day, end)


def save(user_id: int, email: bool, inapp: bool, muted: list[str],
         quiet_from: time | None, quiet_until: time | None) -> NotificationSettings:
    settings = settings_of(user_id) or NotificationSettings(user_id=user_id)
    settings.email, settings.inapp = email, inapp
    settings.muted = " ".join(sorted(set(muted) & set(TOPICS)))
    settings.quiet_from, settings.quiet_until = (
        (quiet_from, quiet_until) if quiet_from and quiet_until else (None, None))
    db.session.add(settings)
    return settings

"""The needs room's periodic scans (cal/core/rooms.py): visits tomorrow, and proposals
waiting for an answer."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from cal.core.timeutil import local_to_utc, to_local
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.notifications.reminders import remind_at
from volunteers.needs import visits
from volunteers.needs.models import HelpRequest, Match, MatchStatus

ANSWER_AFTER = timedelta(hours=48)


def visits_tomorrow(now: datetime) -> int:
    """The day before each regular visit of an active match, to its volunteer (at the
    agreed times, or the computed ones until some are agreed)."""
    tomorrow = to_local(now).date() + timedelta(days=1)
    made = 0
    for match in db.session.scalars(
            select(Match).where(Match.status == MatchStatus.ACTIVE)
            .options(joinedload(Match.volunteer),
                     joinedload(Match.request).joinedload(HelpRequest.person),
                     joinedload(Match.request).joinedload(HelpRequest.household),
                     visits.with_times())):
        tomorrows = visits.on(match, tomorrow)
        if not tomorrows or match.volunteer.user_id is None:
            continue
        first = tomorrows[0]
        person = match.request.person
        made += tell(match.volunteer.user_id, "visit_reminder",
                     f"match:{match.id}:{tomorrow.isoformat()}",
                     _l("Tomorrow %(start)s–%(end)s: a visit to %(who)s",
                        start=f"{first.starts:%H:%M}", end=f"{first.ends:%H:%M}",
                        who=person.first_name if person else _l("the family")),
                     due_at=local_to_utc(tomorrow - timedelta(days=1), remind_at()),
                     url=external_url("needs.my_matches"))
    return made


def proposals_waiting(now: datetime) -> int:
    """A proposal still waiting for the volunteer's answer 48 hours later."""
    made = 0
    for match in db.session.scalars(
            select(Match).where(Match.status == MatchStatus.PROPOSED,
                                Match.proposed_at <= now - ANSWER_AFTER)
            .options(joinedload(Match.volunteer))):
        if match.volunteer.user_id is None:
            continue
        made += tell(match.volunteer.user_id, "proposal_waiting", f"match:{match.id}",
                     _l("A proposal is waiting for your answer"),
                     due_at=match.proposed_at + ANSWER_AFTER,
                     url=external_url("needs.my_matches"))
    return made


SCANS = (visits_tomorrow, proposals_waiting)

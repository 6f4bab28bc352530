"""The demo's follow-up of matches (cal/core/rooms.py): on each active match a visit
and a call logged, and a check-in held early in the match, so the next one is due by now."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cal.core.access import Role
from cal.extensions import db
from volunteers.followup.models import CheckIn, ContactKind, MatchContact, NextCheckIn, Voice
from volunteers.followup.services import DEFAULT_INTERVAL, FIRST_CHECK_IN
from volunteers.needs.models import Match, MatchStatus


def seed(demo) -> None:
    coordinator = demo.users[Role.COORDINATOR].id
    followed = 0
    for match in db.session.scalars(select(Match).where(Match.status == MatchStatus.ACTIVE)
                                    .order_by(Match.id)):
        started = match.started_on
        held = started + timedelta(days=10)  # early: the next is due by now
        db.session.add_all([
            MatchContact(match_id=match.id, kind=ContactKind.VISIT, happened_on=started,
                         note="Pierwsza wizyta razem z wolontariuszem, ustalony plan zajęć.",
                         by_user_id=coordinator),
            MatchContact(match_id=match.id, kind=ContactKind.VOLUNTEER_TALK,
                         happened_on=started + timedelta(days=7),
                         note="Wolontariusz prosi o materiały do klasy 5.",
                         by_user_id=coordinator),
            CheckIn(match_id=match.id, held_on=held, due_on=started + FIRST_CHECK_IN,
                    voice=Voice.PARTLY,
                    to_change="Mama prosi o zajęcia wcześniej, przed 16:00.",
                    by_user_id=coordinator),
            NextCheckIn(match_id=match.id, due_on=held + timedelta(days=DEFAULT_INTERVAL)),
        ])
        followed += 1
    demo.made["matches followed"] = followed

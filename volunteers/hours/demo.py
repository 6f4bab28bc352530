"""The demo's hours entries (cal/core/rooms.py), in the demo town and in the large data
set."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from cal.auth.models import User
from cal.commands.large import bulk
from cal.extensions import db
from volunteers.availability import decode
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import HelpKind, Volunteer, VolunteerStatus
from volunteers.needs.models import HelpRequest, Match, MatchStatus


def add_hours(rng: random.Random, vols: list[Volunteer], coordinator: User, today: date) -> None:
    """Hours of the last weeks: the demo volunteer's visits (the older approved, this
    week's waiting) and a family picnic some active volunteers helped at."""
    match = db.session.scalar(select(Match).where(Match.volunteer_id == vols[0].id,
                                                  Match.status == MatchStatus.ACTIVE))
    request = db.session.get(HelpRequest, match.request_id)
    weekdays = {day for day, _block in decode(match.schedule)}
    for back in range(1, 29):
        day = today - timedelta(days=back)
        if day.weekday() not in weekdays or day < match.started_on:
            continue
        approved = back > 7
        db.session.add(HourEntry(
            volunteer_id=vols[0].id, key=f"demo-visit-{day.isoformat()}",
            activity=Activity.MATCH, match_id=match.id, help_kind=request.kind,
            worked_on=day, minutes=rng.choice([60, 90, 90, 120]),
            status=EntryStatus.APPROVED if approved else EntryStatus.PENDING,
            reviewed_by_id=coordinator.id if approved else None,
            reviewed_at=datetime.combine(day + timedelta(days=2), time(10)) if approved
            else None))
    picnic = today - timedelta(days=rng.randint(3, 10))
    helpers = [v for v in vols[1:] if v.status == VolunteerStatus.ACTIVE][:6]
    for volunteer in helpers:
        db.session.add(HourEntry(
            volunteer_id=volunteer.id, key=f"demo-picnic-{volunteer.id}",
            activity=Activity.EVENT, help_kind=HelpKind.EVENT, label="Piknik rodzinny",
            worked_on=picnic, minutes=rng.choice([120, 180, 240])))


def grow_hours(rng, wanted: int, coordinator, today) -> int:
    """Hours of the matches, visit by visit back to each match's start; approved but
    for the last weeks' (waiting) and a few rejected."""
    matches = list(db.session.execute(
        select(Match.id, Match.volunteer_id, Match.started_on, Match.ended_on,
               HelpRequest.kind).join(HelpRequest, HelpRequest.id == Match.request_id)
        .where(Match.status.in_((MatchStatus.ACTIVE, MatchStatus.ENDED)),
               Match.started_on.is_not(None))))
    per_match = max(1, wanted // max(1, len(matches)))

    def rows():
        made = 0
        for n, (match_id, volunteer_id, started, ended, kind) in enumerate(matches):
            last = ended or today
            visits = per_match if n < len(matches) - 1 else wanted - made
            span = max(1, (last - started).days)
            for visit in range(visits):  # spread evenly from the match's start to its end
                day = last - timedelta(days=visit * span // visits)
                recent = (today - day).days < 21
                status = EntryStatus.PENDING if recent else rng.choices(
                    [EntryStatus.APPROVED, EntryStatus.REJECTED], [19, 1])[0]
                yield {"volunteer_id": volunteer_id, "key": f"large-{match_id}-{visit}",
                       "activity": Activity.MATCH, "match_id": match_id, "help_kind": kind,
                       "worked_on": day, "minutes": rng.choice([45, 60, 60, 90, 120]),
                       "status": status,
                       "reviewed_by_id": None if recent else coordinator,
                       "reviewed_at": None if recent else datetime.combine(
                           day + timedelta(days=3), time(10))}
                made += 1
                if made >= wanted:
                    return
    return bulk(HourEntry, rows())

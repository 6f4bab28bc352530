"""The demo's help requests and matches (cal/core/rooms.py), in the demo town and in the
large data set."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from cal.auth.models import User
from cal.commands.large import bulk
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people.models import Person
from volunteers.availability import BLOCKS_PER_DAY, encode
from volunteers.models import HelpKind, Volunteer, VolunteerStatus
from volunteers.needs.models import HelpRequest, Match, MatchEvent, MatchStatus, RequestStatus

SUBJECTS = ["math", "polish", "english", "biology", "chemistry", "physics", "history", "early"]
TASKS = ["accompany", "shopping", "reading", "paperwork", "walks", "company", "errands"]


def add_requests(rng: random.Random, people: list[Person], vols: list[Volunteer],
              coordinator: User, today: date) -> None:
    """Open help requests (tutoring for children, help for seniors and for people with
    disabilities), one active match and one proposal waiting for the demo volunteer."""
    children = [p for p in people if p.birth_date and (today - p.birth_date).days < 18 * 365]
    seniors = [p for p in people if p.birth_date and (today - p.birth_date).days > 65 * 365]
    requests = []
    for person in rng.sample(children, min(8, len(children))):
        age = (today - person.birth_date).days // 365
        requests.append(HelpRequest(
            person_id=person.id, kind=HelpKind.TUTORING, subject=rng.choice(SUBJECTS[:4]),
            grade=max(1, min(8, age - 6)), goal="Nadrobienie zaległości przed klasyfikacją.",
            slots=encode({(rng.randrange(5), rng.choice([3, 4])) for _ in range(2)}),
            district_id=person.district_id, starts_on=today, priority=rng.choice([1, 2, 2, 3]),
            referred_by="pracownik socjalny: Ewa Kowalczyk", created_by_id=coordinator.id))
    for person in rng.sample(seniors, min(5, len(seniors))):
        requests.append(HelpRequest(
            person_id=person.id, kind=rng.choice([HelpKind.SENIOR, HelpKind.DISABILITY]),
            tasks=",".join(rng.sample(TASKS, 2)), goal="Pomoc w codziennych sprawach.",
            slots=encode({(rng.randrange(5), rng.randrange(BLOCKS_PER_DAY))}),
            district_id=person.district_id, starts_on=today, priority=rng.choice([1, 2, 3]),
            referred_by="pracownik socjalny: Jan Nowicki", created_by_id=coordinator.id))
    for i, request in enumerate(requests):
        request.created_at = datetime.combine(today - timedelta(days=3 + 4 * i), time(9))
    db.session.add_all(requests)
    db.session.flush()
    kacper = vols[0]
    active, waiting = requests[0], requests[1]
    for request, status in ((active, MatchStatus.ACTIVE), (waiting, MatchStatus.PROPOSED)):
        request.subject, request.grade = "math", 5
        match = Match(request_id=request.id, volunteer_id=kacper.id, status=status, score=80,
                      reasons="matematyka", schedule=request.slots, proposed_by_id=coordinator.id,
                      started_on=today - timedelta(days=40) if status == MatchStatus.ACTIVE
                      else None)
        db.session.add(match)
        db.session.flush()
        db.session.add(MatchEvent(match_id=match.id, to_status=status,
                                  by_user_id=coordinator.id))
        request.status = (RequestStatus.MATCHED if status == MatchStatus.ACTIVE
                          else RequestStatus.PROPOSED)


def grow_requests(rng, people, size, coordinator, today) -> dict[str, int]:
    """Open requests waiting for a volunteer, and a match for half the active volunteers
    (two thirds of them active, the rest ended), each on a request of its own."""
    active = list(db.session.execute(select(Volunteer.id, Volunteer.help_kinds).where(
        Volunteer.status == VolunteerStatus.ACTIVE)))
    dated = [p for p in people if p.birth_date]

    def request(person, status: RequestStatus, kind: HelpKind | None = None) -> dict:
        age = (today - person.birth_date).days // 365
        kind = kind or (HelpKind.TUTORING if age < 18 else rng.choice(
            [HelpKind.SENIOR, HelpKind.DISABILITY]))
        return {"person_id": person.id, "kind": kind, "district_id": person.district_id,
                "subject": rng.choice(SUBJECTS[:5]) if kind == HelpKind.TUTORING else "",
                "grade": max(1, min(8, age - 6)) if kind == HelpKind.TUTORING else None,
                "tasks": "" if kind == HelpKind.TUTORING else ",".join(rng.sample(TASKS, 2)),
                "slots": encode({(rng.randrange(5), rng.randrange(BLOCKS_PER_DAY))}),
                "starts_on": today - timedelta(days=rng.randint(0, 400)), "status": status,
                "priority": rng.choice([1, 2, 2, 3]), "created_by_id": coordinator,
                "created_at": utcnow() - timedelta(days=rng.randint(0, 120))}

    opened = bulk(HelpRequest, (request(rng.choice(dated), RequestStatus.OPEN)
                                 for _ in range(size["open_requests"])))
    helping = rng.sample(active, len(active) // 2)
    first_new = (db.session.scalar(select(func.max(HelpRequest.id))) or 0) + 1
    kinds = [HelpKind((kinds or "tutoring").split(",")[0]) for _vid, kinds in helping]
    bulk(HelpRequest, (request(rng.choice(dated), RequestStatus.MATCHED, kind)
                        for kind in kinds))
    request_ids = list(db.session.scalars(select(HelpRequest.id).where(
        HelpRequest.id >= first_new).order_by(HelpRequest.id)))
    matches = []
    for (vid, _kinds), request_id in zip(helping, request_ids, strict=True):
        started = today - timedelta(days=rng.randint(30, 700))
        ended = rng.random() < 0.33
        matches.append({
            "request_id": request_id, "volunteer_id": vid, "score": rng.randint(50, 95),
            "status": MatchStatus.ENDED if ended else MatchStatus.ACTIVE,
            "schedule": encode({(rng.randrange(5), rng.randrange(BLOCKS_PER_DAY))}),
            "started_on": started,
            "ended_on": min(today, started + timedelta(days=rng.randint(30, 300)))
            if ended else None, "proposed_by_id": coordinator})
    return {"open_requests": opened, "matches": bulk(Match, iter(matches))}

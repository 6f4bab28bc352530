"""The large data set of DESIGN.md, for the benchmarks: `flask --app wsgi seed-large`.

At scale 1.0: 5,000 volunteers, 20,000 persons, 300 groups, about 1,000,000 attendance
rows and 500,000 hours entries, with requests, matches, trainings and projects in
proportion. The demo town (cal.core.demo) makes the people, volunteers with their
records and trainings, the demo accounts and four demo groups as the application would;
the bulk (groups, sessions, attendance, hours, more requests and matches) is written
with multi-row INSERTs in chunks, not one ORM object at a time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta

from sqlalchemy import func, insert, select, text, update

from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.core.access import Role
from cal.core.demo import DEMO_PASSWORD, SUBJECTS, TASKS, seed_demo
from cal.core.timeutil import local_to_utc, local_today, utcnow
from cal.extensions import db
from cal.people.models import Person
from cal.projects.models import (
    BudgetLine,
    Deadline,
    DeadlineKind,
    Expense,
    Indicator,
    Project,
    Source,
    project_groups,
)
from clubs.models import (
    Attendance,
    Group,
    GroupKind,
    GroupLeader,
    GroupSession,
    GroupSlot,
    Mark,
    Membership,
    MemberStatus,
)
from volunteers.availability import BLOCKS_PER_DAY, encode
from volunteers.models import (
    Activity,
    EntryStatus,
    HelpKind,
    HelpRequest,
    HourEntry,
    Match,
    MatchStatus,
    RequestStatus,
    Volunteer,
    VolunteerStatus,
)

CHUNK = 10_000
FULL = {"persons": 20_000, "volunteers": 5_000, "groups": 300, "attendance": 1_000_000,
        "hours": 500_000, "open_requests": 1_000, "leaders": 30, "projects": 10}
MEMBERS = 12  # members of a group
KINDS = [GroupKind.SUPPORT, GroupKind.SELF_HELP, GroupKind.CLASS, GroupKind.LEISURE,
         GroupKind.SENIOR_CLASS]
WORDS = ["Warsztaty", "Grupa", "Klub", "Zajęcia", "Spotkania"]
TOPICS = ["plastyczne", "wsparcia", "komputerowe", "ruchowe", "kulinarne", "językowe",
          "rękodzieła", "szachowe", "teatralne", "ogrodnicze"]


def _chunks(rows: Iterator[dict]) -> Iterator[list[dict]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(model, rows: Iterator[dict]) -> int:
    """Insert rows in chunks of CHUNK, each one multi-row INSERT; returns how many."""
    count = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)
        count += len(chunk)
    return count


def sizes(scale: float) -> dict[str, int]:
    size = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    size["groups"] = max(size["groups"], 5)
    return size


def seed_large(scale: float = 1.0, seed: int = 2026,
               say: Callable[[str], None] = lambda _text: None) -> dict[str, int]:
    size = sizes(scale)
    say(f"demo town: {size['persons']} persons, {size['volunteers']} volunteers")
    seed_demo(seed=seed, persons=size["persons"], volunteers=size["volunteers"])
    db.session.commit()
    return grow(scale, seed, say)


def grow(scale: float, seed: int = 2026,
         say: Callable[[str], None] = lambda _text: None) -> dict[str, int]:
    """Everything beyond the demo town, added to the town already in the database."""
    size = sizes(scale)
    rng = random.Random(seed)
    today = local_today()
    coordinator = db.session.scalar(select(User.id).where(User.role == Role.COORDINATOR))
    people = list(db.session.execute(select(Person.id, Person.birth_date, Person.district_id)))
    made = {"persons": len(people), "volunteers": db.session.scalar(
        select(func.count()).select_from(Volunteer))}

    made["volunteer_accounts"] = _accounts(rng)
    say("requests and matches")
    made.update(_requests_and_matches(rng, people, size, coordinator, today))
    say(f"{size['groups']} groups, sessions and attendance")
    made.update(_groups(rng, people, size, coordinator, today))
    say(f"{size['hours']} hours entries")
    made["hours"] = _hours(rng, size["hours"], coordinator, today)
    say("projects")
    made["projects"] = _projects(rng, size, today)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The planner's statistics, as autovacuum keeps them on a database in use (a
        # bulk load measured before autovacuum comes by is planned on guesses).
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("ANALYZE"))
    return made


def _accounts(rng: random.Random) -> int:
    """A sign-in for every active volunteer, as a centre that uses the phone pages has."""
    password = hash_password(DEMO_PASSWORD)
    without = list(db.session.execute(select(Volunteer.id, Volunteer.first_name,
                                             Volunteer.last_name).where(
        Volunteer.user_id.is_(None), Volunteer.status == VolunteerStatus.ACTIVE)))
    _bulk(User, ({"email": f"w{vid}@wolontariusze.example.org", "full_name": f"{first} {last}",
                  "role": Role.VOLUNTEER, "password_hash": password}
                 for vid, first, last in without))
    ids = dict(db.session.execute(select(User.email, User.id).where(
        User.email.like("w%@wolontariusze.example.org"))).all())
    for vid, _first, _last in without:
        db.session.execute(update(Volunteer).where(Volunteer.id == vid).values(
            user_id=ids[f"w{vid}@wolontariusze.example.org"]))
    return len(without)


def _requests_and_matches(rng, people, size, coordinator, today) -> dict[str, int]:
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

    opened = _bulk(HelpRequest, (request(rng.choice(dated), RequestStatus.OPEN)
                                 for _ in range(size["open_requests"])))
    helping = rng.sample(active, len(active) // 2)
    first_new = (db.session.scalar(select(func.max(HelpRequest.id))) or 0) + 1
    kinds = [HelpKind((kinds or "tutoring").split(",")[0]) for _vid, kinds in helping]
    _bulk(HelpRequest, (request(rng.choice(dated), RequestStatus.MATCHED, kind)
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
    return {"open_requests": opened, "matches": _bulk(Match, iter(matches))}


def _groups(rng, people, size, coordinator, today) -> dict[str, int]:
    """Groups with leaders, a weekly slot or two, twelve members each, and weekly
    sessions going back far enough that their attendance reaches the wanted rows."""
    password = hash_password(DEMO_PASSWORD)
    _bulk(User, ({"email": f"lider{n}@grupy.example.org", "full_name": f"Prowadzący {n}",
                  "role": Role.LEADER, "password_hash": password}
                 for n in range(size["leaders"])))
    leaders = list(db.session.scalars(select(User.id).where(User.role == Role.LEADER)))
    existing = db.session.scalar(select(func.count()).select_from(Group))
    wanted = size["groups"] - existing
    first_new = (db.session.scalar(select(func.max(Group.id))) or 0) + 1
    start = today - timedelta(days=3 * 365)
    _bulk(Group, ({"name": f"{rng.choice(WORDS)} {rng.choice(TOPICS)} {n + 1}",
                   "kind": KINDS[n % len(KINDS)], "place": "Klub Integracji Społecznej",
                   "capacity": 15, "starts_on": start} for n in range(wanted)))
    groups = list(db.session.scalars(select(Group.id).where(Group.id >= first_new)
                                     .order_by(Group.id)))
    _bulk(GroupLeader, ({"group_id": g, "user_id": leaders[i % len(leaders)]}
                        for i, g in enumerate(groups)))
    slots = {g: sorted(rng.sample(range(5), rng.choice([1, 1, 2]))) for g in groups}
    _bulk(GroupSlot, ({"group_id": g, "weekday": day, "starts": time(10 + day % 3),
                       "ends": time(12 + day % 3)} for g in groups for day in slots[g]))
    members = {g: rng.sample(people, MEMBERS) for g in groups}
    _bulk(Membership, ({"group_id": g, "person_id": p.id, "status": MemberStatus.ACTIVE,
                        "joined_on": start} for g in groups for p in members[g]))
    per_group = max(1, size["attendance"] // (len(groups) * MEMBERS))
    first_session = (db.session.scalar(select(func.max(GroupSession.id))) or 0) + 1

    def sessions():
        for g in groups:
            days = [today - timedelta(days=7 * week + (today.weekday() - wd) % 7)
                    for week in range(per_group) for wd in slots[g]][:per_group]
            for day in days:
                at = local_to_utc(day, time(10 + day.weekday() % 3))
                yield {"group_id": g, "planned_at": at, "starts_at": at,
                       "ends_at": at + timedelta(hours=2), "topic": "Spotkanie grupy"}
    made_sessions = _bulk(GroupSession, sessions())
    marks = [Mark.PRESENT] * 8 + [Mark.ABSENT, Mark.EXCUSED]

    def attendance():
        for session_id, group_id, starts in db.session.execute(
                select(GroupSession.id, GroupSession.group_id, GroupSession.starts_at)
                .where(GroupSession.id >= first_session).order_by(GroupSession.id)).all():
            for person in members[group_id]:
                yield {"session_id": session_id, "person_id": person.id,
                       "mark": rng.choice(marks), "by_user_id": coordinator,
                       "at": starts + timedelta(hours=1)}
    return {"groups": len(groups) + existing, "sessions": made_sessions,
            "attendance": _bulk(Attendance, attendance())}


def _hours(rng, wanted: int, coordinator, today) -> int:
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
    return _bulk(HourEntry, rows())


def _projects(rng, size, today) -> int:
    """Projects, each covering a share of the groups and a kind of help, with a budget,
    expenses, every kind of computed indicator and deadlines."""
    from cal.projects import services

    manager = db.session.scalar(select(User.id).where(User.role == Role.PROJECT_MANAGER))
    groups = list(db.session.scalars(select(Group.id).order_by(Group.id)))
    share = max(1, len(groups) // size["projects"])
    for n in range(size["projects"]):
        project = Project(name=f"Projekt {n + 1}: aktywizacja społeczna", funder="eu",
                          starts_on=today - timedelta(days=2 * 365), ends_on=today + timedelta(
                              days=365), value_gr=rng.randint(200, 900) * 100_000,
                          share_eu=8500, share_national=1000, share_own=500,
                          indirect_rate=2500, manager_id=manager,
                          help_kinds=rng.choice(["tutoring", "senior", "disability"]),
                          monitors_participants=True)
        db.session.add(project)
        db.session.flush()
        mine = groups[n * share:(n + 1) * share]
        if mine:
            db.session.execute(insert(project_groups), [
                {"project_id": project.id, "group_id": g} for g in mine])
        lines = []
        for task in range(1, 4):
            for name in ("Wynagrodzenia", "Materiały", "Usługi"):
                line = BudgetLine(project_id=project.id, task=f"Zadanie {task}",
                                  category=name.lower(), name=name,
                                  planned_gr=rng.randint(50, 400) * 100_000)
                db.session.add(line)
                lines.append(line)
        db.session.flush()
        _bulk(Expense, ({"project_id": project.id, "line_id": rng.choice(lines).id,
                         "spent_on": today - timedelta(days=rng.randint(0, 700)),
                         "amount_gr": rng.randint(100, 900_000), "document_number": f"FV/{i}",
                         "description": "Faktura"} for i in range(200)))
        for source in Source:
            db.session.add(Indicator(project_id=project.id, name=str(source.value),
                                     unit="", target=rng.randint(50, 2000), source=source))
        for days in (6, 13, 40, 90):
            db.session.add(Deadline(project_id=project.id, kind=DeadlineKind.REPORT,
                                    title=f"Sprawozdanie {days}", due_on=today + timedelta(
                                        days=days), owner_id=manager))
        db.session.flush()
        services.refresh_last_values([project], today, utcnow())
    return size["projects"]

"""The volunteers' demo data (cal/core/rooms.py): the demo town's volunteers with what
they offer, their legal records, courses and sessions, help requests with a match and a
proposal for the demo volunteer, and hours of the last weeks."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.commands.demo import DEMO_PASSWORD, FEMALE, MALE, SURNAMES, Demo, birth, phone
from cal.commands.large import Large, bulk
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.core.text import fold
from cal.core.timeutil import add_months, local_to_utc, utcnow
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.people.models import Person
from volunteers.availability import BLOCKS_PER_DAY, DAYS, decode, encode
from volunteers.models import (
    Activity,
    CheckResult,
    ComplianceRecord,
    EntryStatus,
    HelpKind,
    HelpRequest,
    HourEntry,
    Match,
    MatchEvent,
    MatchStatus,
    RecordKind,
    RequestStatus,
    StatusChange,
    TrainingCompletion,
    TrainingCourse,
    TrainingEnrolment,
    TrainingSession,
    Volunteer,
    VolunteerStatus,
)
from volunteers.training import valid_until

SUBJECTS = ["math", "polish", "english", "biology", "chemistry", "physics", "history", "early"]
TASKS = ["accompany", "shopping", "reading", "paperwork", "walks", "company", "errands"]


def _offer(rng: random.Random, volunteer: Volunteer) -> None:
    """What a demo volunteer offers and when."""
    kinds = rng.sample(list(HelpKind), rng.randint(1, 2))
    volunteer.help_kinds = ",".join(k.value for k in kinds)
    if HelpKind.TUTORING in kinds:
        volunteer.subjects = ",".join(rng.sample(SUBJECTS, rng.randint(1, 3)))
        volunteer.grade_from = rng.choice([1, 4, 7])
        volunteer.grade_to = volunteer.grade_from + rng.randint(2, 5)
        volunteer.works_with_children = True
    if {HelpKind.DISABILITY, HelpKind.SENIOR} & set(kinds):
        volunteer.tasks = ",".join(rng.sample(TASKS, rng.randint(2, 4)))
    volunteer.languages = rng.choice(["pl", "pl", "pl,en", "pl,uk", "pl,en,de", "pl,pjm"])
    volunteer.availability = encode({(rng.randrange(len(DAYS)), rng.randrange(BLOCKS_PER_DAY))
                                     for _ in range(rng.randint(3, 9))})
    volunteer.capacity = rng.randint(1, 3)
    volunteer.lived_abroad = rng.random() < 0.1


def _records(rng: random.Random, volunteer: Volunteer, today: date) -> list[ComplianceRecord]:
    """The legal records that let a demo volunteer be active (some ending soon)."""
    signed = today - timedelta(days=rng.randint(30, 300))
    end = signed + timedelta(days=365) if rng.random() < 0.9 else today + timedelta(days=20)
    records = [ComplianceRecord(kind=RecordKind.AGREEMENT, done_on=signed, period_start=signed,
                                period_end=end, scope="Pomoc w nauce / pomoc sąsiedzka",
                                place="W miejscu zamieszkania osoby wspieranej",
                                terms="Każda ze stron może rozwiązać porozumienie z 7-dniowym "
                                      "wypowiedzeniem.")]
    kinds = [RecordKind.RISK_INFO, RecordKind.RIGHTS_INFO, RecordKind.CONFIDENTIALITY,
             RecordKind.DATA_AUTHORISATION]
    records += [ComplianceRecord(kind=kind, done_on=signed) for kind in kinds]
    if volunteer.works_with_children:
        for kind in (RecordKind.REGISTER_CHECK, RecordKind.CRIMINAL_RECORD):
            records.append(ComplianceRecord(kind=kind, done_on=signed, result=CheckResult.CLEAR,
                                            scope="art. 21 ust. 3", checked_by="koordynator"))
        records.append(ComplianceRecord(kind=RecordKind.CHILD_STANDARDS, done_on=signed,
                                        period_start=signed))
        if volunteer.lived_abroad:
            records.append(ComplianceRecord(kind=RecordKind.FOREIGN_RECORDS, done_on=signed,
                                            result=CheckResult.CLEAR, scope="oświadczenie"))
    if volunteer.birth_date and (today - volunteer.birth_date).days < 18 * 365.25:
        records.append(ComplianceRecord(kind=RecordKind.GUARDIAN_CONSENT, done_on=signed))
    return records


COURSES = [
    ("Standardy ochrony małoletnich w pracy wolontariusza",
     "Bezpieczne relacje z dziećmi, zachowania niedozwolone, procedura interwencji, "
     "komu zgłaszać niepokojące sytuacje.", "tutoring", 24),
    ("Asystowanie osobie z niepełnosprawnością",
     "Komunikacja, pomoc w poruszaniu się i przy wózku, bezpieczeństwo, granice pomocy.",
     "disability", 36),
    ("Wsparcie seniora: komunikacja i bezpieczeństwo",
     "Rozmowa z osobą starszą, rozpoznawanie zagrożeń, oszustwa „na wnuczka”, kontakt z "
     "koordynatorem.", "senior", 36),
    ("Pierwsza pomoc przedmedyczna", "Ocena stanu poszkodowanego, RKO, pozycja bezpieczna.",
     "", 24),
]


def _trainings(rng: random.Random, vols: list[Volunteer], coordinator: User,
               today: date) -> None:
    """Courses, a past session with attendance, sessions to come, and completions for
    the active volunteers (a few ending soon)."""
    courses = [TrainingCourse(name=n, description=d, required_for=k, validity_months=m)
               for n, d, k, m in COURSES]
    db.session.add_all(courses)
    db.session.flush()
    by_kind = {c.required_for: c for c in courses if c.required_for}
    for volunteer in vols:
        if volunteer.status not in (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED):
            continue
        for kind in volunteer.kinds():
            course = by_kind.get(kind.value)
            if course is None:
                continue
            if rng.random() < 0.2:  # ends within the coming weeks
                done = add_months(today + timedelta(days=rng.randint(5, 25)),
                                  -course.validity_months)
            else:
                done = today - timedelta(days=rng.choice([60, 150, 270, 420]))
            db.session.add(TrainingCompletion(
                volunteer_id=volunteer.id, course_id=course.id, completed_on=done,
                valid_until=valid_until(course, done), note="szkolenie w Ośrodku",
                created_by_id=coordinator.id))
    places = ["Ośrodek, sala 12", "Klub Integracji Społecznej, ul. Parkowa 3"]
    for course, days, hour in ((courses[0], 6, 17), (courses[2], 13, 10), (courses[3], 20, 16)):
        db.session.add(TrainingSession(
            course_id=course.id, starts_at=local_to_utc(today + timedelta(days=days),
                                                          time(hour)),
            place=rng.choice(places), trainer="Anna Wiśniewska", capacity=12))
    learners = [v for v in vols if v.status == VolunteerStatus.TRAINING]
    past = TrainingSession(course_id=courses[0].id, capacity=12, place=places[0],
                           trainer="Anna Wiśniewska",
                           starts_at=local_to_utc(today - timedelta(days=1), time(17)))
    db.session.add(past)
    db.session.flush()
    for volunteer in learners:
        db.session.add(TrainingEnrolment(session_id=past.id, volunteer_id=volunteer.id,
                                         enrolled_by_id=coordinator.id))


def _requests(rng: random.Random, people: list[Person], vols: list[Volunteer],
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


def _hours(rng: random.Random, vols: list[Volunteer], coordinator: User, today: date) -> None:
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


def seed(demo: Demo) -> None:
    rng, users, people, today = demo.rng, demo.users, demo.people, demo.today
    districts = demo.districts
    statuses = ([VolunteerStatus.ACTIVE] * 24 + [VolunteerStatus.APPLICANT] * 5
                + [VolunteerStatus.SCREENING] * 4 + [VolunteerStatus.TRAINING] * 4
                + [VolunteerStatus.PAUSED] * 2 + [VolunteerStatus.LEFT] * 1)
    vols = [Volunteer(first_name="Kacper", last_name="Lewandowski", email="wolontariusz@cal.local",
                      phone="600 200 300", birth_date=birth(rng, 20, 24), district=districts[2],
                      status=VolunteerStatus.ACTIVE, user=users[Role.VOLUNTEER])]
    for i in range(demo.volunteers - 1):
        male = rng.random() < 0.4
        surname = rng.choice(SURNAMES)
        first = rng.choice(MALE if male else FEMALE)
        last = surname[0] if male else surname[1]
        vols.append(Volunteer(
            first_name=first, last_name=last, phone=phone(rng),
            email=f"{fold(first)}.{fold(last)}{i}@example.org".replace(" ", ""),
            birth_date=birth(rng, 16, 72), district=rng.choice(districts),
            status=statuses[i % len(statuses)]))
    for volunteer in vols:
        _offer(rng, volunteer)
    vols[0].help_kinds, vols[0].subjects, vols[0].works_with_children = "tutoring", "math", True
    vols[0].grade_from, vols[0].grade_to, vols[0].capacity = 4, 8, 3
    db.session.add_all(vols)
    db.session.flush()
    for volunteer in vols:
        db.session.add(StatusChange(volunteer_id=volunteer.id, to_status=volunteer.status))
        if volunteer.status in (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED):
            for record in _records(rng, volunteer, today):
                record.volunteer_id = volunteer.id
                db.session.add(record)
    db.session.flush()
    _trainings(rng, vols, users[Role.COORDINATOR], today)
    _requests(rng, people, vols, users[Role.COORDINATOR], today)
    db.session.flush()
    _hours(rng, vols, users[Role.COORDINATOR], today)
    db.session.flush()
    waiting = db.session.scalar(select(Match).where(Match.status == MatchStatus.PROPOSED))
    tell(users[Role.VOLUNTEER].id, "match_proposed", f"match:{waiting.id}",
         _l("A new proposal to help"), url=external_url("volunteers.my_matches"))
    demo.made["volunteers"] = len(vols)


# The large data set (cal/commands/large.py) ------------------------------------------------

def _accounts(rng: random.Random) -> int:
    """A sign-in for every active volunteer, as a centre that uses the phone pages has."""
    password = hash_password(DEMO_PASSWORD)
    without = list(db.session.execute(select(Volunteer.id, Volunteer.first_name,
                                             Volunteer.last_name).where(
        Volunteer.user_id.is_(None), Volunteer.status == VolunteerStatus.ACTIVE)))
    bulk(User, ({"email": f"w{vid}@wolontariusze.example.org", "full_name": f"{first} {last}",
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


def _many_hours(rng, wanted: int, coordinator, today) -> int:
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


def grow(large: Large) -> dict[str, int]:
    rng, size, coordinator, today = large.rng, large.size, large.coordinator, large.today
    made = {"volunteers": db.session.scalar(select(func.count()).select_from(Volunteer)),
            "volunteer_accounts": _accounts(rng)}
    large.say("requests and matches")
    made.update(_requests_and_matches(rng, large.people, size, coordinator, today))
    large.say(f"{size['hours']} hours entries")
    made["hours"] = _many_hours(rng, size["hours"], coordinator, today)
    return made


SEED = DemoSeed("volunteers", seed, 10, grow)

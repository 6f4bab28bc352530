"""The groups' demo data (cal/core/rooms.py): groups of the KIS and the senior centre
with members, a waiting list, sessions and past attendance."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.commands.demo import (
    DEMO_PASSWORD,
    FEMALE,
    MALE,
    STREETS,
    SURNAMES,
    Demo,
    birth,
    make_person,
    phone,
)
from cal.commands.large import Large, bulk
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.core.text import fold
from cal.core.timeutil import local_day_start_utc, local_to_utc
from cal.extensions import db
from cal.people.models import District, Household, Person
from clubs import attendance
from clubs import services as clubs
from clubs.models import (
    ASKED_EFFECTS,
    Attendance,
    Group,
    GroupKind,
    GroupLeader,
    GroupSession,
    GroupSlot,
    Mark,
    Membership,
    MemberStatus,
    TargetGroup,
)

CLUB_GROUPS = [
    # name, kind, place, capacity, weekdays after today's, start, end
    ("Gimnastyka dla seniorów", GroupKind.SENIOR_CLASS, "Sala gimnastyczna, ul. Parkowa 3", 15,
     (0, 2), time(10), time(11)),
    ("Klub rękodzieła", GroupKind.SENIOR_CLASS, "Centrum Aktywności Seniora, sala 1", 12,
     (3,), time(11), time(13)),
    ("Grupa wsparcia: w drodze do pracy", GroupKind.SUPPORT, "Klub Integracji Społecznej",
     10, (1,), time(10), time(12)),
    ("Warsztaty kompetencji cyfrowych", GroupKind.CLASS, "Klub Integracji Społecznej, "
     "pracownia komputerowa", 8, (4,), time(12), time(14)),
]


def seed(demo: Demo) -> None:
    """Groups of the KIS and the senior centre led by the demo leader, with members, a
    waiting list, sessions of the last and next four weeks, and past attendance. The
    gymnastics group meets today, so the leader has a session to take."""
    rng, people, users, today = demo.rng, demo.people, demo.users, demo.today
    coordinator = users[Role.COORDINATOR]
    seniors = [p for p in people if p.birth_date and (today - p.birth_date).days > 60 * 365]
    districts = list(db.session.scalars(select(District)))
    while len(seniors) < 30:  # the senior centre serves more seniors than the other services
        surname = rng.choice(SURNAMES)
        male = rng.random() < 0.35
        first = rng.choice(MALE if male else FEMALE)
        last = surname[0] if male else surname[1]
        district = rng.choice(districts)
        address = f"ul. {rng.choice(STREETS)} {rng.randint(1, 80)}/{rng.randint(1, 40)}"
        home = Household(name=f"{surname[0]} – {address}", address=address, district=district,
                         phone=phone(rng))
        home.search_name = fold(home.name)
        senior = make_person(rng, first, last, birth(rng, 61, 88), home, district)
        senior.phone = home.phone
        db.session.add_all([home, senior])
        seniors.append(senior)
    db.session.flush()
    adults = [p for p in people if p.birth_date and 25 * 365 < (today - p.birth_date).days
              < 60 * 365]
    start = today - timedelta(days=28)
    for name, kind, place, capacity, days, begins, ends in CLUB_GROUPS:
        group = clubs.save_group(
            None, {"name": name, "kind": kind, "description": "", "place": place,
                   "capacity": capacity, "starts_on": start - timedelta(days=60),
                   "ends_on": None},
            [clubs.Slot((today.weekday() + d) % 7, begins, ends) for d in days],
            [users[Role.LEADER].id], coordinator)
        senior = kind == GroupKind.SENIOR_CLASS
        pool = seniors if senior else adults
        wanted = capacity + 2 if name.startswith("Gimnastyka") else rng.randint(
            capacity // 2, capacity)
        for person in rng.sample(pool, min(wanted, len(pool))):
            kis = None if senior else {
                "target_group": rng.choice(list(TargetGroup)),
                "contract_ref": f"KS/{today.year}/{rng.randint(10, 99)}",
                "period_start": start, "period_end": start + timedelta(days=180)}
            clubs.enrol(group, person, coordinator, start, kis)
        if not senior:  # two left already, with what they reached (the KIS report)
            for membership in clubs.members_of(group, (MemberStatus.ACTIVE,))[:2]:
                clubs.end_membership(membership, "", coordinator, today - timedelta(days=7),
                                     rng.choice(ASKED_EFFECTS))
        clubs.generate_sessions(group, start, weeks=8)
        past = db.session.scalars(select(GroupSession).where(
            GroupSession.group_id == group.id,
            GroupSession.starts_at < local_day_start_utc(today))).all()
        ids = [m.person_id for m in clubs.members_of(group, (MemberStatus.ACTIVE,))]
        for session in past:
            session.topic = rng.choice(["Rozgrzewka i ćwiczenia równowagi", "Spotkanie grupy",
                                        "Rozmowa o planach na tydzień", "Ćwiczenia praktyczne"])
            for person_id in ids:
                mark = rng.choices([Mark.PRESENT, Mark.ABSENT, Mark.EXCUSED], [8, 1, 1])[0]
                attendance.set_mark(session.id, person_id, mark, coordinator, today)
    _registered_twice(people, users[Role.LEADER], today)


def _registered_twice(people, leader, today) -> None:
    """Someone known at the centre, in none of the leader's groups, whom the leader (who
    is shown only their groups' people) registered anew at the door of last week's
    session: the double record a coordinator joins (cal/people/merge.py)."""
    enrolled = select(Membership.person_id)
    known = db.session.scalar(select(Person).where(
        Person.id.in_([p.id for p in people]), Person.id.not_in(enrolled),
        Person.birth_date < today - timedelta(days=30 * 365)).order_by(Person.id).limit(1))
    session = db.session.scalar(select(GroupSession).join(Group).where(
        Group.kind != GroupKind.SENIOR_CLASS, GroupSession.starts_at < local_day_start_utc(
            today)).order_by(GroupSession.starts_at.desc()).limit(1))
    double = Person(first_name=known.first_name, last_name=known.last_name,
                    search_name=known.search_name, phone="",
                    notes="Zapisana przy drzwiach na zajęciach.")
    db.session.add(double)
    db.session.flush()
    attendance.set_mark(session.id, double.id, Mark.PRESENT, leader, today, guest=True)


# The large data set (cal/commands/large.py) ------------------------------------------------

MEMBERS = 12  # members of a group
KINDS = [GroupKind.SUPPORT, GroupKind.SELF_HELP, GroupKind.CLASS, GroupKind.LEISURE,
         GroupKind.SENIOR_CLASS]
WORDS = ["Warsztaty", "Grupa", "Klub", "Zajęcia", "Spotkania"]
TOPICS = ["plastyczne", "wsparcia", "komputerowe", "ruchowe", "kulinarne", "językowe",
          "rękodzieła", "szachowe", "teatralne", "ogrodnicze"]


def _groups(rng, people, size, coordinator, today) -> dict[str, int]:
    """Groups with leaders, a weekly slot or two, twelve members each, and weekly
    sessions going back far enough that their attendance reaches the wanted rows."""
    password = hash_password(DEMO_PASSWORD)
    bulk(User, ({"email": f"lider{n}@grupy.example.org", "full_name": f"Prowadzący {n}",
                  "role": Role.LEADER, "password_hash": password}
                 for n in range(size["leaders"])))
    leaders = list(db.session.scalars(select(User.id).where(User.role == Role.LEADER)))
    existing = db.session.scalar(select(func.count()).select_from(Group))
    wanted = size["groups"] - existing
    first_new = (db.session.scalar(select(func.max(Group.id))) or 0) + 1
    start = today - timedelta(days=3 * 365)
    bulk(Group, ({"name": f"{rng.choice(WORDS)} {rng.choice(TOPICS)} {n + 1}",
                   "kind": KINDS[n % len(KINDS)], "place": "Klub Integracji Społecznej",
                   "capacity": 15, "starts_on": start} for n in range(wanted)))
    groups = list(db.session.scalars(select(Group.id).where(Group.id >= first_new)
                                     .order_by(Group.id)))
    bulk(GroupLeader, ({"group_id": g, "user_id": leaders[i % len(leaders)]}
                        for i, g in enumerate(groups)))
    slots = {g: sorted(rng.sample(range(5), rng.choice([1, 1, 2]))) for g in groups}
    bulk(GroupSlot, ({"group_id": g, "weekday": day, "starts": time(10 + day % 3),
                       "ends": time(12 + day % 3)} for g in groups for day in slots[g]))
    members = {g: rng.sample(people, MEMBERS) for g in groups}
    bulk(Membership, ({"group_id": g, "person_id": p.id, "status": MemberStatus.ACTIVE,
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
    made_sessions = bulk(GroupSession, sessions())
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
            "attendance": bulk(Attendance, attendance())}


def grow(large: Large) -> dict[str, int]:
    large.say(f"{large.size['groups']} groups, sessions and attendance")
    return _groups(large.rng, large.people, large.size, large.coordinator, large.today)


SEED = DemoSeed("clubs", seed, 20, grow)

"""Realistic Polish demo data: a town's districts, households, persons, volunteers
and one account per role (password ``demo1234``)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.core.access import Role
from cal.core.text import fold
from cal.core.timeutil import local_day_start_utc, local_to_utc, local_today, utcnow
from cal.extensions import db
from cal.people.models import District, Household, Person
from clubs.models import GroupKind, GroupSession, Mark, MemberStatus, TargetGroup
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
from volunteers.training import add_months, valid_until

DEMO_PASSWORD = "demo1234"
ACCOUNTS = [
    ("admin@cal.local", "Marta Zielińska", Role.ADMIN),
    ("koordynator@cal.local", "Anna Wiśniewska", Role.COORDINATOR),
    ("lider@cal.local", "Tomasz Kaczmarek", Role.LEADER),
    ("wolontariusz@cal.local", "Kacper Lewandowski", Role.VOLUNTEER),
    ("projekty@cal.local", "Ewa Dąbrowska", Role.PROJECT_MANAGER),
]
# Districts of the demo town, with their centre points in km on a local grid.
DISTRICTS = [
    ("Śródmieście", 0.0, 0.0), ("Stare Miasto", -0.8, 0.9), ("Zatorze", 1.9, 1.2),
    ("Osiedle Słoneczne", 2.6, -1.4), ("Podgórze", -1.5, -2.2), ("Nowe Miasto", 0.9, 2.8),
    ("Przedmieście Lubelskie", 3.8, 0.4), ("Leśna Polana", -3.1, 1.7),
]
STREETS = ["Lipowa", "Kościuszki", "Mickiewicza", "Słowackiego", "Ogrodowa", "Polna",
           "Kwiatowa", "Szkolna", "Długa", "Parkowa", "Sienkiewicza", "Kolejowa"]
MALE = ["Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin",
        "Jakub", "Adam", "Łukasz", "Mateusz", "Kacper", "Szymon", "Filip", "Stanisław"]
FEMALE = ["Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa",
          "Zofia", "Julia", "Zuzanna", "Maja", "Helena", "Alicja", "Jadwiga", "Halina"]
SURNAMES = [("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"),
            ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
            ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"),
            ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"),
            ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Krawczyk", "Krawczyk"),
            ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"), ("Pawlak", "Pawlak")]
HEALTH = ["Cukrzyca typu 2, insulina rano.", "Po udarze, porusza się z balkonikiem.",
          "Astma – inhalator przy sobie.", "Słabo słyszy, mówić wyraźnie."]
DISABILITY = ["Orzeczenie o umiarkowanym stopniu niepełnosprawności; potrzebuje pomocy "
              "przy zakupach.", "Osoba niewidoma – pomoc w czytaniu korespondencji.",
              "Porusza się na wózku; wizyty tylko na parterze."]


def _phone(rng: random.Random) -> str:
    first = f"{rng.choice('5678')}{rng.randint(10, 99)}"
    return f"{first} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def _birth(rng: random.Random, min_age: int, max_age: int) -> date:
    today = local_today()
    return today - timedelta(days=rng.randint(min_age * 365, max_age * 365))


def _person(rng, first, last, birth, household, district) -> Person:
    return Person(first_name=first, last_name=last, search_name=fold(f"{last} {first}"),
                  birth_date=birth, household=household, district=district,
                  address=household.address, phone="")


def _household_members(rng: random.Random, household: Household, district, surname) -> list:
    """A family with children, or a senior living alone or as a couple."""
    if rng.random() < 0.6:
        members = [_person(rng, rng.choice(FEMALE), surname[1], _birth(rng, 28, 50), household,
                           district)]
        if rng.random() < 0.6:
            members.append(_person(rng, rng.choice(MALE), surname[0], _birth(rng, 30, 55),
                                   household, district))
        for _ in range(rng.randint(1, 3)):
            male = rng.random() < 0.5
            members.append(_person(rng, rng.choice(MALE if male else FEMALE),
                                   surname[0] if male else surname[1], _birth(rng, 7, 17),
                                   household, district))
        return members
    members = [_person(rng, rng.choice(FEMALE), surname[1], _birth(rng, 65, 90), household,
                       district)]
    if rng.random() < 0.4:
        members.append(_person(rng, rng.choice(MALE), surname[0], _birth(rng, 67, 92), household,
                               district))
    return members


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


def _clubs(rng: random.Random, people: list[Person], users: dict, today: date) -> None:
    """Groups of the KIS and the senior centre led by the demo leader, with members, a
    waiting list, sessions of the last and next four weeks, and past attendance. The
    gymnastics group meets today, so the leader has a session to take."""
    from clubs import services as clubs

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
                         phone=_phone(rng))
        home.search_name = fold(home.name)
        senior = _person(rng, first, last, _birth(rng, 61, 88), home, district)
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
        if senior:  # the senior centre's members carry cards
            from seniors import services as centre

            for membership in clubs.members_of(group):
                if centre.member_of(membership.person) is None:
                    centre.register(membership.person, {
                        "joined_on": start, "emergency_name": f"{rng.choice(FEMALE)} "
                        f"{membership.person.last_name}", "emergency_phone": _phone(rng)},
                        coordinator)
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
                clubs.set_mark(session.id, person_id, mark, coordinator, today)


def _project(rng: random.Random, users: dict, today: date) -> None:
    """An ESF+ project of the KIS groups and the tutoring programme, with a task budget,
    expenses, computed and hand-entered indicators, deadlines and EU participants."""
    from cal.projects import services as projects
    from cal.projects.models import (
        Answer,
        Area,
        Deadline,
        DeadlineKind,
        Education,
        Expense,
        Indicator,
        IndicatorValue,
        LabourStatus,
        Participant,
        Sex,
        Source,
    )
    from clubs.models import Group

    manager = users[Role.PROJECT_MANAGER]
    kis = [g.id for g in db.session.scalars(select(Group).where(
        Group.kind != GroupKind.SENIOR_CLASS))]
    start = today.replace(month=1, day=1)
    project = projects.save_project(None, {
        "name": "Aktywni razem – integracja społeczna w dzielnicach", "funder": "eu",
        "programme": "Fundusze Europejskie dla regionu 2021–2027, Priorytet VI",
        "call_number": "FERS.06.10-IP.01-001/25", "agreement_number": "UDA-06.10-0042/25",
        "starts_on": start, "ends_on": start.replace(year=start.year + 1, month=12, day=31),
        "value_gr": 48_000_000, "share_eu": 8500, "share_national": 1000, "share_own": 500,
        "settlement": "real_costs", "indirect_rate": 2500, "status": "running",
        "manager_id": manager.id, "partners": "Stowarzyszenie Sąsiedzkie „Razem”",
        "help_kinds": "tutoring", "monitors_participants": True}, kis, [], manager)
    lines = [projects.add_line(project, task, category, name, planned, manager)
             for task, category, name, planned in (
                 ("Zadanie 1. Klub Integracji Społecznej", "personel", "Prowadzący grupy",
                  12_000_000),
                 ("Zadanie 1. Klub Integracji Społecznej", "materiały", "Materiały na zajęcia",
                  1_500_000),
                 ("Zadanie 2. Korepetycje wolontariackie", "usługi", "Szkolenia wolontariuszy",
                  2_400_000),
                 ("Zadanie 2. Korepetycje wolontariackie", "materiały", "Podręczniki i zeszyty",
                  600_000))]
    for month in range(1, today.month + 1):
        day = date(today.year, month, min(28, today.day if month == today.month else 28))
        for line, amount in ((lines[0], 950_000), (lines[1], rng.randint(40_000, 160_000))):
            db.session.add(Expense(project_id=project.id, line_id=line.id, spent_on=day,
                                   amount_gr=amount, document_number=f"FV/{month:02d}/{line.id}",
                                   description=line.name, created_by_id=manager.id))
    db.session.add(Expense(project_id=project.id, line_id=lines[3].id, spent_on=start,
                           amount_gr=640_000, document_number="FV/01/ks",
                           description="Podręczniki do matematyki", created_by_id=manager.id))
    for name, unit, target, source in (
            ("Uczestnicy zajęć KIS", "osoby", 40, Source.PARTICIPANTS),
            ("Zajęcia grupowe", "spotkania", 150, Source.SESSIONS),
            ("Godziny korepetycji wolontariuszy", "godziny", 600, Source.HOURS),
            ("Dzieci objęte korepetycjami", "osoby", 30, Source.PEOPLE_HELPED),
            ("Osoby, które podjęły zatrudnienie", "osoby", 8, Source.MANUAL)):
        db.session.add(Indicator(project_id=project.id, name=name, unit=unit, target=target,
                                 source=source))
    db.session.flush()
    manual = db.session.scalar(select(Indicator).where(Indicator.project_id == project.id,
                                                       Indicator.source == Source.MANUAL))
    for months, value in ((4, 1), (2, 2), (0, 3)):
        db.session.add(IndicatorValue(indicator_id=manual.id, value=value,
                                      as_of=today - timedelta(days=30 * months),
                                      created_by_id=manager.id))
    for kind, title, days in ((DeadlineKind.PAYMENT_CLAIM, "Wniosek o płatność za kwartał", 6),
                              (DeadlineKind.REPORT, "Sprawozdanie roczne", 40),
                              (DeadlineKind.MILESTONE, "Zakończenie naboru uczestników", 13)):
        db.session.add(Deadline(project_id=project.id, kind=kind, title=title,
                                due_on=today + timedelta(days=days), owner_id=manager.id))
    candidates = sorted(projects.candidate_person_ids(project, start, today))
    for person_id in candidates[:12]:
        person = db.session.get(Person, person_id)
        answer = rng.choices(list(Answer), [1, 6, 1])
        db.session.add(Participant(
            project_id=project.id, person_id=person_id,
            sex=Sex.FEMALE if person.first_name.endswith("a") else Sex.MALE,
            started_on=max(start, today - timedelta(days=60)),
            education=rng.choice(list(Education)), labour_status=rng.choice(list(LabourStatus)),
            disability=answer[0], foreign_background=Answer.NO, third_country=Answer.NO,
            minority=Answer.NO, homeless=rng.choice([Answer.NO, Answer.NO, Answer.YES]),
            area=rng.choice([Area.URBAN, Area.URBAN, Area.RURAL])))
    db.session.flush()
    projects.refresh_last_values([project], today, utcnow())


def _notifications(users: dict) -> None:
    """What the scans would have told by now (the proposal waiting for the demo
    volunteer, expiring records, the summary, deadlines), delivered in the application
    when someone opens it; e-mails wait for the first scan with a mail server."""
    from cal.core.urls import external_url
    from cal.jobs import reminders
    from cal.jobs.outbox import tell
    from volunteers.models import Match, MatchStatus

    waiting = db.session.scalar(select(Match).where(Match.status == MatchStatus.PROPOSED))
    if waiting is not None:
        tell(users[Role.VOLUNTEER].id, "match_proposed", f"match:{waiting.id}",
             _l("A new proposal to help"), url=external_url("volunteers.my_matches"))
    now = utcnow()
    for scan in reminders.SCANS:
        scan(now)


def _rodo(people: list[Person], admin: User, today: date) -> None:
    """A request for a copy of the data, received 25 days ago (due within the week), and
    the periods the centre's archivist might set (the project's grant agreement asks for
    ten years)."""
    from cal.people import retention, rodo
    from cal.people.models import SubjectKind

    subject = rodo.gather(SubjectKind.PERSON, people[3].id)
    rodo.open_request(subject, {
        "kind": "access", "received_on": today - timedelta(days=25),
        "identity_check": "Dowód osobisty okazany w sekretariacie",
        "details": "Prosi o kopię danych, które ośrodek o niej przechowuje."}, admin)
    retention.set_periods({retention.RecordType.PROJECT: 120,
                           retention.RecordType.VOLUNTEER: 60,
                           retention.RecordType.NOTIFICATION: 12}, admin)


def seed_demo(seed: int = 2026, persons: int = 80, volunteers: int = 40) -> dict[str, int]:
    rng = random.Random(seed)
    password_hash = hash_password(DEMO_PASSWORD)
    users = {role: User(email=email, full_name=name, role=role, password_hash=password_hash)
             for email, name, role in ACCOUNTS}
    db.session.add_all(users.values())
    districts = [District(name=n, x_km=x, y_km=y) for n, x, y in DISTRICTS]
    db.session.add_all(districts)

    people: list[Person] = []
    households = 0
    while len(people) < persons:
        surname = rng.choice(SURNAMES)
        district = rng.choice(districts)
        address = f"ul. {rng.choice(STREETS)} {rng.randint(1, 80)}/{rng.randint(1, 40)}"
        household = Household(name=f"{surname[0]} – {address}", search_name="", address=address,
                              district=district, phone=_phone(rng))
        household.search_name = fold(household.name)
        members = _household_members(rng, household, district, surname)[: persons - len(people)]
        members[0].phone = household.phone
        people.extend(members)
        households += 1
        db.session.add(household)
    for person in rng.sample(people, 8):
        person.health_notes = rng.choice(HEALTH)
    for person in rng.sample(people, 6):
        person.disability_notes = rng.choice(DISABILITY)
    db.session.add_all(people)

    statuses = ([VolunteerStatus.ACTIVE] * 24 + [VolunteerStatus.APPLICANT] * 5
                + [VolunteerStatus.SCREENING] * 4 + [VolunteerStatus.TRAINING] * 4
                + [VolunteerStatus.PAUSED] * 2 + [VolunteerStatus.LEFT] * 1)
    vols = [Volunteer(first_name="Kacper", last_name="Lewandowski", email="wolontariusz@cal.local",
                      phone="600 200 300", birth_date=_birth(rng, 20, 24), district=districts[2],
                      status=VolunteerStatus.ACTIVE, user=users[Role.VOLUNTEER])]
    for i in range(volunteers - 1):
        male = rng.random() < 0.4
        surname = rng.choice(SURNAMES)
        first = rng.choice(MALE if male else FEMALE)
        last = surname[0] if male else surname[1]
        vols.append(Volunteer(
            first_name=first, last_name=last, phone=_phone(rng),
            email=f"{fold(first)}.{fold(last)}{i}@example.org".replace(" ", ""),
            birth_date=_birth(rng, 16, 72), district=rng.choice(districts),
            status=statuses[i % len(statuses)]))
    today = local_today()
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
    _clubs(rng, people, users, today)
    db.session.flush()
    _project(rng, users, today)
    db.session.flush()
    _notifications(users)
    _rodo(people, users[Role.ADMIN], today)
    return {"users": len(users), "districts": len(districts), "households": households,
            "persons": len(people), "volunteers": len(vols)}

"""Realistic Polish demo data: one account per role (password ``demo1234``), a town's
districts, households and persons; then each room's seeds (cal/core/rooms.py) add what
they keep, and the scans tell what they would have told by now."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from cal.auth.models import User
from cal.auth.passwords import hash_password
from cal.core.access import Role
from cal.core.phones import e164, is_mobile
from cal.core.rooms import registry
from cal.core.text import fold
from cal.core.timeutil import local_to_utc, local_today, utcnow
from cal.extensions import db
from cal.people import retention, rodo
from cal.people.models import (
    ConsentWay,
    ContactConsent,
    District,
    Household,
    Person,
    SubjectKind,
)

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


def phone(rng: random.Random) -> str:
    first = f"{rng.choice('5678')}{rng.randint(10, 99)}"
    return f"{first} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def birth(rng: random.Random, min_age: int, max_age: int) -> date:
    today = local_today()
    return today - timedelta(days=rng.randint(min_age * 365, max_age * 365))


def make_person(rng, first, last, birth, household, district) -> Person:
    return Person(first_name=first, last_name=last, search_name=fold(f"{last} {first}"),
                  birth_date=birth, household=household, district=district,
                  address=household.address, phone="")


def _household_members(rng: random.Random, household: Household, district, surname) -> list:
    """A family with children, or a senior living alone or as a couple."""
    if rng.random() < 0.6:
        members = [make_person(rng, rng.choice(FEMALE), surname[1], birth(rng, 28, 50), household,
                           district)]
        if rng.random() < 0.6:
            members.append(make_person(rng, rng.choice(MALE), surname[0], birth(rng, 30, 55),
                                   household, district))
        for _ in range(rng.randint(1, 3)):
            male = rng.random() < 0.5
            members.append(make_person(rng, rng.choice(MALE if male else FEMALE),
                                   surname[0] if male else surname[1], birth(rng, 7, 17),
                                   household, district))
        return members
    members = [make_person(rng, rng.choice(FEMALE), surname[1], birth(rng, 65, 90), household,
                       district)]
    if rng.random() < 0.4:
        members.append(make_person(rng, rng.choice(MALE), surname[0], birth(rng, 67, 92), household,
                               district))
    return members


@dataclass
class Demo:
    """What the rooms' demo seeds share: one random generator, so that the town is the
    same on every machine, the accounts by role, the districts and persons, today, and
    the summary that ``seed-demo`` prints."""

    rng: random.Random
    users: dict[Role, User]
    districts: list[District]
    people: list[Person]
    today: date
    volunteers: int
    made: dict[str, int] = field(default_factory=dict)


def _rodo(people: list[Person], admin: User, today: date) -> None:
    """A request for a copy of the data, received 25 days ago (due within the week), and
    the periods the centre's archivist might set (the project's grant agreement asks for
    ten years)."""
    subject = rodo.gather(SubjectKind.PERSON, people[3].id)
    rodo.open_request(subject, {
        "kind": "access", "received_on": today - timedelta(days=25),
        "identity_check": "Dowód osobisty okazany w sekretariacie",
        "details": "Prosi o kopię danych, które ośrodek o niej przechowuje."}, admin)
    retention.set_periods({retention.RecordType.PROJECT: 120,
                           retention.RecordType.VOLUNTEER: 60,
                           retention.RecordType.NOTIFICATION: 12}, admin)


def _consents(rng: random.Random, today) -> int:
    """Most people with a mobile number agreed to text messages, on paper, some time
    ago (their own generator: the rest of the demo stays as it was)."""
    made = 0
    for person in db.session.scalars(select(Person).where(Person.phone != "")
                                     .order_by(Person.id)):
        if is_mobile(person.phone) and rng.random() < 0.75:
            given = local_to_utc(today - timedelta(days=rng.randint(20, 400)), time(10))
            db.session.add(ContactConsent(person_id=person.id, channel="sms",
                                          address=e164(person.phone), given_at=given,
                                          way=ConsentWay.WRITTEN))
            made += 1
    return made


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
                              district=district, phone=phone(rng))
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

    demo = Demo(rng, users, districts, people, local_today(), volunteers,
                {"users": len(users), "districts": len(districts), "households": households,
                 "persons": len(people)})
    for room in registry().demo:
        room.seed(demo)
        db.session.flush()
    demo.made["contact consents"] = _consents(random.Random(seed + 1), demo.today)
    now = utcnow()
    for scan in registry().scans:  # what they would have told by now, in the application
        scan(now)
    _rodo(people, users[Role.ADMIN], demo.today)
    return demo.made

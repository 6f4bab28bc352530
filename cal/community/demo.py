"""The community room's demo (cal/core/rooms.py): Mikołajki on 6 December with children
registered, a waiting list and three shifts, a spring workshop for parents, and a prelection open to
all. Its own random generator keeps the other rooms' demo as it was."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import insert, or_, select

from cal.commands.demo import FEMALE, MALE, SURNAMES, Demo, phone
from cal.community.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    Shift,
    event_partners,
)
from cal.community.registrations import Child, register
from cal.community.shifts import take
from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.phones import is_mobile
from cal.core.rooms import DemoSeed
from cal.core.timeutil import local_day_start_utc, local_to_utc, utcnow
from cal.extensions import db
from cal.partners import services as partners
from volunteers.models import Volunteer, VolunteerStatus

CHILDREN = ["Zosia", "Antek", "Hania", "Kuba", "Lena", "Franek", "Maja", "Staś", "Ola", "Tymek",
            "Julka", "Filip"]


def _event(day: date, starts: time, ends: time, **values) -> Event:
    return Event(starts_at=local_to_utc(day, starts), ends_at=local_to_utc(day, ends),
                 status=EventStatus.PUBLISHED, public=True, **values)


def mikolajki_day(today: date) -> date:
    """The coming 6 December when it is near (from October until the day before), else
    two weeks from today: the demo's children's event is always soon, so registrations
    and shifts can be taken within the volunteers' agreements, whatever the day."""
    sixth = date(today.year, 12, 6)
    return sixth if 0 < (sixth - today).days <= 60 else today + timedelta(days=14)


def seed(demo: Demo) -> None:
    rng, today = random.Random(6), demo.today
    coordinator = demo.users[Role.COORDINATOR]
    day = mikolajki_day(today)
    mikolajki = _event(
        day, time(10), time(13), title="Mikołajki dla dzieci",
        kind=EventKind.CHILDREN, audience=Audience.CHILDREN, age_from=3, age_to=10,
        capacity=20, place="Świetlica ośrodka, ul. Słoneczna 4", organiser="Dział CAL",
        created_by_id=coordinator.id,
        registration_from=local_day_start_utc(min(today, date(day.year, 11, 15))),
        description="Spotkanie ze Świętym Mikołajem, warsztaty plastyczne i słodki "
                    "poczęstunek. Dzieci przychodzą z opiekunem.")
    spring = date(today.year + (today.month > 5), 3, 21)
    workshop = _event(
        spring, time(17), time(19), title="Konsekwencje w wychowaniu – warsztaty dla rodziców",
        kind=EventKind.WORKSHOP, audience=Audience.ADULTS, capacity=16,
        place="Sala 12, ul. Słoneczna 4", organiser="Dział CAL",
        created_by_id=coordinator.id,
        description="Jak stawiać granice i dotrzymywać słowa: cztery spotkania z psychologiem.")
    prelection = _event(
        today + timedelta(days=21), time(17, 30), time(19), kind=EventKind.PRELECTION,
        title="Depresja – stan duszy czy choroba", audience=Audience.EVERYONE,
        place="Biblioteka Miejska, sala konferencyjna", organiser="Dział CAL",
        created_by_id=coordinator.id,
        description="Prelekcja otwarta dla wszystkich mieszkańców; wstęp wolny.")
    db.session.add_all([mikolajki, workshop, prelection])
    db.session.flush()
    linked = [{"event_id": event.id, "partner_id": partner_id} for event, names in (
        (mikolajki, ("Szkoła Podstawowa nr 3", "Miejski Dom Kultury")),
        (workshop, ("Szkoła Podstawowa nr 5 im. Marii Konopnickiej",)),
        (prelection, ("Poradnia Zdrowia Psychicznego", "Miejska Biblioteka Publiczna")))
        for partner_id in partners.named(*names)]  # the partners' seed runs first
    if linked:
        db.session.execute(insert(event_partners), linked)
    registered = 0
    at = mikolajki.registration_from  # while registration was open
    for n in range(13):
        male = rng.random() < 0.3
        surname = rng.choice(SURNAMES)[0 if male else 1]
        children = [Child(rng.choice(CHILDREN), rng.randint(3, 10), rng.random() < 0.8)
                    for _ in range(1 + (rng.random() < 0.5))]
        number = phone(rng)
        register(mikolajki, f"demo-mikolajki-{n:02d}-{'x' * 16}", {
            "name": f"{rng.choice(MALE if male else FEMALE)} {surname}", "phone": number,
            "email": "", "children": children,
            "sms_consent": is_mobile(number) and rng.random() < 0.7}, at)
        registered += 1
    for n in range(5):
        register(workshop, f"demo-workshop-{n:02d}-{'x' * 16}", {
            "name": f"{rng.choice(FEMALE)} {rng.choice(SURNAMES)[1]}", "phone": phone(rng),
            "adults": 1 + (n == 0)}, workshop.starts_at - timedelta(days=30))
        registered += 1
    for role, start, end, needed, children in (
            ("Opieka nad dziećmi", time(10), time(12), 3, True),
            ("Mikołaj", time(11), time(12), 1, False),
            ("Punkt informacyjny", time(9, 30), time(13), 2, False)):
        db.session.add(Shift(event_id=mikolajki.id, role=role, needed=needed,
                             with_children=children, starts_at=local_to_utc(day, start),
                             ends_at=local_to_utc(day, end)))
    db.session.flush()
    _on_shift(mikolajki, demo)
    demo.made["events"], demo.made["event registrations"] = 3, registered


def _on_shift(event: Event, demo: Demo) -> None:
    """The coordinator put two volunteers of the town (not the demo account) on a shift
    each, Santa Claus and the information desk, under the rules of matching."""
    mine = demo.users[Role.VOLUNTEER].id
    volunteers = list(db.session.scalars(
        select(Volunteer).where(Volunteer.status == VolunteerStatus.ACTIVE,
                                or_(Volunteer.user_id.is_(None), Volunteer.user_id != mine))
        .order_by(Volunteer.id)))
    now = utcnow()
    for role in ("Mikołaj", "Punkt informacyjny"):
        shift = db.session.scalar(select(Shift).where(Shift.event_id == event.id,
                                                      Shift.role == role))
        for volunteer in volunteers:
            try:
                with db.session.begin_nested():
                    take(shift, volunteer, None, now)
            except DomainError:
                continue
            volunteers.remove(volunteer)
            break


SEED = DemoSeed("community", seed, 40)

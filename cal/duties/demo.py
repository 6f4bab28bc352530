"""The demo duty hours, as the centre publishes them: the police community officer every
Thursday 15:30–16:00, the legal-aid volunteer every Thursday 14:00–15:30 (the demo's
volunteer account), the psychologist on Wednesdays by appointment made by the client's
social worker, a pedagogue once a month; a few appointments and a cancelled date."""

from __future__ import annotations

import random
from datetime import time, timedelta

from sqlalchemy import select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.rooms import DemoSeed
from cal.core.timeutil import local_to_utc, utcnow
from cal.duties import schedule, services
from cal.duties.models import Appointment, Duty, DutyCancellation, DutyKind, Frequency
from cal.extensions import db
from cal.partners.models import Partner, PartnerKind
from volunteers.models import HelpKind, Volunteer

PLACE = "Ośrodek Pomocy Społecznej, ul. Lipowa 4, pokój 12"
PSYCHOLOGIST = ("psycholog@cal.local", "Agnieszka Nowicka")


def _partner(kind: PartnerKind) -> int | None:
    return db.session.scalar(select(Partner.id).where(Partner.kind == kind)
                             .order_by(Partner.id).limit(1))


def seed(demo) -> None:
    rng = random.Random(23)  # its own: the rest of the town stays as it was
    today, first = demo.today, demo.today - timedelta(days=60)
    volunteer_user = demo.users[Role.VOLUNTEER]
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == volunteer_user.id))
    if volunteer is not None and HelpKind.LEGAL not in volunteer.kinds():
        volunteer.help_kinds = ",".join(filter(None, [volunteer.help_kinds, HelpKind.LEGAL.value]))
    psychologist = User(email=PSYCHOLOGIST[0], full_name=PSYCHOLOGIST[1], role=Role.LEADER,
                        password_hash=demo.users[Role.LEADER].password_hash)
    db.session.add(psychologist)
    db.session.flush()
    common = {"place": PLACE, "frequency": Frequency.WEEKLY, "valid_from": first}
    duties = [
        Duty(kind=DutyKind.POLICE, title="Dyżur dzielnicowego",
             description="Rozmowa z dzielnicowym o bezpieczeństwie w okolicy, przemocy w "
                         "rodzinie, zgłoszenia i porady.",
             holder_name="dzielnicowy", partner_id=_partner(PartnerKind.POLICE),
             weekday=3, starts=time(15, 30), ends=time(16), booking_note="Bez zapisów.",
             **common),
        Duty(kind=DutyKind.LEGAL, title="Bezpłatna porada prawna",
             description="Wolontariusz-prawnik udziela porad i pomaga napisać pisma do sądów i "
                         "urzędów.",
             holder_user_id=volunteer_user.id, weekday=3, starts=time(14), ends=time(15, 30),
             booking_note="Bez zapisów; prosimy zabrać dokumenty sprawy.", **common),
        Duty(kind=DutyKind.PSYCHOLOGIST, title="Konsultacje psychologa",
             description="Indywidualne konsultacje psychologiczne dla mieszkańców.",
             holder_user_id=psychologist.id, weekday=2, starts=time(10), ends=time(13),
             by_appointment=True, slot_minutes=45, booking_phone="48 362 11 20",
             booking_note="Zapisy przez pracownika socjalnego lub telefonicznie.",
             partner_id=_partner(PartnerKind.HEALTH), **common),
        Duty(kind=DutyKind.PEDAGOGUE, title="Dyżur pedagoga dla rodziców",
             description="Rozmowa o trudnościach wychowawczych i szkolnych dzieci.",
             holder_name="pedagog szkolny", partner_id=_partner(PartnerKind.SCHOOL),
             week_of_month=1, weekday=1, starts=time(16), ends=time(18), by_appointment=True,
             slot_minutes=30, booking_phone="48 362 11 20", booking_note="Zapisy telefoniczne.",
             **{**common, "frequency": Frequency.MONTHLY}),
    ]
    db.session.add_all(duties)
    db.session.flush()
    police, legal, psych, _pedagogue = duties
    if volunteer is not None:  # the earlier duties logged; the last one waits for its tap
        held = schedule.held_dates(legal, today - timedelta(days=29), today - timedelta(days=1),
                                   {})
        for day in held[:-1]:
            services.log_duty_hours(legal, day, volunteer, utcnow())
    next_thursdays = schedule.held_dates(police, today + timedelta(days=8), today + timedelta(
        days=40), {})
    if next_thursdays:
        db.session.add(DutyCancellation(duty_id=police.id, day=next_thursdays[0],
                                        reason="szkolenie dzielnicowych",
                                        created_by_id=demo.users[Role.COORDINATOR].id))
    wednesdays = schedule.held_dates(psych, today + timedelta(days=1), today + timedelta(days=21),
                                     {})
    people = rng.sample(demo.people, 3)
    coordinator = demo.users[Role.COORDINATOR]
    made = 0
    for day in wednesdays[:2]:
        for start, person in zip(schedule.slots(psych)[: 2 + made % 2], people, strict=False):
            end = schedule.slot_end(psych, start)
            db.session.add(Appointment(
                duty_id=psych.id, starts_at=local_to_utc(day, start),
                ends_at=local_to_utc(day, end), person_id=person.id, name=person.full_name,
                phone=person.phone, topic=rng.choice([
                    "Trudności w relacjach z nastoletnim synem.",
                    "Wsparcie po śmierci męża.", "Stres związany z utratą pracy."]),
                booked_by_id=coordinator.id))
            made += 1
    day = wednesdays[0] if wednesdays else None
    if day is not None:
        start = schedule.slots(psych)[-1]
        db.session.add(Appointment(
            duty_id=psych.id, starts_at=local_to_utc(day, start),
            ends_at=local_to_utc(day, schedule.slot_end(psych, start)),
            name="Krystyna Wojciechowska", phone="601 234 567",
            topic="Samotność, obniżony nastrój.", booked_by_id=coordinator.id))
        made += 1
    demo.made["duties"] = len(duties)
    demo.made["appointments"] = made


SEED = DemoSeed("duties", seed, 48)

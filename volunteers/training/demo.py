"""The demo's courses, sessions, enrolments and completions (cal/core/rooms.py)."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from cal.auth.models import User
from cal.core.timeutil import add_months, local_to_utc
from cal.extensions import db
from volunteers.models import Volunteer, VolunteerStatus
from volunteers.training.models import (
    TrainingCompletion,
    TrainingCourse,
    TrainingEnrolment,
    TrainingSession,
)
from volunteers.training.services import valid_until

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


def add_trainings(rng: random.Random, vols: list[Volunteer], coordinator: User,
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

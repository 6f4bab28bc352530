"""Volunteers' shifts at events: taken in one tap under the rules of matching, refused
when full, overlapping or blocked (naming the missing record), given back until the
cut-off, covered by hand by a coordinator, and turned into hours once held."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from cal.community import jobs, shifts
from cal.community.models import Registration, Shift, ShiftSignup
from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, utcnow
from cal.extensions import db
from cal.notifications.models import Notification
from tests.community.test_events import TODAY, family, make_event
from tests.factories import VolunteerFactory
from tests.volunteers.profiles.test_pipeline import give_records
from tests.volunteers.test_compliance import adult_basics, child_checks
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import VolunteerStatus

NOW = utcnow()


def shift(event, role="Punkt informacyjny", start=10, end=12, needed=1, **values) -> Shift:
    day = TODAY + timedelta(days=10)
    return shifts.add_shift(event, {
        "role": role, "starts_at": local_to_utc(day, time(start)),
        "ends_at": local_to_utc(day, time(end)), "needed": needed,
        "with_children": values.get("with_children", False),
        "give_back_hours": values.get("give_back_hours", 24)}, None)


def ready(children: bool = False, **values):
    volunteer = VolunteerFactory(status=VolunteerStatus.ACTIVE, **values)
    give_records(volunteer, adult_basics() + (child_checks() if children else []))
    return volunteer


def test_a_volunteer_takes_a_shift_and_the_next_finds_it_full(app, users):
    desk = shift(make_event())
    shifts.take(desk, ready(), users[Role.VOLUNTEER], NOW)
    with pytest.raises(DomainError, match="zajęty|pełn"):
        shifts.take(desk, ready(), users[Role.VOLUNTEER], NOW)


def test_a_shift_with_children_names_the_missing_register_check(app, users):
    care = shift(make_event(), role="Opieka nad dziećmi", with_children=True, needed=3)
    with pytest.raises(DomainError) as refused:
        shifts.take(care, ready(children=False), users[Role.VOLUNTEER], NOW)
    assert "rejestr" in refused.value.message.lower()
    assert shifts.take(care, ready(children=True), users[Role.VOLUNTEER], NOW).id


def test_an_overlapping_shift_and_a_second_tap_are_refused(app, users):
    event = make_event()
    first, second = shift(event, needed=2), shift(event, role="Transport", start=11, end=13)
    volunteer = ready()
    shifts.take(first, volunteer, None, NOW)
    with pytest.raises(DomainError):
        shifts.take(first, volunteer, None, NOW)
    with pytest.raises(DomainError, match="nakłada"):
        shifts.take(second, volunteer, None, NOW)


def test_a_shift_is_given_back_until_its_cut_off(app):
    early = shift(make_event(), give_back_hours=24)
    volunteer = ready()
    signup = shifts.take(early, volunteer, None, NOW)
    with pytest.raises(DomainError, match="za późno"):
        shifts.give_back(signup, None, early.starts_at - timedelta(hours=2))
    shifts.give_back(signup, None, early.starts_at - timedelta(days=2))
    assert db.session.scalar(select(ShiftSignup)) is None


def test_a_shift_held_gives_its_hours_once(app):
    held = shift(make_event(), start=10, end=13)
    volunteer = ready()
    signup = shifts.take(held, volunteer, None, NOW)
    with pytest.raises(DomainError):
        shifts.log_hours(signup, volunteer, NOW)
    after = held.ends_at + timedelta(hours=1)
    entry = shifts.log_hours(signup, volunteer, after)
    again = shifts.log_hours(signup, volunteer, after)
    assert entry.id == again.id and (entry.minutes, entry.activity, entry.status) == (
        180, Activity.EVENT, EntryStatus.PENDING)
    assert db.session.scalar(select(HourEntry.label)) == "Mikołajki: Punkt informacyjny"


def test_the_coordinator_sees_the_coverage_and_fills_a_gap(app, client_as):
    event = make_event()
    care = shift(event, role="Opieka nad dziećmi", needed=2)
    volunteer = ready(first_name="Iga")
    db.session.commit()
    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(f"/events/{event.id}/shifts").text
    assert "Opieka nad dziećmi" in page and "brakuje 2" in page
    coordinator.post(f"/events/shifts/{care.id}/assign", data={"volunteer_id": volunteer.id})
    page = coordinator.get(f"/events/{event.id}/shifts").text
    assert "Iga" in page and "brakuje 1" in page


def test_a_volunteer_takes_a_shift_on_the_phone(app, client_as, users):
    event = make_event()
    desk = shift(event)
    me = ready(user_id=users[Role.VOLUNTEER].id)
    db.session.commit()
    phone = client_as(Role.VOLUNTEER)
    assert "Punkt informacyjny" in phone.get("/events/shifts").text
    assert phone.post(f"/events/shifts/{desk.id}/take").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(ShiftSignup.volunteer_id)) == me.id


def test_the_day_before_those_registered_and_on_shift_are_reminded_once(app, users):
    event = make_event(days=1)
    registration, _ = family(event, 1, 5, email="anna@example.org")
    desk = shifts.add_shift(event, {"role": "Punkt informacyjny", "starts_at": event.starts_at,
                                    "ends_at": event.ends_at, "needed": 1,
                                    "with_children": False, "give_back_hours": 24}, None)
    shifts.take(desk, ready(user_id=users[Role.VOLUNTEER].id), None, NOW)
    evening = local_to_utc(TODAY, time(18))
    assert jobs.events_tomorrow(local_to_utc(TODAY, time(9))) == 0  # not before 17:00
    jobs.events_tomorrow(evening)
    jobs.events_tomorrow(evening + timedelta(minutes=5))
    assert db.session.get(Registration, registration.id).reminded_at == evening
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "shift_reminder")).all()
    assert {n.channel.value for n in told} == {"inapp", "email"} and len(told) == 2

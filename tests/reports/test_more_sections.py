"""The sections of the year's report from projects, events, duty hours and the senior
centre's registry, each declared by its own room."""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import force_locale

from cal.community.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    RegisteredChild,
    Registration,
    RegistrationStatus,
    Shift,
    ShiftSignup,
)
from cal.core.rooms import registry
from cal.duties.models import Appointment, AppointmentStatus, Duty, DutyKind, Frequency
from cal.extensions import db
from cal.projects.models import (
    Funder,
    Indicator,
    IndicatorValue,
    Project,
    ProjectStatus,
    Source,
)
from cal.reports import services
from seniors.models import SeniorMember
from tests.factories import PersonFactory, VolunteerFactory

TODAY = date(2026, 12, 6)


def _figures(report, key):
    table = next(t for s in report.sections for t in s.tables if t.key == key)
    with force_locale("en"):
        return {str(row.label): dict(row.values) for row in table.rows}


def _event(day: date, status=EventStatus.HELD, kind=EventKind.TRIP) -> Event:
    event = Event(title="Wycieczka", kind=kind, audience=Audience.FAMILIES, status=status,
                  starts_at=datetime.combine(day, time(9)), ends_at=datetime.combine(day, time(15)))
    db.session.add(event)
    db.session.flush()
    return event


def test_every_room_of_the_department_declares_a_section(app):
    keys = {section.key for section in registry(app).year_figures}
    assert keys == {"volunteers", "hours", "matches", "trainings", "groups", "seniors",
                    "projects", "funds", "events", "duties"}


def test_events_count_participants_and_volunteers_of_events_held(app):
    trip = _event(date(2026, 6, 1))
    _event(date(2026, 7, 1), status=EventStatus.CANCELLED)
    _event(date(2025, 7, 1), kind=EventKind.WORKSHOP)
    for n, status in enumerate((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)):
        registration = Registration(event_id=trip.id, name=f"Anna {n}", adults=2, places=3,
                                    status=status, key=f"registration-key-{n:020d}")
        db.session.add(registration)
        db.session.flush()
        db.session.add(RegisteredChild(registration_id=registration.id, first_name="Ola", age=7))
    shift = Shift(event_id=trip.id, role="Opieka", starts_at=trip.starts_at,
                  ends_at=trip.ends_at)
    db.session.add(shift)
    db.session.flush()
    db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=VolunteerFactory().id))
    db.session.commit()
    report = services.year_report(2026, TODAY)
    events = _figures(report, "events")
    assert events["Events held"] == {2025: 1, 2026: 1}
    assert events["Adults registered"][2026] == 2
    assert events["Children registered"][2026] == 1
    assert events["Volunteers on the events' shifts, each once"][2026] == 1
    assert _figures(report, "events_by_kind")["Workshop"] == {2025: 1, 2026: 0}


def test_appointments_held_are_counted_by_kind_of_duty(app):
    duty = Duty(kind=DutyKind.LEGAL, title="Porady prawne", place="Pokój 2",
                frequency=Frequency.WEEKLY, weekday=1, starts=time(10), ends=time(12),
                valid_from=date(2025, 1, 1))
    db.session.add(duty)
    db.session.flush()
    for day, status in ((date(2026, 3, 3), AppointmentStatus.BOOKED),
                        (date(2026, 3, 10), AppointmentStatus.CANCELLED),
                        (date(2025, 3, 4), AppointmentStatus.BOOKED)):
        at = datetime.combine(day, time(10))
        db.session.add(Appointment(duty_id=duty.id, starts_at=at, ends_at=at, status=status,
                                   live=True if status == AppointmentStatus.BOOKED else None,
                                   name="Jan"))
    db.session.commit()
    appointments = _figures(services.year_report(2026, TODAY), "appointments")
    assert appointments["Legal advice"] == {2025: 1, 2026: 1}
    assert appointments["All"] == {2025: 1, 2026: 1}


def test_projects_by_funder_and_their_indicators_at_each_years_end(app):
    project = Project(name="Razem", funder=Funder.EU, starts_on=date(2025, 5, 1),
                      ends_on=date(2027, 4, 30), status=ProjectStatus.RUNNING)
    db.session.add(project)
    db.session.flush()
    indicator = Indicator(project_id=project.id, name="Uczestnicy", unit="osoby", target=40,
                          source=Source.MANUAL)
    db.session.add(indicator)
    db.session.flush()
    for value, as_of in ((12, date(2025, 12, 1)), (30, date(2026, 9, 1))):
        db.session.add(IndicatorValue(indicator_id=indicator.id, value=value, as_of=as_of))
    db.session.commit()
    report = services.year_report(2026, TODAY)
    assert _figures(report, "projects")["EU (ESF+)"] == {2025: 1, 2026: 1}
    assert _figures(report, "indicators") == {
        "Razem: Uczestnicy (osoby), target 40": {2025: 12.0, 2026: 30.0}}


def test_senior_centre_members_joined_and_registered(app):
    for n, day in enumerate((date(2025, 2, 1), date(2026, 2, 1), date(2026, 3, 1))):
        db.session.add(SeniorMember(person_id=PersonFactory().id, card_number=f"C{n:05d}",
                                    joined_on=day))
    db.session.commit()
    members = _figures(services.year_report(2026, TODAY), "senior_members")
    assert members["Members who joined"] == {2025: 1, 2026: 2}
    assert members["Members registered by the end of the year"] == {2025: 1, 2026: 3}

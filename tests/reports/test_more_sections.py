"""The sections of the year's report from projects, events, duty hours and the senior
centre's registry, each declared by its own room."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from flask_babel import force_locale
from openpyxl import load_workbook

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
from cal.core.access import Role
from cal.core.rooms import registry
from cal.core.timeutil import local_to_utc
from cal.duties.models import Appointment, AppointmentStatus, Duty, DutyKind, Frequency
from cal.extensions import db
from cal.projects import funds
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


def test_a_timestamp_falls_in_its_year_at_midnight_in_warsaw(app):
    """An event at 23:30 on New Year's Eve in Warsaw (22:30 UTC) is last year's; one at
    0:30 on New Year's Day (23:30 UTC the day before) this year's."""
    for day, at in ((date(2025, 12, 31), time(23, 30)), (date(2026, 1, 1), time(0, 30))):
        starts = local_to_utc(day, at)
        db.session.add(Event(title="Sylwester", kind=EventKind.TRIP, audience=Audience.FAMILIES,
                             status=EventStatus.HELD, starts_at=starts,
                             ends_at=starts + timedelta(hours=1)))
    db.session.commit()
    assert _figures(services.year_report(2026, TODAY), "events")["Events held"] == {
        2025: 1, 2026: 1}


def test_a_write_at_new_years_eve_in_warsaw_moves_last_years_figures(app):
    from cal.core.figure_versions import FigureVersion

    db.session.add(Event(title="Sylwester", kind=EventKind.TRIP, audience=Audience.FAMILIES,
                         status=EventStatus.HELD,
                         starts_at=local_to_utc(date(2025, 12, 31), time(23, 30)),
                         ends_at=local_to_utc(date(2026, 1, 1), time(1))))
    db.session.commit()
    assert db.session.get(FigureVersion, 2025).version == 1


def test_funds_by_source_and_the_gifts_in_kind_as_the_funds_page_sums_them(app, users,
                                                                          client_as):
    from tests.projects.test_funds import fund, gift, multi_year

    first, second = multi_year(users, "Aktywni razem"), multi_year(users, "Bezpieczny senior")
    fund(first, 2026, "eu", 204_000, 112_000, users)
    fund(second, 2026, "city", 64_500, 60_000, users)
    fund(first, 2025, "eu", 290_000, 290_000, users)
    gift(users, date(2026, 8, 20), 4_500)
    gift(users, date(2025, 12, 4), 500)
    db.session.commit()
    report = services.year_report(2026, TODAY)
    db.session.commit()  # the past years' counts kept, as the page does
    spent = _figures(report, "funds_spent")
    assert spent == {"EU funds": {2025: 290_000, 2026: 112_000},
                     "City budget": {2025: 0, 2026: 60_000},
                     "Total": {2025: 290_000, 2026: 172_000}}
    assert _figures(report, "funds_planned")["Total"] == {2025: 290_000, 2026: 268_500}
    assert _figures(report, "gifts") == {"Gifts received": {2025: 1, 2026: 1},
                                        "Their estimated value (PLN)": {2025: 500, 2026: 4_500}}
    page = funds.funds_by_source(2026)
    assert page["total"]["spent_gr"] == spent["Total"][2026] * 100
    assert page["gifts"]["value_gr"] == 4_500 * 100
    sheet = load_workbook(io.BytesIO(client_as(Role.COORDINATOR).get(
        "/reports/year.xlsx?year=2026").data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [290_000, 172_000] in [row[1:3] for row in rows]  # the total spent

"""Duty hours: rules that give dates (public holidays skipped, cancelled dates with their
reason), slots booked once even when two bookings arrive together, the topic seen by the
holder and the coordinators only, the holder's day, reminders the day before, and a
volunteer's duty logged as hours in one tap."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today, utcnow
from cal.duties import jobs, schedule, services
from cal.duties.models import Appointment, Duty, DutyKind, Frequency
from cal.extensions import db
from cal.notifications.models import Notification
from tests.community.test_events import key_of
from tests.factories import PersonFactory, VolunteerFactory
from volunteers.hours.models import Activity, HourEntry
from volunteers.models import HelpKind

TODAY = local_today()


@pytest.fixture
def app_settings() -> dict:
    """Text messages set up (the notices are only stored here, never sent)."""
    return {"SMS_API_TOKEN": "test-token", "SMS_API_URL": "http://127.0.0.1:9/"}


def make_duty(**values) -> Duty:
    data = {"kind": DutyKind.PSYCHOLOGIST, "title": "Konsultacje psychologa", "place": "pok. 12",
            "frequency": Frequency.WEEKLY, "weekday": 2, "starts": time(10), "ends": time(13),
            "valid_from": TODAY - timedelta(days=60), "by_appointment": True,
            "slot_minutes": 45, "active": True, **values}
    return services.save_duty(None, data, None, TODAY)


def working_day(day: date, step: int) -> date:
    """``day``, or the nearest day from it in the direction of ``step`` that is no
    Polish public holiday (a duty is not held on one)."""
    while schedule.holiday(day):
        day += timedelta(days=step)
    return day


def next_held(duty: Duty, after: int = 2) -> date:
    return schedule.held_dates(duty, TODAY + timedelta(days=after), TODAY + timedelta(days=60),
                               {})[0]


def test_the_rule_skips_polish_public_holidays_and_says_why():
    duty = Duty(frequency=Frequency.WEEKLY, weekday=4, starts=time(14), ends=time(15),
                valid_from=date(2026, 12, 1), valid_until=date(2026, 12, 31))
    dates = schedule.occurrences(duty, date(2026, 12, 1), date(2026, 12, 31), {
        date(2026, 12, 4): "urlop"})
    assert [d.day.day for d in dates] == [4, 11, 18, 25]
    assert dates[0].cancelled == "urlop" and dates[1].held
    assert "Boże Narodzenie" in dates[3].cancelled  # 25 December, from the calendar library
    monthly = Duty(frequency=Frequency.MONTHLY, weekday=1, week_of_month=5, starts=time(16),
                   ends=time(18), valid_from=date(2027, 1, 1), valid_until=date(2027, 3, 31))
    assert list(schedule.rule_dates(monthly, date(2027, 1, 1), date(2027, 3, 31))) == [
        date(2027, 1, 26), date(2027, 2, 23), date(2027, 3, 30)]  # the last Tuesdays


def test_a_rule_without_a_date_or_an_end_before_its_start_is_refused_beside_the_field(app):
    with pytest.raises(DomainError) as error:
        make_duty(starts=time(13), ends=time(12))
    assert error.value.field == "ends"
    with pytest.raises(DomainError) as error:  # 1 to 5 Jan 2027 holds no Saturday
        make_duty(weekday=5, valid_from=date(2027, 1, 1), valid_until=date(2027, 1, 1))
    assert error.value.field == "weekday"
    with pytest.raises(DomainError) as error:  # the only Wednesday is Christmas Day 2024
        make_duty(valid_from=date(2024, 12, 25), valid_until=date(2024, 12, 25))
    assert error.value.field == "weekday"
    with pytest.raises(DomainError) as error:
        make_duty(slot_minutes=240)
    assert error.value.field == "slot_minutes"
    with pytest.raises(DomainError) as error:
        make_duty(valid_until=TODAY - timedelta(days=90))
    assert error.value.field == "valid_until"


def test_a_slot_outside_the_times_in_the_past_or_taken_is_refused_with_the_reason(app, users):
    duty = make_duty()
    day = next_held(duty)
    person = PersonFactory()
    now = utcnow()
    services.book(duty, day, time(10, 45), {"topic": "Rozmowa"}, users[Role.COORDINATOR], now,
                  person=person)
    cases = [(day, time(10, 30), "start", "z terminów"), (day, time(13), "start", "z terminów"),
             (day, time(10, 45), "start", "już zajęty"),
             (day + timedelta(days=1), time(10), "day", "nie odbywa się")]
    for when, start, field, words in cases:
        with pytest.raises(DomainError) as error:
            services.book(duty, when, start, {"name": "Ktoś"}, None, now)
        assert error.value.field == field and words in error.value.message
    past = schedule.held_dates(duty, TODAY - timedelta(days=30), TODAY - timedelta(days=1), {})[0]
    with pytest.raises(DomainError) as error:
        services.book(duty, past, time(10), {"name": "Ktoś"}, None, now)
    assert "minął" in error.value.message


def test_the_database_keeps_a_slot_booked_once_and_frees_it_on_cancel(app):
    duty = make_duty()
    day = next_held(duty)
    first = services.book(duty, day, time(10), {"name": "Pierwsza"}, None, utcnow())
    db.session.commit()
    db.session.add(Appointment(duty_id=duty.id, starts_at=first.starts_at,
                               ends_at=first.ends_at, name="Druga"))
    with pytest.raises(DomainError, match="już zajęty"):  # no check before: the key holds
        services._flush_slot()
    db.session.rollback()
    first = db.session.scalar(select(Appointment))
    services.cancel_appointment(first, "choroba", None, tell_person=False)
    again = services.book(duty, day, time(10), {"name": "Druga"}, None, utcnow())
    assert again.id != first.id and first.live is None


def test_two_bookings_of_one_slot_at_the_same_moment_leave_exactly_one(app, users, client_as):
    duty = make_duty()
    day = next_held(duty)
    db.session.commit()
    clients = [client_as(Role.COORDINATOR) for _ in range(6)]
    url = f"/duties/{duty.id}/day/{day.isoformat()}"
    keys = [key_of(c.get(url).text) for c in clients]

    def send(pair):
        client, key = pair
        answer = client.post(url, data={"once_key": key, "start": "11:30", "name": "Osoba",
                                        "phone": "601 234 567"})
        answer.close()
        return answer.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(send, zip(clients, keys, strict=True)))
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
    assert sorted(answers) == [302] + [422] * 5


def test_a_coordinator_books_a_person_and_cannot_book_the_slot_twice(app, client_as):
    duty = make_duty()
    day = next_held(duty)
    person = PersonFactory(first_name="Jadwiga", last_name="Kowalska", phone="601 111 222")
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    url = f"/duties/{duty.id}/day/{day.isoformat()}"
    found = client.get(url, query_string={"q": "kowalska"}).text
    assert f"person_id={person.id}" in found
    page = client.get(url, query_string={"person_id": person.id}).text
    booked = client.post(f"{url}?person_id={person.id}", data={
        "once_key": key_of(page), "start": "10:00", "topic": "Kryzys w rodzinie"},
        follow_redirects=True)
    assert "Zarezerwowano: 10:00" in booked.text and "Kowalska" in booked.text
    again = client.post(url, data={"once_key": key_of(client.get(url).text), "start": "10:00",
                                   "name": "Ktoś inny"})
    assert again.status_code == 422 and "10:00" not in again.text.split('id="start"')[1][:400]
    appointment = db.session.scalar(select(Appointment))
    assert appointment.person_id == person.id and appointment.topic == "Kryzys w rodzinie"


def test_only_the_holder_and_the_coordinators_see_the_topic(app, users, client_as):
    duty = make_duty(holder_user_id=users[Role.LEADER].id)
    other = make_duty(title="Inny dyżur", holder_user_id=users[Role.ADMIN].id)
    day = next_held(duty)
    appointment = services.book(duty, day, time(10), {"name": "Marek Zając", "topic": "Przemoc"},
                                None, utcnow())
    on_other = services.book(other, day, time(10), {"name": "Ewa Lis", "topic": "Długi"},
                             None, utcnow())
    db.session.commit()
    holder = client_as(Role.LEADER)
    mine = holder.get("/duties/mine", query_string={"day": day.isoformat()}).text
    assert "Marek Zając" in mine and "Przemoc" in mine and "Ewa Lis" not in mine
    assert "Przemoc" in client_as(Role.COORDINATOR).get(
        f"/duties/appointments/{appointment.id}").text
    # the leader books for the admin's duty: sees the slot is taken, never who or why
    seen = holder.get(f"/duties/{other.id}/day/{day.isoformat()}").text
    assert "Zajęty" in seen and "Ewa Lis" not in seen
    detail = holder.get(f"/duties/appointments/{on_other.id}").text
    assert "Długi" not in detail and "Ewa Lis" not in detail
    for role in (Role.VOLUNTEER, Role.PROJECT_MANAGER):
        assert client_as(role).get(f"/duties/appointments/{appointment.id}").status_code == 404


def test_the_public_page_tells_when_the_legal_aid_volunteer_is_in(app, client, count_queries):
    make_duty(kind=DutyKind.LEGAL, title="Bezpłatna porada prawna", weekday=3, starts=time(14),
              ends=time(15, 30), by_appointment=False, booking_note="Bez zapisów.")
    make_duty(title="Nieaktywny", active=False)
    db.session.commit()
    page = client.get("/duties/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, max-age=60"
    assert "Bezpłatna porada prawna" in page.text and "w każdy czwartek, 14:00–15:30" in page.text
    assert "Nie trzeba się zapisywać" in page.text and "Nieaktywny" not in page.text
    with count_queries() as statements:  # the duties, their cancelled dates, the centre
        assert client.get("/duties/").status_code == 200
    assert len(statements) <= 3  # the centre's settings: once a request for a visitor


def test_cancelling_a_date_cancels_its_appointments_and_tells_the_people(app, users):
    duty = make_duty()
    day = next_held(duty)
    services.book(duty, day, time(10), {"name": "Anna Bąk", "phone": "601 234 567",
                                         "sms_consent": True}, None, utcnow())
    services.book(duty, day, time(10, 45), {"name": "Bez kontaktu"}, None, utcnow())
    assert services.cancel_date(duty, day, "choroba", users[Role.COORDINATOR], TODAY) == 2
    assert not services.occurrence(duty, day).held
    assert db.session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.live.is_(True))) == 0
    told = list(db.session.scalars(select(Notification)))
    assert [n.contact for n in told] == [f"appointment:{n.contact.split(':')[1]}" for n in told]
    assert len(told) == 1 and "choroba" in told[0].body and "Anna" not in told[0].body
    with pytest.raises(DomainError):
        services.book(duty, day, time(11, 30), {"name": "X"}, None, utcnow())


def test_the_day_before_the_holder_and_the_person_are_reminded_once(app, users):
    duty = make_duty(holder_user_id=users[Role.LEADER].id)
    day = working_day(TODAY + timedelta(days=1), 1)  # the duty's day, the scan's "tomorrow"
    eve = day - timedelta(days=1)
    duty.weekday, duty.valid_from = day.weekday(), TODAY
    booked_at = local_to_utc(eve, time(6))
    services.book(duty, day, time(12, 15), {"name": "Jan Mróz", "phone": "601 234 567",
                                             "sms_consent": True, "topic": "Tajne"},
                  None, booked_at)
    evening = local_to_utc(eve, time(19))
    first, second = jobs.appointments_tomorrow(evening), jobs.appointments_tomorrow(evening)
    rows = list(db.session.scalars(select(Notification)))
    assert first == len(rows) and second == 0  # once, however often the scan runs
    assert [n.contact for n in rows if n.user_id is None] == [
        f"appointment:{db.session.scalar(select(Appointment.id))}"]
    assert {n.user_id for n in rows if n.user_id} == {users[Role.LEADER].id}
    assert all("Tajne" not in n.body and "Tajne" not in n.title for n in rows)


def test_the_legal_aid_volunteer_logs_the_duty_in_one_tap(app, users, client_as):
    volunteer = VolunteerFactory(user_id=users[Role.VOLUNTEER].id, help_kinds="legal")
    past = working_day(TODAY - timedelta(days=7), -1)  # a week or so ago, no holiday
    duty = make_duty(kind=DutyKind.LEGAL, title="Porada prawna", weekday=past.weekday(),
                     starts=time(14), ends=time(15, 30), by_appointment=False,
                     holder_user_id=users[Role.VOLUNTEER].id)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get("/duties/mine").text
    assert "Wpisz godziny tego dyżuru" in page and f"/duties/{duty.id}/hours/{past}" in page
    url = f"/duties/{duty.id}/hours/{past.isoformat()}"
    for _tap in range(2):  # a double tap logs it once
        assert client.post(url).status_code == 302
    entry = db.session.scalar(select(HourEntry))
    assert (entry.volunteer_id, entry.activity, entry.help_kind, entry.minutes,
            entry.worked_on) == (volunteer.id, Activity.DUTY, HelpKind.LEGAL, 90, past)
    assert db.session.scalar(select(func.count()).select_from(HourEntry)) == 1
    assert url not in client.get("/duties/mine").text
    other = make_duty(weekday=past.weekday(), holder_user_id=users[Role.LEADER].id)
    db.session.commit()
    assert client.post(f"/duties/{other.id}/hours/{past.isoformat()}").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(HourEntry)) == 1


def test_the_holders_day_is_read_in_a_few_queries(app, users, client_as, count_queries):
    duty = make_duty(holder_user_id=users[Role.LEADER].id)
    day = next_held(duty)
    for n, start in enumerate(schedule.slots(duty)):
        services.book(duty, day, start, {"name": f"Osoba {n}"}, None, utcnow(),
                      person=PersonFactory() if n % 2 else None)
    db.session.commit()
    client = client_as(Role.LEADER)
    with count_queries() as statements:
        page = client.get("/duties/mine", query_string={"day": day.isoformat()})
    assert page.status_code == 200 and page.text.count('href="/duties/appointments/') == 4
    assert len(statements) <= 9


def test_a_duty_is_saved_in_the_browser_form_with_refusals_beside_the_fields(app, client_as):
    client = client_as(Role.COORDINATOR)
    page = client.get("/duties/new").text
    data = {"once_key": key_of(page), "kind": "police", "title": "Dyżur dzielnicowego",
            "place": "pok. 3", "frequency": "weekly", "weekday": "3", "week_of_month": "0",
            "starts": "16:00", "ends": "15:30", "valid_from": TODAY.isoformat(),
            "holder_user_id": "0", "partner_id": "0", "active": "y"}
    refused = client.post("/duties/new", data=data)
    assert refused.status_code == 422
    assert "Koniec musi być później niż początek" in refused.text.split('name="ends"')[1][:600]
    saved = client.post("/duties/new", data={**data, "ends": "16:30"})
    assert saved.status_code == 302
    duty = db.session.scalar(select(Duty))
    assert (duty.starts, duty.ends, duty.weekday) == (time(16), time(16, 30), 3)


def test_legal_advice_is_a_kind_of_help_offered_on_the_application_and_the_profile(
        app, client, client_as):
    assert "Porady prawne (dyżury)" in client.get("/volunteers/apply").text
    volunteer = VolunteerFactory(help_kinds="legal,senior")
    db.session.commit()
    assert volunteer.kinds() == {HelpKind.LEGAL, HelpKind.SENIOR}
    page = client_as(Role.COORDINATOR).get(f"/volunteers/{volunteer.id}/edit").text
    assert re.search(r'<input checked [^>]*value="legal"', page)
    shown = client_as(Role.COORDINATOR).get(f"/volunteers/{volunteer.id}").text
    assert "Pomoc seniorom, Porady prawne (dyżury)" in shown  # what they offered, on their page

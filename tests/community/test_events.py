"""Community events: making and publishing them, the public calendar and feed, a
resident's registration from a phone (children with their own photo consent, capacity
and the waiting list, cancelling by the link), and what RODO keeps of it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from cal.community import notices, registrations, services
from cal.community.models import (
    Audience,
    Event,
    EventKind,
    EventStatus,
    RegisteredChild,
    Registration,
    RegistrationStatus,
)
from cal.community.registrations import Child
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today, utcnow
from cal.extensions import db
from cal.people import retention
from cal.projects import indicators
from cal.projects.models import Indicator, Project, ProjectStatus, Source, project_events
from tests.conftest import waited_beside
from tests.factories import PersonFactory

TODAY = local_today()
NOW = utcnow()


def make_event(users=None, days: int = 10, **values) -> Event:
    day = TODAY + timedelta(days=days)
    data = {"title": "Mikołajki", "kind": EventKind.CHILDREN, "audience": Audience.CHILDREN,
            "age_from": 3, "age_to": 10, "capacity": 4, "place": "Świetlica",
            "starts_at": local_to_utc(day, time(10)), "ends_at": local_to_utc(day, time(13)),
            "status": EventStatus.PUBLISHED, "public": True, **values}
    event = Event(**data)
    db.session.add(event)
    db.session.flush()
    return event


def family(event, n: int, *ages: int, key: str | None = None, email: str = "",
           at: datetime | None = None):
    return registrations.register(event, key or f"key-{n:04d}-{'x' * 16}", {
        "name": f"Anna Nowak {n}", "phone": f"600 100 {200 + n:03d}", "email": email,
        "children": [Child(f"Dziecko{i}", age, i == 0) for i, age in enumerate(ages)]},
        at or NOW)


def key_of(page: str) -> str:
    return page.split('name="once_key" type="hidden" value="')[1].split('"')[0]


def test_a_registration_past_capacity_waits_and_moves_up_when_a_place_frees(app):
    event = make_event()
    first, _ = family(event, 1, 4, 6)
    second, _ = family(event, 2, 5)
    third, _ = family(event, 3, 7, 8)  # 3 taken, 2 more do not fit
    small, _ = family(event, 4, 3)  # the last place
    assert [r.status for r in (first, second, third, small)] == [
        RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING, RegistrationStatus.CONFIRMED]
    moved = registrations.cancel_registration(first, NOW)
    assert moved == [third] and third.status == RegistrationStatus.CONFIRMED
    assert services.places_taken([event.id])[event.id] == 4


def test_the_same_form_sent_twice_is_stored_once(app):
    event = make_event()
    one, new = family(event, 1, 4, key="same-key-aaaaaaaaaaaaaaaa")
    again, new_again = family(event, 1, 4, key="same-key-aaaaaaaaaaaaaaaa")
    assert new and not new_again and one.id == again.id
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_a_child_outside_the_ages_and_a_closed_registration_are_refused(app):
    event = make_event()
    with pytest.raises(DomainError) as refused:
        family(event, 1, 4, 12)
    assert refused.value.fields == {"children-1-age": "Wydarzenie jest dla dzieci w wieku od 3 "
                                                      "do 10 lat."}
    closed = make_event(registration_until=NOW - timedelta(hours=1))
    with pytest.raises(DomainError, match="zamknięte"):
        family(closed, 2, 4)
    later = make_event(registration_from=NOW + timedelta(days=2))
    with pytest.raises(DomainError, match="jeszcze"):
        family(later, 3, 4)


def test_staff_register_a_person_of_the_registry_once(app, users):
    event = make_event(audience=Audience.ADULTS, age_from=None, age_to=None, capacity=None)
    person = PersonFactory()
    data = {"name": person.full_name, "adults": 2}
    registrations.register(event, "staff-1-xxxxxxxxxxxxxxxx", data, NOW,
                           users[Role.COORDINATOR], person_id=person.id)
    with pytest.raises(DomainError) as refused:
        registrations.register(event, "staff-2-xxxxxxxxxxxxxxxx", data, NOW,
                               users[Role.COORDINATOR], person_id=person.id)
    assert "person_id" in refused.value.fields


def test_an_event_is_checked_saved_as_a_draft_and_published(app, users):
    coordinator = users[Role.COORDINATOR]
    day = TODAY + timedelta(days=5)
    data = {"title": "Warsztaty", "kind": "workshop", "description": "", "place": "Sala 12",
            "starts_at": local_to_utc(day, time(17)), "ends_at": local_to_utc(day, time(16)),
            "organiser": "", "audience": "children", "age_from": None,
            "age_to": None, "public": True, "capacity": None, "registration_from": None,
            "registration_until": None}
    with pytest.raises(DomainError) as refused:
        services.save_event(None, data, coordinator)
    assert set(refused.value.fields) == {"end", "age_from"}
    event = services.save_event(None, {**data, "audience": "adults",
                                       "ends_at": local_to_utc(day, time(19))}, coordinator)
    assert event.status == EventStatus.DRAFT and event.age_from is None
    assert services.month_of(day.replace(day=1), None) == []
    services.publish(event, coordinator)
    assert services.month_of(day.replace(day=1), None) == [event]


def test_a_larger_capacity_moves_the_waiting_list_up(app, users):
    event = make_event(capacity=1)
    family(event, 1, 4)
    waiting, _ = family(event, 2, 5)
    assert waiting.status == RegistrationStatus.WAITING
    data = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    services.save_event(event, {**data, "kind": "children", "audience": "children",
                                "capacity": 2}, users[Role.COORDINATOR])
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_cancelling_an_event_needs_a_reason_and_tells_those_registered(app, users):
    event = make_event()
    family(event, 1, 4, email="anna@example.org")
    family(event, 2, 5)  # a phone only: a text message comes with messages
    with app.test_request_context():
        with pytest.raises(DomainError):
            services.cancel(event, " ", users[Role.COORDINATOR])
        assert services.cancel(event, "Choroba prowadzącego", users[Role.COORDINATOR]) == 1
    assert event.status == EventStatus.CANCELLED


def test_a_resident_registers_two_children_on_the_public_page(app, client):
    event = make_event(title="Mikołajki dla dzieci")
    db.session.commit()
    month = client.get(f"/events/?month={event.starts_at:%Y-%m}")
    assert month.status_code == 200 and "Mikołajki dla dzieci" in month.text
    assert month.headers["Cache-Control"] == "private, max-age=60"
    page = client.get(f"/events/{event.id}")
    assert page.status_code == 200 and "Zapisz" in page.text
    form = {"once_key": key_of(page.text), "name": "Anna Nowak", "phone": "600 100 200",
            "consent": "y", "children-0-first_name": "Zosia", "children-0-age": "5",
            "children-0-photo_consent": "y", "children-1-first_name": "Antek",
            "children-1-age": "7"}
    sent = client.post(f"/events/{event.id}/register", data=form)
    assert sent.status_code == 302
    again = client.post(f"/events/{event.id}/register", data=form)  # a double tap
    assert again.headers["Location"] == sent.headers["Location"]
    # not sure it went, she fills in the form anew: told where the first one is
    anew = client.post(f"/events/{event.id}/register", data={
        **form, "phone": "+48 600-100-200", "once_key": key_of(client.get(
            f"/events/{event.id}").text)})
    assert anew.status_code == 422
    beside = anew.text.split('id="children-0-first_name-error"')[1].split("</small>")[0]
    assert "Zosia – zapis na to wydarzenie" in beside and "już istnieje" in beside
    registration = db.session.scalar(select(Registration))
    children = db.session.scalars(select(RegisteredChild).order_by(RegisteredChild.id)).all()
    assert [(c.first_name, c.age, c.photo_consent) for c in children] == [
        ("Zosia", 5, True), ("Antek", 7, False)]
    # her other children, on a second form from the same phone, are welcome
    more = client.post(f"/events/{event.id}/register", data={
        "once_key": key_of(client.get(f"/events/{event.id}").text), "name": "Anna Nowak",
        "phone": "600 100 200", "consent": "y", "children-0-first_name": "Ola",
        "children-0-age": "4"})
    assert more.status_code == 302
    assert registration.places == 2 and registration.status == RegistrationStatus.CONFIRMED
    own = client.get(sent.headers["Location"])
    assert "Zapisano" in own.text and "Zosia, Antek" in own.text
    token = sent.headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/events/registered/{token}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CANCELLED
    # cancelled, the number may register again
    page = client.get(f"/events/{event.id}").text
    assert client.post(f"/events/{event.id}/register",
                       data={**form, "once_key": key_of(page)}).status_code == 302


def test_a_refused_registration_says_why_beside_the_field(app, client):
    event = make_event()
    db.session.commit()
    page = client.get(f"/events/{event.id}").text
    answer = client.post(f"/events/{event.id}/register", data={
        "once_key": key_of(page), "name": "Anna Nowak", "consent": "y",
        "children-0-first_name": "Zosia", "children-0-age": "14"})
    assert answer.status_code == 422
    assert 'id="children-0-age-error"' in answer.text and "od 3 do 10 lat" in answer.text
    assert 'id="phone-error"' in answer.text  # no phone and no e-mail
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_the_public_see_neither_drafts_nor_internal_events(app, client, client_as):
    draft = make_event(status=EventStatus.DRAFT, title="Szkic")
    internal = make_event(public=False, title="Wewnętrzne")
    db.session.commit()
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert client.get(f"/events/{internal.id}").status_code == 404
    assert "Szkic" not in client.get(f"/events/?month={draft.starts_at:%Y-%m}").text
    assert client_as(Role.COORDINATOR).get(f"/events/{draft.id}").status_code == 200
    assert client_as(Role.LEADER).get(f"/events/{draft.id}").status_code == 404  # not theirs
    assert client.get("/events/registered/forged-token").status_code == 404


def test_the_public_feed_lists_public_events(app, client):
    make_event(title="Dzień Dziecka")
    make_event(title="Szkic", status=EventStatus.DRAFT)
    db.session.commit()
    feed = client.get("/events/calendar.ics")
    assert feed.mimetype == "text/calendar" and "Dzień Dziecka" in feed.text
    assert "Szkic" not in feed.text


def test_the_calendar_reads_a_month_in_a_few_queries_for_1_or_20_events(app, client,
                                                                         count_queries):
    def queries(events: int) -> int:
        for n in range(events):
            family(make_event(title=f"Wydarzenie {n}"), n, 4)
        db.session.commit()
        with count_queries() as statements:
            assert client.get(f"/events/?month={TODAY + timedelta(days=10):%Y-%m}"
                              ).status_code == 200
        return len(statements)

    one = queries(1)
    assert one <= 4 and queries(19) == one


def test_a_month_without_events_says_so(app, client):
    assert "Brak wydarzeń w tym miesiącu." in client.get("/events/?month=2001-02").text


def test_a_residents_registration_is_blanked_after_the_period_of_peoples_records(app, users):
    old = make_event(days=-400)
    old.registration_from = None
    registration = Registration(event_id=old.id, name="Anna Nowak", phone="600 100 200",
                                status=RegistrationStatus.CONFIRMED, key="old-" + "x" * 20,
                                children=[RegisteredChild(first_name="Zosia", age=5)])
    recent, _ = family(make_event(), 1, 4)
    db.session.add(registration)
    retention.set_periods({retention.RecordType.PERSON: 12}, users[Role.ADMIN])
    db.session.flush()
    assert retention.due()[retention.RecordType.PERSON] >= 1
    retention.sweep()
    db.session.refresh(registration)
    assert (registration.name, registration.phone) == ("—", "")
    child = db.session.scalar(select(RegisteredChild).where(
        RegisteredChild.registration_id == registration.id))
    assert registration.anonymised_at is not None and (child.first_name, child.age) == ("—", 5)
    assert db.session.get(Registration, recent.id).name == "Anna Nowak 1"


def test_the_cancel_link_opens_one_registration_only(app):
    event = make_event()
    one, _ = family(event, 1, 4)
    with app.test_request_context():
        token = notices.token_for(one)
        assert notices.registration_for(token) is one
        assert notices.registration_for(token + "x") is None


def test_registration_needs_the_event_open(app):
    event = make_event(status=EventStatus.CANCELLED, cancel_reason="Burza")
    with pytest.raises(DomainError, match="odwołane"):
        family(event, 1, 4)
    assert services.registration_state(event, NOW) == "cancelled"
    held = make_event(days=-1)
    assert services.registration_state(held, NOW) == "closed"


def test_a_coordinator_registers_a_person_of_the_registry_found_by_name(app, client_as):
    event = make_event(audience=Audience.FAMILIES, age_from=None, age_to=None, capacity=None)
    person = PersonFactory(first_name="Halina", last_name="Zielińska", phone="600 300 400")
    db.session.commit()
    coordinator = client_as(Role.COORDINATOR)
    found = coordinator.get(f"/events/{event.id}/registrations/new?q=zielinska").text
    assert f"person_id={person.id}" in found
    page = coordinator.get(f"/events/{event.id}/registrations/new?person_id={person.id}").text
    url = f"/events/{event.id}/registrations/new?person_id={person.id}"
    assert coordinator.post(url, data={"once_key": key_of(page), "adults": "2"}
                            ).status_code == 302
    twice = coordinator.post(url, data={"once_key": key_of(page.replace("x", "y")) + "z",
                                        "adults": "1"})
    assert twice.status_code == 422 and "już zapisana" in twice.text
    registration = db.session.scalar(select(Registration))
    assert (registration.person_id, registration.name, registration.phone, registration.places
            ) == (person.id, "Halina Zielińska", "600 300 400", 2)
    assert client_as(Role.LEADER).get(url).status_code == 403


def test_on_the_day_children_are_checked_in_with_a_tap_and_walk_ins_added(app, client_as,
                                                                         users):
    event = make_event(days=0)  # today at 10:00; the family registered the day before
    registration, _ = family(event, 1, 4, 6, at=event.starts_at - timedelta(days=1))
    db.session.commit()
    tablet = client_as(Role.LEADER)
    assert tablet.get(f"/events/{event.id}/day").status_code == 404  # not the leader's event
    event.created_by_id = users[Role.LEADER].id
    db.session.commit()
    page = tablet.get(f"/events/{event.id}/day").text
    assert "600 100 201" in page and "bez zdjęć" in page  # the second child: no consent
    child = db.session.scalars(select(RegisteredChild).order_by(RegisteredChild.id)).first()
    tap = tablet.post(f"/events/{event.id}/day/{registration.id}",
                      data={"child": child.id, "present": "1"},
                      headers={"HX-Request": "true", "HX-Target": "day-list"})
    assert tap.status_code == 200 and "Obecnych: 1" in tap.text and "<html" not in tap.text
    tablet.post(f"/events/{event.id}/day/{registration.id}",
                data={"child": child.id, "present": "1"})  # a second tap: the same
    form = tablet.get(f"/events/{event.id}/day").text
    walked = tablet.post(f"/events/{event.id}/day/walk-in", data={
        "once_key": key_of(form), "name": "Jan Nowak", "consent": "y",
        "children-0-first_name": "Staś", "children-0-age": "5"})
    assert walked.status_code == 302
    db.session.expire_all()
    present = db.session.scalars(select(RegisteredChild).where(
        RegisteredChild.checked_in_at.is_not(None))).all()
    assert sorted(c.first_name for c in present) == ["Dziecko0", "Staś"]
    pdf = tablet.get(f"/events/{event.id}/list.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client_as(Role.VOLUNTEER).get(f"/events/{event.id}/day").status_code == 403


def test_the_projects_indicator_counts_the_children_checked_in_once(app, users, client_as):
    mikolajki, workshop = make_event(days=-3), make_event(days=-2, title="Warsztaty plastyczne")
    for event in (mikolajki, workshop):
        event.registration_from = None
    anna, _ = registrations.register(mikolajki, "ind-1-" + "x" * 20, {
        "name": "Anna Nowak", "phone": "600 100 200",
        "children": [Child("Zosia", 5, True), Child("Antek", 7, False)]},
        mikolajki.starts_at - timedelta(days=5))
    again, _ = registrations.register(workshop, "ind-2-" + "x" * 20, {
        "name": "Anna Nowak", "phone": "600 100 200", "children": [Child("Zosia", 5, True)]},
        workshop.starts_at - timedelta(days=5))
    for registration in (anna, again):
        for child in registration.children:
            registrations.check_in(registration, child.id, True, None, NOW)
    project = Project(name="Aktywna społeczność", funder="city", status=ProjectStatus.RUNNING,
                      starts_on=TODAY - timedelta(days=30), ends_on=TODAY + timedelta(days=30))
    db.session.add(project)
    db.session.flush()
    db.session.execute(project_events.insert(), [{"project_id": project.id, "event_id": e.id}
                                                  for e in (mikolajki, workshop)])
    indicator = Indicator(project_id=project.id, name="Dzieci na wydarzeniach", unit="os.",
                          target=50, source=Source.EVENT_PARTICIPANTS)
    db.session.add(indicator)
    db.session.flush()
    state = indicators.indicators_of(project, TODAY, only=indicator)[0]
    assert state.value == 2  # Zosia at both events counts once, Antek once
    names = {r["name"] for r in indicators.counted_records(project, indicator, TODAY)}
    assert names == {"Zosia | Anna Nowak", "Antek | Anna Nowak"}
    project.manager_id = users[Role.PROJECT_MANAGER].id
    db.session.commit()
    address = f"/projects/{project.id}/indicators/{indicator.id}"
    shown = client_as(Role.PROJECT_MANAGER).get(address).text  # its manager: by number only
    assert "#1" in shown and "#2" in shown
    assert "zosia" not in shown.lower() and "nowak" not in shown.lower()
    read = client_as(Role.ADMIN).get(address).text
    assert "Zosia | Anna Nowak" in read
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "indicator_records", AuditLog.entity_id == indicator.id)) == 1


def test_two_forms_for_the_last_place_at_the_same_moment_confirm_one(app):
    """On PostgreSQL, where two requests really run side by side: the second form waits
    for the first to be stored, then counts its places and waits for a place itself."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time: no two forms can count at once")
    event = make_event(capacity=1)
    event_id = event.id
    db.session.commit()
    first, _ = family(event, 1, 5)  # the last place, not yet stored: the event is held
    answers = []

    def second_form():
        other = db.session.get(Event, event_id)
        answers.append(family(other, 2, 6)[0].status)
        db.session.commit()

    assert waited_beside(app, second_form)
    assert first.status == RegistrationStatus.CONFIRMED
    assert answers == [RegistrationStatus.WAITING]

"""Records edited by several people (cal.core.models.Versioned): a form opened before
someone else saved the record is told so, with what was typed kept, instead of putting
its older copy over theirs unseen; sent again, it is saved. Two saves at the very same
moment: the second stores nothing and says why."""

from __future__ import annotations

import pytest
from sqlalchemy.orm.exc import StaleDataError

from cal.community.models import Event
from cal.core.access import Role
from cal.extensions import db
from cal.people.models import Person
from tests.community.test_events import make_event
from tests.conftest import waited_beside
from tests.factories import PersonFactory

CHANGED = "zmieniony po otwarciu"  # a word of the message beside the form


def hidden(page: str, name: str) -> str:
    return page.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]


def test_a_persons_form_opened_before_anothers_save_is_told_and_keeps_what_was_typed(
        client_as):
    person = PersonFactory(first_name="Jan", last_name="Nowak", birth_date=None)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    version = hidden(desk.get(f"/people/{person.id}/edit").text, "version")
    other = client_as(Role.ADMIN)  # a colleague saves the phone meanwhile
    assert other.post(f"/people/{person.id}/edit", data={
        "first_name": "Jan", "last_name": "Nowak", "phone": "600 700 800",
        "version": version}).status_code == 302
    typed = {"first_name": "Jan", "last_name": "Nowak-Kowalski", "version": version}
    told = desk.post(f"/people/{person.id}/edit", data=typed)
    assert told.status_code == 422 and CHANGED in told.text
    assert 'value="Nowak-Kowalski"' in told.text  # what was typed stays
    db.session.expire_all()
    kept = db.session.get(Person, person.id)
    assert (kept.last_name, kept.phone) == ("Nowak", "600 700 800")  # theirs, not undone
    again = desk.post(f"/people/{person.id}/edit", data={
        **typed, "version": hidden(told.text, "version")})  # saved on purpose
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).last_name == "Nowak-Kowalski"


def test_an_events_form_sent_once_with_its_key_is_told_too(client_as):
    event = make_event(title="Mikołajki")
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    page = desk.get(f"/events/{event.id}/edit").text
    event.place = "Sala gimnastyczna"  # saved meanwhile
    db.session.commit()
    form = {name: hidden(page, name) for name in ("version", "once_key")}
    values = {"title": "Mikołajki 2026", "kind": event.kind.value,
              "day": event.starts_at.date().isoformat(), "start": "10:00", "end": "13:00",
              "place": "Świetlica", "audience": event.audience.value, "age_from": "3",
              "age_to": "10", "capacity": "4", "public": "y", **form}
    told = desk.post(f"/events/{event.id}/edit", data=values)
    assert told.status_code == 422 and CHANGED in told.text
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Mikołajki"


def test_two_saves_at_the_same_moment_store_the_first_only(app):
    """On PostgreSQL, where two requests really run side by side: the second waits for
    the first, finds the version it read gone, and stores nothing."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer at a time: no two saves can meet")
    person = PersonFactory(first_name="Jan", last_name="Nowak")
    person_id = person.id
    db.session.commit()
    person.phone = "600 700 800"
    db.session.flush()  # the first save: the row is held until it commits
    failed = []

    def second_save():
        other = db.session.get(Person, person_id)  # reads the version before the first
        other.last_name = "Kowalski"
        try:
            db.session.commit()
        except Exception as error:  # noqa: BLE001 (what the second save met is checked)
            failed.append(type(error).__name__)

    assert waited_beside(app, second_save)
    assert failed == ["StaleDataError"]
    db.session.expire_all()
    assert db.session.get(Person, person_id).last_name == "Nowak"


def test_the_save_that_met_another_is_answered_in_words(app):
    with app.test_request_context("/people/1/edit", method="POST"):
        answer = app.make_response(app.handle_user_exception(StaleDataError("met another")))
    assert answer.status_code == 409
    assert "Nic nie zapisano" in answer.get_data(as_text=True)

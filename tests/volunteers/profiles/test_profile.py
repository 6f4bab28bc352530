"""Profiles: the coordinator edits everything; the volunteer their contact and times."""

from __future__ import annotations

import re

from cal.core.access import Role
from cal.extensions import db
from tests.factories import VolunteerFactory
from volunteers import availability


def test_coordinator_edits_the_whole_profile(client_as):
    volunteer = VolunteerFactory(email="a@example.org", phone="600 000 000")
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    assert client.get(f"/volunteers/{volunteer.id}/edit").status_code == 200
    response = client.post(f"/volunteers/{volunteer.id}/edit", data={
        "first_name": "Ola", "last_name": "Nowa", "email": "ola@example.org",
        "phone": "600 000 001", "birth_date": "1999-01-01", "help_kinds": ["senior"],
        "tasks": ["walks"], "languages": ["pl"], "slot-0-0": "y", "capacity": "3",
        "sees_personal_data": "y", "district_id": "0"})
    assert response.status_code == 302
    db.session.refresh(volunteer)
    assert (volunteer.last_name, volunteer.capacity, volunteer.tasks) == ("Nowa", 3, "walks")
    assert availability.decode(volunteer.availability) == {(0, 0)}


def test_edit_form_shows_the_current_profile(client_as):
    volunteer = VolunteerFactory(help_kinds="tutoring,event", subjects="math", grade_from=4,
                                 availability=availability.encode({(2, 3)}))
    db.session.commit()
    html = client_as(Role.COORDINATOR).get(f"/volunteers/{volunteer.id}/edit").get_data(
        as_text=True)
    assert re.search(r'<input checked id="help_kinds-0"[^>]*value="tutoring"', html)
    assert not re.search(r'<input checked[^>]*value="disability"', html)
    assert 'name="slot-2-3" value="y" checked' in html


def _volunteer_user_client(client_as, users, **fields):
    volunteer = VolunteerFactory(user_id=users[Role.VOLUNTEER].id, **fields)
    other = VolunteerFactory(email="other@example.org", phone="700 700 700")
    db.session.commit()
    return client_as(Role.VOLUNTEER), volunteer, other


def test_volunteer_edits_own_contact_and_availability(client_as, users):
    client, volunteer, other = _volunteer_user_client(client_as, users, email="me@example.org",
                                                      phone="600 000 000", capacity=2)
    assert "me@example.org" in client.get("/volunteers/me").get_data(as_text=True)
    response = client.post("/volunteers/me", data={
        "email": "nowy@example.org", "phone": "600 123 456", "slot-4-5": "y", "capacity": "9"})
    assert response.status_code == 302
    db.session.refresh(volunteer)
    assert (volunteer.email, volunteer.phone, volunteer.capacity) == (
        "nowy@example.org", "600 123 456", 2)
    assert availability.decode(volunteer.availability) == {(4, 5)}
    db.session.refresh(other)
    assert other.email == "other@example.org"


def test_volunteer_sees_only_own_profile_and_never_another(client_as, users):
    client, volunteer, other = _volunteer_user_client(client_as, users, email="me@example.org")
    html = client.get("/volunteers/me").get_data(as_text=True)
    assert "other@example.org" not in html
    for path in (f"/volunteers/{other.id}", f"/volunteers/{volunteer.id}",
                 f"/volunteers/{other.id}/edit", "/volunteers/", "/volunteers/compliance"):
        assert client.get(path).status_code == 403


def test_volunteer_without_a_profile_gets_not_found(client_as):
    assert client_as(Role.VOLUNTEER).get("/volunteers/me").status_code == 404


def test_own_profile_needs_at_least_one_free_time(client_as, users):
    client, volunteer, _other = _volunteer_user_client(client_as, users)
    response = client.post("/volunteers/me", data={"email": "x@example.org",
                                                   "phone": "600 000 000"})
    assert response.status_code == 422

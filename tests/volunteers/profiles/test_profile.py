"""Profiles: the coordinator edits everything; the volunteer their contact and times."""

from __future__ import annotations

import re

from cal.core.access import Role
from cal.core.centre import save_centre
from cal.extensions import db
from tests.factories import VolunteerFactory
from volunteers import availability
from volunteers.models import Gender


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


def test_coordinator_records_the_grammatical_gender_shown_on_the_profile(client_as):
    volunteer = VolunteerFactory()
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    client.post("/language", data={"locale": "en"})
    assert "Not given (neutral wording)" in client.get(f"/volunteers/{volunteer.id}").text
    response = client.post(f"/volunteers/{volunteer.id}/edit", data={
        "first_name": "Ola", "last_name": "Nowa", "email": "ola@example.org",
        "phone": "600 000 001", "birth_date": "1999-01-01", "help_kinds": ["senior"],
        "tasks": ["walks"], "languages": ["pl"], "slot-0-0": "y", "capacity": "3",
        "district_id": "0", "gender": "female"})
    assert response.status_code == 302
    db.session.refresh(volunteer)
    assert volunteer.gender == Gender.FEMALE
    assert re.search(r'<option selected value="female">',
                     client.get(f"/volunteers/{volunteer.id}/edit").text)
    assert "Feminine forms" in client.get(f"/volunteers/{volunteer.id}").text


def test_a_new_agreement_record_starts_from_the_centres_usual_wording(client_as, users):
    volunteer = VolunteerFactory(help_kinds="senior")
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/volunteers/{volunteer.id}/records/agreement").text
    assert "7-dniowym wypowiedzeniem" in page and "Pomoc seniorom" in page
    save_centre({"agreement_scope": "dyżury w świetlicy", "agreement_place": "świetlica CAL",
                 "agreement_terms": "Za miesięcznym wypowiedzeniem."}, users[Role.ADMIN])
    db.session.commit()
    page = client.get(f"/volunteers/{volunteer.id}/records/agreement").text
    for usual in ("dyżury w świetlicy", "świetlica CAL", "Za miesięcznym wypowiedzeniem."):
        assert usual in page, usual
    assert "Za miesięcznym" not in client.get(
        f"/volunteers/{volunteer.id}/records/insurance").text


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

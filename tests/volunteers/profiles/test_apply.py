"""The public application form: phone-friendly, validated, stored once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.notifications.models import Channel, Notification
from volunteers import availability
from volunteers.models import Gender, HelpKind, StatusChange, Volunteer, VolunteerStatus

KEY = "k" * 32


def application(**overrides) -> dict:
    data = {"first_name": "Zuzanna", "last_name": "Kowalczyk", "email": "zuza@example.org",
            "phone": "600 111 222", "birth_date": "2001-04-12", "help_kinds": ["tutoring"],
            "subjects": ["math", "physics"], "grade_from": "4", "grade_to": "8",
            "languages": ["pl", "en"], "slot-1-4": "y", "slot-3-4": "y", "consent": "y",
            "heard_from": "internet", "application_key": KEY, "district_id": "0"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _count() -> int:
    return db.session.scalar(select(func.count(Volunteer.id)))


def test_application_form_is_public_and_carries_a_fresh_key(client):
    first = client.get("/volunteers/apply").get_data(as_text=True)
    second = client.get("/volunteers/apply").get_data(as_text=True)
    assert 'name="application_key"' in first
    key = first.split('name="application_key" type="hidden" value="')[1].split('"')[0]
    assert len(key) >= 16 and key not in second


def test_application_creates_an_applicant_with_what_they_offer(client, users):
    response = client.post("/volunteers/apply", data=application())
    assert response.status_code == 302 and response.location.endswith("/volunteers/apply/thanks")
    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.status == VolunteerStatus.APPLICANT
    assert volunteer.kinds() == {HelpKind.TUTORING} and volunteer.works_with_children
    assert (volunteer.subjects, volunteer.grade_from, volunteer.grade_to) == ("math,physics", 4, 8)
    assert availability.decode(volunteer.availability) == {(1, 4), (3, 4)}
    assert volunteer.consent_at is not None and volunteer.languages == "pl,en"
    assert db.session.scalar(select(func.count(StatusChange.id))) == 1


def test_the_same_application_sent_many_times_is_stored_once(client):
    for _ in range(5):
        assert client.post("/volunteers/apply", data=application()).status_code == 302
    assert _count() == 1


def test_application_notifies_the_coordinators(client, users):
    for _ in range(2):
        client.post("/volunteers/apply", data=application()).close()  # as a server does
    rows = db.session.scalars(select(Notification)).all()
    assert {(r.user_id, r.channel) for r in rows} == {
        (users[Role.COORDINATOR].id, Channel.INAPP), (users[Role.COORDINATOR].id, Channel.EMAIL)}
    assert all("Kowalczyk" not in r.title and "Zuzanna" in r.body for r in rows)
    # handed on once the response went out: without Redis, delivered right there
    assert all(r.sent_at is not None for r in rows)


@pytest.mark.parametrize("overrides", [
    {"consent": None},
    {"slot-1-4": None, "slot-3-4": None},
    {"email": "not-an-email"},
    {"phone": "call me"},
    {"birth_date": (local_today() + timedelta(days=1)).isoformat()},
    {"birth_date": (local_today() - timedelta(days=365 * 8)).isoformat()},
    {"birth_date": ""},
    {"help_kinds": None},
    {"help_kinds": ["teleportation"]},
    {"subjects": None},
    {"grade_from": "8", "grade_to": "4"},
    {"first_name": "   "},
    {"application_key": "short"},
    {"first_name": "x" * 81},
])
def test_bad_application_is_answered_and_nothing_is_stored(client, overrides):
    response = client.post("/volunteers/apply", data=application(**overrides))
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True) or (
        "field-error" in response.get_data(as_text=True))
    assert _count() == 0


def test_help_for_seniors_needs_no_subjects_and_no_child_checks(client):
    response = client.post("/volunteers/apply", data=application(
        help_kinds=["senior"], subjects=None, grade_from=None, grade_to=None,
        tasks=["shopping", "walks"]))
    assert response.status_code == 302
    volunteer = db.session.scalar(select(Volunteer))
    assert not volunteer.works_with_children and volunteer.tasks == "shopping,walks"


def test_grades_of_thousands_of_digits_are_refused_not_compared(client):
    """Each grade is checked against its choices; their comparison must not read a digit
    string of thousands of digits as a number (Python refuses to, with an error)."""
    answer = client.post("/volunteers/apply", data={"grade_from": "9" * 5000,
                                                   "grade_to": "8" * 5000})
    assert answer.status_code == 422


@pytest.mark.parametrize(("sent", "kept"), [("female", Gender.FEMALE), ("male", Gender.MALE),
                                            ("", None)])
def test_the_application_asks_the_grammatical_gender_of_documents(client, sent, kept):
    assert 'name="gender"' in client.get("/volunteers/apply").text
    assert client.post("/volunteers/apply", data=application(gender=sent)).status_code == 302
    assert db.session.scalar(select(Volunteer)).gender == kept

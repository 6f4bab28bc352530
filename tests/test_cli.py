"""The command-line commands: demo data and the first administrator."""

from __future__ import annotations

from sqlalchemy import func, select

from cal.auth.models import User
from cal.auth.passwords import verify_password
from cal.core.access import Role
from cal.extensions import db
from cal.people.models import Household, Person
from volunteers.models import Volunteer


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_loads_accounts_people_and_volunteers(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    users = {u.email: u for u in db.session.scalars(select(User))}
    expected = {"admin@cal.local": Role.ADMIN, "koordynator@cal.local": Role.COORDINATOR,
                "lider@cal.local": Role.LEADER, "wolontariusz@cal.local": Role.VOLUNTEER,
                "projekty@cal.local": Role.PROJECT_MANAGER}
    assert {email: users[email].role for email in expected} == expected
    assert all(verify_password(u.password_hash, "demo1234") for u in users.values())
    assert _count(Person) >= 80 and _count(Volunteer) == 40  # and the senior centre's own
    assert 15 <= _count(Household) <= 80
    # Everyone lives in a household but the one a leader registered anew at the door (a
    # double record for a coordinator to join: cal/people/merge.py), of whom only the name
    # is known.
    without_household = select(Person).where(Person.household_id.is_(None))
    at_the_door = db.session.scalars(without_household).all()
    assert len(at_the_door) == 1 and at_the_door[0].birth_date is None


def test_seed_demo_leaves_a_database_with_users_alone(app, users):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "already" in result.output
    assert _count(Person) == 0


def test_demo_volunteer_account_has_a_profile(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    volunteer = db.session.scalar(
        select(Volunteer).join(User, Volunteer.user_id == User.id)
        .where(User.email == "wolontariusz@cal.local"))
    assert volunteer is not None


def test_create_admin_asks_for_password_and_creates_the_account(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "Szefowa@Example.org"],
        input="bardzo dobre hasło\nbardzo dobre hasło\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "szefowa@example.org"))
    assert user.role == Role.ADMIN and verify_password(user.password_hash, "bardzo dobre hasło")


def test_create_admin_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "a@example.org",
                                                "--password", "short"])
    assert result.exit_code != 0 and _count(User) == 0


def test_create_admin_refuses_a_commonly_used_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "szefowa@example.org",
                                                "--password", "password1234"])
    assert result.exit_code != 0 and _count(User) == 0
    assert "łatwe do odgadnięcia" in result.output

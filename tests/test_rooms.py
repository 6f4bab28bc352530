"""The core asks, the rooms answer (cal/core/rooms.py): a new room plugs in by registering
its blueprint, and the reminders run, RODO, the retention sweep, the demo data and the
menu find what it declared, with no line of the core changed."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Blueprint
from sqlalchemy import select

from cal.commands.demo import seed_demo
from cal.core.access import Role, roles_required
from cal.core.rooms import DemoSeed, MenuEntry, PersonalData, declare, registry
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.notifications import reminders
from cal.people import retention, rodo
from cal.people.models import Person, SubjectKind
from cal.people.retention import RecordType
from tests.conftest import empty_all_tables, log_in, make_users


def _throwaway_room() -> tuple[Blueprint, list]:
    """A room of one page, with a scan, a personal-data part, a demo seed and a menu entry,
    all written in this test."""
    room = Blueprint("throwaway", __name__, url_prefix="/throwaway")
    seen: list = []

    @room.get("/")
    @roles_required(Role.COORDINATOR)
    def index():
        return "the throwaway room"

    def scan(now):
        seen.append(now)
        return 7

    def keeps_person(_cutoff, _held):
        return [Person.first_name == "Kept"]

    part = PersonalData(
        "throwaway",
        blockers=lambda subject, _held: ["The throwaway room still needs this person."]
        if subject.record.first_name == "Blocked" else [],
        keeps_person=keeps_person)
    seed = DemoSeed("throwaway", lambda demo: demo.made.update(throwaway=len(demo.people)), 99)
    declare(room, scans=[scan], personal_data=[part], demo=[seed],
            menu=[MenuEntry("throwaway.index", "Throwaway", 999)])
    return room, seen


def _person(first_name: str) -> Person:
    person = Person(first_name=first_name, last_name="Nowak", search_name="nowak")
    db.session.add(person)
    db.session.flush()
    return person


def test_a_room_plugs_in_by_registering_its_blueprint(make_app):
    room, seen = _throwaway_room()
    app = make_app()
    app.register_blueprint(room)
    with app.app_context():
        empty_all_tables()
        assert "throwaway" in registry().rooms
        users = make_users()
        now = utcnow()
        made = reminders.run(now, inline=True)  # its scan runs with every other room's
        assert made["scan"] == 7 and seen == [now]

        blocked = rodo.gather(SubjectKind.PERSON, _person("Blocked").id)
        assert "The throwaway room still needs this person." in rodo.erasure_blockers(
            blocked, {})

        kept, free = _person("Kept"), _person("Free")
        for person in (kept, free):
            person.created_at = person.updated_at = date(2000, 1, 1)
        db.session.commit()
        assert retention._subjects_past(RecordType.PERSON, datetime(2001, 1, 1), {}) == [free.id]

        coordinator, volunteer = app.test_client(), app.test_client()
        log_in(coordinator, users[Role.COORDINATOR])
        log_in(volunteer, users[Role.VOLUNTEER])
        assert 'href="/throwaway/"' in coordinator.get("/").text  # the menu, by the policy
        assert 'href="/throwaway/"' not in volunteer.get("/").text
        assert volunteer.get("/throwaway/").status_code == 403


def test_its_demo_seed_runs_after_the_core_and_the_other_rooms(make_app):
    room, _seen = _throwaway_room()
    app = make_app()
    app.register_blueprint(room)
    with app.app_context():
        empty_all_tables()
        made = seed_demo(persons=60, volunteers=30)
        assert made["throwaway"] == 60 and made["volunteers"] == 30
        assert [seed.name for seed in registry().demo] == [
            "volunteers", "clubs", "seniors", "partners", "projects", "community",
            "directory", "followup", "duties", "accessibility", "gifts", "throwaway"]
        assert db.session.scalar(select(Person.id).limit(1)) is not None


def test_the_core_asks_every_room_of_the_application(app):
    """The rooms of the application declare their parts: nothing is left behind by
    the move out of the core."""
    rooms = registry(app)
    assert {"training", "needs", "hours", "followup", "documents", "volunteers", "clubs",
            "seniors", "community", "projects", "people"} <= set(rooms.rooms)
    assert {scan.__name__ for scan in rooms.scans} >= {
        "visits_tomorrow", "sessions_tomorrow", "proposals_waiting", "expiring",
        "hours_nudge", "coordinators_digest", "project_deadlines", "rodo_deadlines"}
    assert {scan.__name__ for scan in rooms.late_scans} == {
        "retention_sweep", "possible_doubles", "refresh_indicators", "year_figures"}
    assert [part.name for part in rooms.personal_data] == [
        "needs", "followup", "volunteers", "clubs", "seniors", "community", "duties", "partners",
        "projects", "gifts", "visit_times"]
    assert len(rooms.partner_work) == 3  # the projects, events and duties with a partner
    assert len(rooms.calendar) == 3  # a volunteer's trainings and visits, a member's classes
    with app.test_request_context():
        for entry in rooms.menu:  # every entry's roles come from its endpoint's policy
            assert entry.roles(), entry.endpoint


def test_without_a_rooms_word_on_who_is_kept_the_retention_sweep_keeps_everyone(app, monkeypatch):
    """Fail closed: with no part saying what keeps a person, no person is anonymised."""
    person = _person("Free")
    person.created_at = person.updated_at = datetime(2000, 1, 1)
    db.session.commit()
    monkeypatch.setattr(registry(app), "personal_data", [])
    with pytest.raises(RuntimeError, match="no room says what keeps a person"):
        retention._subjects_past(RecordType.PERSON, datetime(2001, 1, 1), {})

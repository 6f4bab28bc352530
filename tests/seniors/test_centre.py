"""The senior centre: members with cards, the week's programme, and the kiosk, which
checks a member in by card number and can do nothing else."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import func, select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import LOCAL_ZONE, local_to_utc, local_today
from cal.extensions import db
from cal.people.models import Person
from clubs import services as clubs
from clubs.models import Attendance, GroupKind, GroupSession, Mark
from seniors import services
from seniors.models import KioskDevice, SeniorMember
from tests.clubs.test_groups import make_group, todays_session
from tests.conftest import log_in, password_hash
from tests.factories import PersonFactory

TODAY = local_today()


def member(users, **person) -> SeniorMember:
    return services.register(PersonFactory(**person), {"joined_on": TODAY},
                             users[Role.COORDINATOR])


def kiosk_client(app, users):
    device, token = services.create_device("Wejście", users[Role.ADMIN])
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/kiosk/activate/{token}").status_code == 302
    assert app.test_client().get(f"/kiosk/activate/{token}").status_code == 404  # once only
    return client, device


def session_now(group) -> GroupSession:
    """A session of the group running now (the kiosk checks in only around its time)."""
    now = datetime.now(LOCAL_ZONE).replace(tzinfo=None)
    starts = max(now - timedelta(minutes=30), datetime.combine(now.date(), time(0)))
    ends = min(now + timedelta(minutes=60), datetime.combine(now.date(), time(23, 59)))
    return clubs.add_session(group, now.date(), starts.time().replace(microsecond=0, second=0),
                             ends.time().replace(microsecond=0, second=0), "")


def test_members_get_card_numbers_in_turn_and_only_once(app, users):
    first, second = member(users), member(users)
    assert first.card_number != second.card_number
    assert all(services.valid_card_number(m.card_number) for m in (first, second))
    assert not services.valid_card_number(first.card_number[:-1] + str(
        (int(first.card_number[-1]) + 1) % 10))  # one digit wrong: caught
    again = db.session.get(Person, first.person_id)
    with force_locale("en"), pytest.raises(DomainError) as refused:
        services.register(again, {"joined_on": TODAY}, users[Role.COORDINATOR])
    assert "already a member" in refused.value.message


def test_the_kiosk_checks_a_member_in_to_todays_sessions(app, users):
    group = make_group(users, kind=GroupKind.SENIOR_CLASS)
    senior = member(users, first_name="Halina")
    clubs.enrol(group, db.session.get(Person, senior.person_id),
                users[Role.COORDINATOR], TODAY)
    session = session_now(group)
    support = make_group(users, kind=GroupKind.SUPPORT)  # not the centre's: never at the door
    clubs.enrol(support, db.session.get(Person, senior.person_id),
                users[Role.COORDINATOR], TODAY)
    session_now(support)
    client, device = kiosk_client(app, users)
    page = client.get("/kiosk/")
    assert page.status_code == 200 and 'data-key="7"' in page.text
    answer = client.post("/kiosk/", data={"card": senior.card_number})
    assert answer.status_code == 200 and "Halina" in answer.text
    again = client.post("/kiosk/", data={"card": senior.card_number})  # a second press
    assert again.status_code == 200
    marks = db.session.execute(select(Attendance.session_id, Attendance.mark)).all()
    assert marks == [(session.id, Mark.PRESENT)]
    assert db.session.get(KioskDevice, device.id).last_used_at is not None


def test_the_kiosk_answers_an_unknown_card_and_a_day_without_sessions(app, users):
    senior = member(users, first_name="Jadwiga")
    client, _device = kiosk_client(app, users)
    unknown = client.post("/kiosk/", data={"card": "9999999"})
    assert unknown.status_code == 200 and 'role="alert"' in unknown.text
    free = client.post("/kiosk/", data={"card": senior.card_number})
    assert free.status_code == 200 and "Jadwiga" in free.text and 'role="alert"' in free.text
    bad = client.post("/kiosk/", data={"card": "12ab"})
    assert bad.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_the_kiosk_tells_a_class_that_ended_from_no_class_and_keeps_its_answer(app, users):
    """A senior reads the answer at their pace: it stays 20 seconds or until OK, with no
    menu or link that leads away from the kiosk; a class that ended today is told as such
    (and not checked in to), not as a day without classes."""
    group = make_group(users, kind=GroupKind.SENIOR_CLASS)
    senior = member(users, first_name="Halina")
    clubs.enrol(group, db.session.get(Person, senior.person_id),
                users[Role.COORDINATOR], TODAY)
    clubs.add_session(group, TODAY, time(10), time(11), "")
    client, device = kiosk_client(app, users)
    keypad = client.get("/kiosk/").text
    assert "site-header" not in keypad and "site-footer" not in keypad
    assert "Wyloguj" not in keypad and "/login" not in keypad
    answer = client.post("/kiosk/", data={"card": "9999999"}).text
    assert 'data-reset-after="20"' in answer and 'class="kiosk-ok"' in answer
    at_noon = services.check_in(senior.card_number, device, TODAY, local_to_utc(TODAY, time(12)))
    assert "dzisiejsze zajęcia już się skończyły: Grupa wsparcia, 10:00–11:00" in at_noon.problem
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    tomorrow = TODAY + timedelta(days=1)
    free = services.check_in(senior.card_number, device, tomorrow, local_to_utc(tomorrow, time(9)))
    assert free.problem == "Dziś nie ma Pani/Pana zajęć. Do zobaczenia!"


def test_a_kiosk_can_do_nothing_but_check_in(app, users):
    client, device = kiosk_client(app, users)
    for path in ("/", "/seniors/", "/clubs/", "/people", "/volunteers/requests"):
        answer = client.get(path)
        assert answer.status_code == 302 and "/login" in answer.location
    device.active = False
    db.session.commit()
    assert client.get("/kiosk/").status_code == 401  # switched off
    assert app.test_client().get("/kiosk/").status_code == 401  # no device at all
    assert app.test_client().get("/kiosk/activate/not-a-token").status_code == 404


def test_the_card_pdf_carries_the_number_and_a_qr_code(client_as, users):
    from tests.volunteers.documents.test_documents import text_of

    senior = member(users, first_name="Halina", last_name="Kowalska")
    db.session.commit()
    pdf = client_as(Role.COORDINATOR).get(f"/seniors/members/{senior.id}/card.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(pdf.data)
    assert senior.card_number in text and "Halina Kowalska" in text
    page = PdfReader(io.BytesIO(pdf.data)).pages[0]
    assert "/XObject" in page["/Resources"]  # the QR code, drawn from its SVG


def test_health_notes_only_for_roles_that_may_read_them(client_as, users):
    senior = member(users)
    senior.health_notes = "Cukrzyca, insulina rano."
    db.session.commit()
    assert "insulina" in client_as(Role.COORDINATOR).get(
        f"/seniors/members/{senior.id}").text
    assert "insulina" not in client_as(Role.LEADER).get(f"/seniors/members/{senior.id}").text
    # The read of special-category data is in the audit log: once, the coordinator's.
    db.session.expire_all()
    reads = db.session.scalars(select(AuditLog).where(AuditLog.action == "read")).all()
    assert [(r.user_id, r.entity, r.entity_id, r.fields) for r in reads] == [
        (users[Role.COORDINATOR].id, "senior_member", senior.id, "health_notes")]


def test_the_programme_of_the_week_lists_the_senior_classes(client_as, users):
    group = make_group(users, kind=GroupKind.SENIOR_CLASS)
    make_group(users, kind=GroupKind.SUPPORT)  # not a senior class
    clubs.generate_sessions(group, TODAY)
    session = todays_session(group)
    clubs.cancel_session(session, "remont sali", users[Role.COORDINATOR], TODAY)
    db.session.commit()
    page = client_as(Role.LEADER).get("/seniors/programme").text
    assert page.count("Grupa wsparcia") == 1 and "remont sali" in page  # the senior class


def test_a_leader_reads_only_the_members_of_the_centre_classes_they_lead(
        client_as, users, app):
    """No whole registry for every leader: the members of the classes they lead, by
    name, with whether the card is active and its last digits; no emergency contact,
    no card; nothing at all for a leader of no class of the centre."""
    led = make_group(users, kind=GroupKind.SENIOR_CLASS)
    other = make_group(users, kind=GroupKind.SENIOR_CLASS, leader=None)
    ours = member(users, first_name="Halina", last_name="Nasza")
    theirs = member(users, first_name="Irena", last_name="Obca")
    ours.emergency_name, ours.emergency_phone = "Córka Ewa", "600 700 800"
    for group, senior in ((led, ours), (other, theirs)):
        clubs.enrol(group, db.session.get(Person, senior.person_id), users[Role.COORDINATOR],
                    TODAY)
    kis_leader = User(email="kis@test.local", full_name="Lider KIS", role=Role.LEADER,
                      password_hash=password_hash())
    db.session.add(kis_leader)
    db.session.commit()
    leader = client_as(Role.LEADER)
    registry = leader.get("/seniors/").text
    assert "Nasza" in registry and "Obca" not in registry
    assert ours.card_number not in registry and f"••••{ours.card_number[-3:]}" in registry
    assert "Obca" not in leader.get(f"/seniors/?q={theirs.card_number}").text
    page = leader.get(f"/seniors/members/{ours.id}").text
    assert "Aktywny uczestnik" in page and "Halina Nasza" in page  # whether the card holds
    assert "Córka Ewa" not in page and "600 700 800" not in page
    assert ours.card_number not in page and "card.pdf" not in page
    assert leader.get(f"/seniors/members/{theirs.id}").status_code == 404
    assert leader.get(f"/seniors/members/{ours.id}/card.pdf").status_code == 403
    coordinator = client_as(Role.COORDINATOR).get(f"/seniors/members/{ours.id}").text
    assert "Córka Ewa" in coordinator and ours.card_number in coordinator
    stranger = app.test_client()
    log_in(stranger, kis_leader)
    nothing = stranger.get("/seniors/").text
    assert "Nie prowadzisz" in nothing and "Nasza" not in nothing and "Obca" not in nothing
    assert stranger.get(f"/seniors/members/{ours.id}").status_code == 404


def test_a_kiosk_added_once_shows_its_link_once_and_a_refresh_adds_no_other(app, client_as):
    admin = client_as(Role.ADMIN)
    page = admin.get("/seniors/kiosks").text
    form = {"name": "Wejście główne",
            "once_key": page.split('name="once_key" type="hidden" value="')[1].split('"')[0]}
    added = admin.post("/seniors/kiosks", data=form)
    assert added.status_code == 200 and "/kiosk/activate/" in added.text
    refreshed = admin.post("/seniors/kiosks", data=form, follow_redirects=True)  # F5
    assert "/kiosk/activate/" not in refreshed.text
    assert "dodany" in refreshed.text  # told that it was, and what to do if the link is lost
    assert db.session.scalar(select(func.count()).select_from(KioskDevice)) == 1

"""RODO: a subject's export (JSON and PDF) holds everything stored about them and no
secret; the erasure anonymises and keeps the counts, refused while the law or a running
engagement keeps the data; requests with their month; retention periods and the sweep."""

from __future__ import annotations

import json
import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy import func, select

from cal.auth.models import User
from cal.community import registrations
from cal.community.registrations import Child
from cal.core.access import Role
from cal.core.audit import AuditAction, AuditLog
from cal.core.errors import DomainError
from cal.core.labels import value_label
from cal.core.text import fold
from cal.core.timeutil import add_months, local_to_utc, local_today, utcnow
from cal.duties.models import Appointment, AppointmentStatus, DutyKind
from cal.extensions import db
from cal.notifications.models import Channel, Notification
from cal.people import jobs as people_jobs
from cal.people import retention, rodo
from cal.people.models import DataRequest, Person, SubjectKind
from cal.people.rodo_labels import ACTIONS, FIELDS, SECTIONS
from cal.projects.models import Funder, Project
from cal.projects.participant_models import (
    Answer,
    Citizenship,
    Degurba,
    Education,
    LabourStatus,
    Participant,
    Sex,
    Support,
)
from clubs import attendance
from clubs import services as clubs
from clubs.models import GroupSession, Mark
from seniors.models import SeniorMember
from tests.clubs.test_groups import make_group, todays_session
from tests.community.test_events import make_event
from tests.duties.test_duties import make_duty
from tests.factories import HouseholdFactory, PersonFactory, VolunteerFactory
from tests.volunteers.documents.test_documents import text_of
from tests.volunteers.needs.test_needs import volunteer_account
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import HelpKind, Volunteer, VolunteerStatus
from volunteers.needs.models import HelpRequest, Match, MatchEvent, MatchStatus

TODAY = local_today()


@pytest.fixture(autouse=True)
def in_english(app):
    """The rules' words are checked in English (the catalog gives them in Polish)."""
    with force_locale("en"):
        yield


KEPT_FOR_REPORTS = ("attendance", "attendance_changes", "memberships", "help_requests",
                    "matches", "senior_members", "project_participants",
                    "participant_supports")


def served_person(users) -> Person:
    """A person with something in every part: a household with another member, a group
    (ended, with a mark), a help request with a match, a senior card and a project."""
    household = HouseholdFactory()
    PersonFactory(household_id=household.id)
    person = PersonFactory(first_name="Zofia", last_name="Kowalska", phone="600 100 200",
                           email="zofia@example.pl", address="ul. Lipowa 5/2",
                           household_id=household.id, health_notes="cukrzyca",
                           birth_date=date(1950, 3, 14))
    group = make_group(users)
    membership = clubs.enrol(group, person, users[Role.COORDINATOR], TODAY)
    attendance.set_mark(todays_session(group).id, person.id, Mark.PRESENT, users[Role.LEADER],
                        TODAY)
    clubs.end_membership(membership, "przeprowadzka", users[Role.COORDINATOR], TODAY)
    request = HelpRequest(person_id=person.id, kind=HelpKind.SENIOR, starts_on=TODAY,
                          goal="zakupy dla pani Zofii")
    db.session.add(request)
    db.session.flush()
    db.session.add(Match(request_id=request.id, volunteer_id=VolunteerFactory().id,
                         status=MatchStatus.ENDED, answer_note="chętnie"))
    db.session.add(SeniorMember(person_id=person.id, card_number="S0001", joined_on=TODAY,
                                emergency_name="Jan Kowalski", emergency_phone="600 200 300",
                                health_notes="rozrusznik", active=False))
    project = Project(name="Aktywni razem", funder=Funder.EU, starts_on=date(2020, 1, 1),
                      ends_on=date(2021, 12, 31))
    db.session.add(project)
    db.session.flush()
    participant = Participant(
        project_id=project.id, person_id=person.id, sex=Sex.FEMALE, started_on=date(2020, 2, 1),
        identifier="50031401365", citizenship=Citizenship.POLISH, voivodeship="mazowieckie",
        powiat="Siedlce", gmina="Siedlce", locality="Siedlce", postcode="08-110",
        degurba=Degurba.TOWN, education=Education.ISCED_2, labour_status=LabourStatus.INACTIVE,
        disability=Answer.NO, foreign_background=Answer.NO, third_country=Answer.NO,
        minority=Answer.NO, homeless=Answer.NO)
    db.session.add(participant)
    db.session.flush()
    db.session.add(Support(participant_id=participant.id, scope="Zadanie 1 dla pani Zofii",
                           kind="doradztwo/konsultacje", kind_detail="pomoc psychologiczna",
                           started_on=date(2020, 2, 3)))
    db.session.flush()
    return person


def project_kept_for(months: int | None, actor) -> None:
    retention.set_periods({retention.RecordType.PROJECT: months}, actor)


def test_the_export_holds_every_part_of_a_person_and_no_secret(users):
    person = served_person(users)
    subject = rodo.gather(SubjectKind.PERSON, person.id)
    data = rodo.export_data(subject, "OPS")
    sections = data["sections"]
    assert set(KEPT_FOR_REPORTS) | {"persons", "households", "audit_log"} <= set(sections)
    assert sections["persons"][0]["health_notes"] == "cukrzyca"
    assert sections["senior_members"][0]["emergency_name"] == "Jan Kowalski"
    assert sections["matches"][0]["status"] == "ended"
    assert not {"answer_note", "reasons", "score"} & set(sections["matches"][0])  # theirs
    assert sections["project_participants"][0]["identifier"] == "50031401365"
    assert sections["participant_supports"][0]["kind_detail"] == "pomoc psychologiczna"
    every_key = {key for rows in sections.values() for row in rows for key in row}
    assert not every_key & rodo.HIDDEN
    assert set(sections) <= set(SECTIONS)  # each part, with its heading in the PDF
    json.dumps(data)  # the download is this, as JSON


def test_every_part_and_field_of_an_export_has_its_words_for_the_pdf(app):
    """A table added later with a key to a person, a volunteer or an account is exported
    by itself; this fails until its heading and field names are written."""
    parts = {"persons", "volunteers", "households", "users", "matches", "audit_log"}
    parts |= {t.name for t, _ in rodo._referring("persons")}
    parts |= {t.name for t, _ in rodo._referring("volunteers")}
    parts |= {t.name for t, _ in rodo._referring("households")}  # shared by its members
    parts |= {t.name for t, _ in rodo._referring("users", "user_id")} - rodo.NOT_OWNED
    assert parts - set(SECTIONS) == set()
    columns = {c for name in parts for c in db.metadata.tables[name].columns.keys()}
    assert columns - rodo.HIDDEN - set(FIELDS) == set()


def test_the_pdf_gives_the_log_a_row_per_month_and_action_and_the_json_every_entry():
    entries = [{"at": "2026-10-02 09:00", "action": "read", "fields": "health_notes"},
               {"at": "2026-11-03 10:00", "action": "read", "fields": "disability"},
               {"at": "2026-11-20 12:30", "action": "read", "fields": "health_notes"},
               {"at": "2026-11-21 08:00", "action": "export", "fields": ""}]
    rows = rodo.log_by_month(entries, {"read": "odczyt", "export": "eksport"},
                             {"health_notes": "Uwagi o zdrowiu"})
    assert rows == [
        {"month": "2026-11", "action": "odczyt", "times": 2,
         "fields": "Uwagi o zdrowiu, disability"},
        {"month": "2026-11", "action": "eksport", "times": 1, "fields": ""},
        {"month": "2026-10", "action": "odczyt", "times": 1, "fields": "Uwagi o zdrowiu"}]
    assert {action.value for action in AuditAction} == set(ACTIONS)


def test_the_erasure_empties_the_personal_fields_and_keeps_the_counts(users):
    person = served_person(users)
    project_kept_for(12, users[Role.ADMIN])  # the project ended in 2021: nothing keeps it
    household_id = person.household_id
    before = {name: len(rows) for name, rows in
              rodo.gather(SubjectKind.PERSON, person.id).sections.items()}
    subject = rodo.gather(SubjectKind.PERSON, person.id)
    rodo.anonymise(subject, users[Role.ADMIN], "test", retention.held_projects(TODAY,
                                                                               retention.periods()))
    db.session.commit()
    person = db.session.get(Person, person.id)
    assert (person.first_name, person.last_name) == ("Osoba", f"#{person.id}")
    assert (person.phone, person.email, person.address, person.health_notes) == ("",) * 4
    assert person.birth_date == date(1950, 7, 1) and person.anonymised_at is not None
    assert person.household_id is None
    member = db.session.scalar(select(SeniorMember))
    assert (member.emergency_name, member.health_notes, member.card_number) == (
        "", "", f"X{member.id}")
    assert db.session.scalar(select(HelpRequest.goal)) == ""
    kept = db.session.scalar(select(Participant))  # what the indicators count stays
    assert (kept.identifier, kept.gmina, kept.locality, kept.postcode) == ("",) * 4
    assert (kept.degurba, kept.education, kept.voivodeship) == (
        Degurba.TOWN, Education.ISCED_2, "mazowieckie")
    support = db.session.scalar(select(Support))
    assert (support.scope, support.kind) == ("", "doradztwo/konsultacje")
    after = rodo.gather(SubjectKind.PERSON, person.id).sections
    assert all(len(after[name]) == before[name] for name in KEPT_FOR_REPORTS)
    others = db.session.scalar(select(func.count()).select_from(Person).where(
        Person.household_id == household_id))
    assert others == 1  # the other member stays in the household, untouched
    logged = db.session.scalar(select(AuditLog).where(AuditLog.entity == "person",
                                                      AuditLog.entity_id == person.id,
                                                      AuditLog.fields == "anonymised_at"))
    assert logged.detail == "anonymised: test"


def test_the_erasure_is_refused_while_a_project_keeps_the_records(users):
    person = served_person(users)
    subject = rodo.gather(SubjectKind.PERSON, person.id)
    held = retention.held_projects(TODAY, retention.periods())  # no period set: kept
    with pytest.raises(DomainError, match="until a retention period"):
        rodo.anonymise(subject, users[Role.ADMIN], "test", held)
    project_kept_for(12 * 10, users[Role.ADMIN])  # ten years from the end of 2021
    held = retention.held_projects(TODAY, retention.periods())
    with pytest.raises(DomainError, match="31.12.2031"):
        rodo.anonymise(subject, users[Role.ADMIN], "test", held)
    assert db.session.get(Person, person.id).anonymised_at is None


def test_the_erasure_is_refused_while_the_person_is_in_a_group(users):
    person = PersonFactory()
    clubs.enrol(make_group(users), person, users[Role.COORDINATOR], TODAY)
    with pytest.raises(DomainError, match="member of a group"):
        rodo.anonymise(rodo.gather(SubjectKind.PERSON, person.id), users[Role.ADMIN], "t", {})


def volunteer_with_a_past(users) -> Volunteer:
    volunteer = VolunteerFactory(email="ola@example.pl", phone="600 300 400",
                                 notes="zna migowy", birth_date=date(1990, 5, 5))
    user = volunteer_account(volunteer, "ola@example.pl")
    db.session.add(HourEntry(volunteer_id=volunteer.id, key="k1", activity=Activity.EVENT,
                             worked_on=TODAY, minutes=90, note="u pani Zofii",
                             status=EntryStatus.APPROVED))
    db.session.add(Notification(user_id=user.id, channel=Channel.INAPP, kind="t",
                                subject="x", title="Propozycja", dedup_key="d1"))
    db.session.flush()
    return volunteer


def test_a_volunteer_erased_keeps_the_hours_and_loses_the_account(users, client):
    volunteer = volunteer_with_a_past(users)
    user_id, surname = volunteer.user_id, fold(volunteer.last_name)
    assert surname in volunteer.search_name
    rodo.anonymise(rodo.gather(SubjectKind.VOLUNTEER, volunteer.id), users[Role.ADMIN], "t", {})
    db.session.commit()
    volunteer = db.session.get(Volunteer, volunteer.id)
    assert (volunteer.email, volunteer.phone, volunteer.notes) == ("", "", "")
    # nor is the name left in the folded copy that search reads
    assert surname not in volunteer.search_name
    assert volunteer.search_name == fold(f"{volunteer.last_name} {volunteer.first_name}")
    assert volunteer.status == VolunteerStatus.LEFT and volunteer.birth_date == date(1990, 7, 1)
    entry = db.session.scalar(select(HourEntry))
    assert (entry.minutes, entry.note) == (90, "")
    user = db.session.get(User, user_id)
    assert not user.active and user.email.endswith("@invalid")
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    signed_in = client.post("/login", data={"email": "ola@example.pl", "password": "x"})
    assert signed_in.status_code in (200, 422) and "/logout" not in signed_in.text


def test_the_erasure_waits_for_the_volunteers_matches_to_end(users):
    volunteer = VolunteerFactory()
    request = HelpRequest(person_id=PersonFactory().id, kind=HelpKind.SENIOR, starts_on=TODAY)
    db.session.add(request)
    db.session.flush()
    db.session.add(Match(request_id=request.id, volunteer_id=volunteer.id,
                         status=MatchStatus.ACTIVE))
    db.session.flush()
    with pytest.raises(DomainError, match="match"):
        rodo.anonymise(rodo.gather(SubjectKind.VOLUNTEER, volunteer.id), users[Role.ADMIN],
                       "t", {})


def test_a_request_is_due_a_month_after_receipt_and_may_be_extended_once(users):
    subject = rodo.gather(SubjectKind.PERSON, PersonFactory().id)
    admin = users[Role.ADMIN]
    logged = rodo.open_request(subject, {"kind": "access", "received_on": date(2026, 1, 31),
                                         "identity_check": "dowód osobisty"}, admin)
    assert logged.due_on == date(2026, 2, 28)
    rodo.extend_request(logged, "wiele wniosków", admin)
    assert logged.due_on == date(2026, 4, 30)
    with pytest.raises(DomainError, match="extended already"):
        rodo.extend_request(logged, "jeszcze", admin)
    rodo.close_request(logged, "done", "wysłano pocztą", admin)
    with pytest.raises(DomainError, match="is closed"):
        rodo.close_request(logged, "done", "znowu", admin)
    with pytest.raises(DomainError, match="future"):
        rodo.open_request(subject, {"kind": "access", "received_on": TODAY + timedelta(1),
                                    "identity_check": "dowód"}, admin)
    assert rodo.requests_due(date(2026, 4, 25)) == (0, 0)  # closed: nothing due


def test_overdue_and_soon_due_requests_are_counted(users):
    subject = rodo.gather(SubjectKind.PERSON, PersonFactory().id)
    for received in (add_months(TODAY, -2), add_months(TODAY, -1) + timedelta(3), TODAY):
        rodo.open_request(subject, {"kind": "erasure", "received_on": received,
                                    "identity_check": "dowód"}, users[Role.ADMIN])
    assert rodo.requests_due(TODAY) == (1, 1)


def test_the_administrator_handles_a_request_from_the_persons_page(client_as, users):
    person = served_person(users)
    project_kept_for(12, users[Role.ADMIN])
    db.session.commit()
    admin = client_as(Role.ADMIN)
    assert f"/admin/rodo/new?person={person.id}" in admin.get(f"/people/{person.id}").text
    assert "/admin/rodo/new" not in client_as(Role.COORDINATOR).get(f"/people/{person.id}").text
    form = admin.get(f"/admin/rodo/new?person={person.id}").text
    key = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    refused = admin.post(f"/admin/rodo/new?person={person.id}", data={
        "once_key": key, "kind": "erasure", "received_on": TODAY.isoformat()})
    assert refused.status_code == 422 and "Zofia Kowalska" in refused.text
    sent = admin.post(f"/admin/rodo/new?person={person.id}", data={
        "once_key": key, "kind": "erasure", "received_on": TODAY.isoformat(),
        "identity_check": "dowód osobisty okazany w sekretariacie"})
    assert sent.status_code == 302
    logged = db.session.scalar(select(DataRequest))
    assert logged.due_on == add_months(TODAY, 1) and logged.subject_name == "Zofia Kowalska"
    exported = admin.get(f"/admin/rodo/{logged.id}/export.json")
    assert exported.status_code == 200 and "attachment" in exported.headers[
        "Content-Disposition"]
    assert exported.json["sections"]["persons"][0]["health_notes"] == "cukrzyca"
    logged_so_far = db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "person", AuditLog.entity_id == person.id))
    pdf = admin.get(f"/admin/rodo/{logged.id}/export.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "eksport 1" in text_of(pdf.data)  # the log, by month: the JSON exported once
    printed = text_of(pdf.data)  # as an official writes: Polish dates, the values' words
    assert "14.03.1950" in printed and "1950-03-14" not in printed
    assert "Kobieta" in printed and "female" not in printed
    assert logged_so_far > 2 and f"na danych ({logged_so_far})" in text_of(pdf.data)
    exports = db.session.scalars(select(AuditLog.detail).where(
        AuditLog.action == "export", AuditLog.entity == "person")).all()
    assert exports == [f"RODO request {logged.id}: json", f"RODO request {logged.id}: pdf"]
    unconfirmed = admin.post(f"/admin/rodo/{logged.id}/erase", data={})
    assert unconfirmed.status_code == 422
    assert db.session.get(Person, person.id).anonymised_at is None
    erased = admin.post(f"/admin/rodo/{logged.id}/erase", data={"confirm": "y"})
    assert erased.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).first_name == "Osoba"
    closed = admin.post(f"/admin/rodo/{logged.id}/close", data={
        "status": "done", "outcome": "Odpowiedź wysłana listem poleconym."})
    assert closed.status_code == 302
    page = admin.get("/admin/rodo").text
    assert "Zofia Kowalska" in page  # the request keeps the name it came with


def test_a_request_sent_twice_is_logged_once_and_an_erasure_done_once(client_as, users):
    """The form sent again (a double tap, a resend on a bad network) logs one request;
    an erasure confirmed again is refused with words, and anonymises once."""
    person = PersonFactory(first_name="Zofia", last_name="Nowak")
    db.session.commit()
    admin = client_as(Role.ADMIN)
    form = admin.get(f"/admin/rodo/new?person={person.id}").text
    key = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    sent = {"once_key": key, "kind": "erasure", "received_on": TODAY.isoformat(),
            "identity_check": "dowód osobisty okazany"}
    first = admin.post(f"/admin/rodo/new?person={person.id}", data=sent)
    again = admin.post(f"/admin/rodo/new?person={person.id}", data=sent)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    logged = db.session.scalars(select(DataRequest)).one()
    assert admin.post(f"/admin/rodo/{logged.id}/erase",
                      data={"confirm": "y"}).status_code == 302
    second = admin.post(f"/admin/rodo/{logged.id}/erase", data={"confirm": "y"})
    assert second.status_code == 422 and "zanonimizowane" in second.text
    erasures = db.session.scalars(select(AuditLog.detail).where(
        AuditLog.entity == "person", AuditLog.entity_id == person.id,
        AuditLog.detail.like("anonymised:%"))).all()
    assert erasures == [f"anonymised: RODO request {logged.id}"]
    done = {"status": "done", "outcome": "Odpowiedź wysłana."}
    assert admin.post(f"/admin/rodo/{logged.id}/close", data=done).status_code == 302
    closed_again = admin.post(f"/admin/rodo/{logged.id}/close", data=done)
    assert closed_again.status_code == 422
    assert "Wniosek RODO jest już zamknięty" in closed_again.text


def test_a_closed_request_erases_nothing_and_says_so(client_as, users):
    person = PersonFactory()
    logged = rodo.open_request(rodo.gather(SubjectKind.PERSON, person.id), {
        "kind": "erasure", "received_on": TODAY, "identity_check": "dowód"}, users[Role.ADMIN])
    rodo.close_request(logged, "refused", "Tożsamość niepotwierdzona.", users[Role.ADMIN])
    db.session.commit()
    refused = client_as(Role.ADMIN).post(f"/admin/rodo/{logged.id}/erase", data={"confirm": "y"})
    assert refused.status_code == 422 and "Wniosek RODO jest już zamknięty" in refused.text
    assert db.session.get(Person, person.id).anonymised_at is None


def test_the_erase_button_shows_what_must_end_first(client_as, users):
    person = PersonFactory()
    clubs.enrol(make_group(users), person, users[Role.COORDINATOR], TODAY)
    logged = rodo.open_request(rodo.gather(SubjectKind.PERSON, person.id), {
        "kind": "erasure", "received_on": TODAY, "identity_check": "dowód"}, users[Role.ADMIN])
    db.session.commit()
    page = client_as(Role.ADMIN).get(f"/admin/rodo/{logged.id}")
    assert "członkiem grupy" in page.text and "/erase" not in page.text


def test_the_sweep_anonymises_what_has_passed_its_period_and_nothing_else(users):
    admin = users[Role.ADMIN]
    long_gone = VolunteerFactory(status=VolunteerStatus.LEFT,
                                 left_at=utcnow() - timedelta(days=31 * 61))
    recently_gone = VolunteerFactory(status=VolunteerStatus.LEFT,
                                     left_at=utcnow() - timedelta(days=30 * 59))
    still_here = VolunteerFactory(status=VolunteerStatus.ACTIVE)
    old = utcnow() - timedelta(days=31 * 121)
    forgotten = PersonFactory(created_at=old, updated_at=old)
    remembered = PersonFactory(created_at=old, updated_at=old)
    group = make_group(users)
    clubs.enrol(group, remembered, users[Role.COORDINATOR], TODAY)
    db.session.add(Notification(user_id=admin.id, channel=Channel.INAPP, kind="t",
                                subject="x", title="t", dedup_key="old",
                                sent_at=utcnow() - timedelta(days=400)))
    db.session.flush()
    assert retention.sweep() == dict.fromkeys(retention.RecordType, 0)  # no period set
    retention.set_periods({retention.RecordType.VOLUNTEER: 60, retention.RecordType.PERSON: 120,
                           retention.RecordType.NOTIFICATION: 12}, admin)
    assert retention.due()[retention.RecordType.VOLUNTEER] == 1
    done = retention.sweep()
    db.session.commit()
    assert (done[retention.RecordType.VOLUNTEER], done[retention.RecordType.PERSON],
            done[retention.RecordType.NOTIFICATION]) == (1, 1, 1)
    anonymised = {v.id for v in db.session.scalars(select(Volunteer).where(
        Volunteer.anonymised_at.is_not(None)))}
    assert anonymised == {long_gone.id} and recently_gone.id not in anonymised
    assert db.session.get(Volunteer, still_here.id).anonymised_at is None
    assert db.session.get(Person, forgotten.id).anonymised_at is not None
    assert db.session.get(Person, remembered.id).anonymised_at is None
    assert retention.sweep() == dict.fromkeys(retention.RecordType, 0)  # done once


def test_the_scheduled_run_sweeps(users):
    from cal.notifications import reminders

    VolunteerFactory(status=VolunteerStatus.LEFT, left_at=utcnow() - timedelta(days=400))
    retention.set_periods({retention.RecordType.VOLUNTEER: 12}, users[Role.ADMIN])
    db.session.commit()
    assert reminders.run(inline=True)["retention_sweep"] == 1


def test_periods_are_set_on_their_page_and_a_bad_one_is_explained(client_as, users):
    admin = client_as(Role.ADMIN)
    refused = admin.post("/admin/retention", data={"volunteer": "-3", "person": "abc"})
    assert refused.status_code == 422
    saved = admin.post("/admin/retention", data={"volunteer": "60", "person": ""})
    assert saved.status_code == 302
    assert retention.periods()[retention.RecordType.VOLUNTEER] == 60
    assert retention.periods()[retention.RecordType.PERSON] is None
    swept = admin.post("/admin/retention/sweep")
    assert swept.status_code == 302


def test_administrators_are_told_a_week_and_a_day_before_a_request_is_due_and_when_late(
        users):
    """In the administrator's language (Polish)."""

    received = date(2026, 10, 20)  # due on 20 November
    subject = rodo.gather(SubjectKind.PERSON, PersonFactory().id)
    number = rodo.open_request(subject, {"kind": "access", "received_on": received,
                                         "identity_check": "dowód"}, users[Role.ADMIN]).id
    db.session.commit()

    def told(day: date) -> list[str]:
        people_jobs.rodo_deadlines(local_to_utc(day, time(9)))
        db.session.commit()
        return sorted(db.session.scalars(select(Notification.title).where(
            Notification.kind == "rodo_deadline",
            Notification.channel == Channel.INAPP)))

    assert told(date(2026, 11, 10)) == []
    assert told(date(2026, 11, 14)) == [f"Wniosek RODO nr {number}: zostało 6 dni"]
    assert len(told(date(2026, 11, 15))) == 1  # once for the week
    assert len(told(date(2026, 11, 19))) == 2
    assert f"Wniosek RODO nr {number} jest po terminie" in told(date(2026, 11, 21))
    notified = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "rodo_deadline")).all()
    assert set(notified) == {users[Role.ADMIN].id}


def household_helped(users) -> tuple[Person, Person, HelpRequest, Match]:
    """Two people of one household, helped as a household (the request names no one)."""
    household = HouseholdFactory()
    first, second = (PersonFactory(household_id=household.id) for _ in range(2))
    request = HelpRequest(household_id=household.id, kind=HelpKind.TUTORING, starts_on=TODAY,
                          goal="odrabianie lekcji z Kubą", notes="tata po wypadku")
    db.session.add(request)
    db.session.flush()
    match = Match(request_id=request.id, volunteer_id=VolunteerFactory().id,
                  status=MatchStatus.ACTIVE)
    db.session.add(match)
    db.session.flush()
    return first, second, request, match


def test_what_a_household_asked_for_is_in_each_members_copy_and_goes_with_the_last(users):
    first, second, request, match = household_helped(users)
    for person in (first, second):
        sections = rodo.gather(SubjectKind.PERSON, person.id).sections
        assert [r["goal"] for r in sections["help_requests"]] == ["odrabianie lekcji z Kubą"]
        assert [m["id"] for m in sections["matches"]] == [match.id]
    # one member erased: the household's help goes on for the other, its words kept
    rodo.anonymise(rodo.gather(SubjectKind.PERSON, first.id), users[Role.ADMIN], "t", {})
    db.session.flush()
    assert (request.goal, request.notes) == ("odrabianie lekcji z Kubą", "tata po wypadku")
    # the last one: refused while the household's match runs, then blanked and closed
    with pytest.raises(DomainError, match="match"):
        rodo.anonymise(rodo.gather(SubjectKind.PERSON, second.id), users[Role.ADMIN], "t", {})
    match.status = MatchStatus.ENDED
    db.session.flush()
    rodo.anonymise(rodo.gather(SubjectKind.PERSON, second.id), users[Role.ADMIN], "t", {})
    db.session.flush()
    db.session.refresh(request)
    assert (request.goal, request.notes, request.status.value) == ("", "", "closed")
    assert request.version > 1  # a form opened before cannot write the words back


def test_the_history_of_a_match_loses_the_reasons_it_copied(users):
    person = PersonFactory()
    request = HelpRequest(person_id=person.id, kind=HelpKind.SENIOR, starts_on=TODAY)
    db.session.add(request)
    db.session.flush()
    match = Match(request_id=request.id, volunteer_id=VolunteerFactory().id,
                  status=MatchStatus.ENDED, end_reason="pani Zofia w szpitalu")
    db.session.add(match)
    db.session.flush()
    db.session.add(MatchEvent(match_id=match.id, to_status=MatchStatus.ENDED,
                              note="pani Zofia w szpitalu"))
    db.session.flush()
    rodo.anonymise(rodo.gather(SubjectKind.PERSON, person.id), users[Role.ADMIN], "t", {})
    db.session.flush()
    assert db.session.scalars(select(MatchEvent.note)).all() == [""]
    assert db.session.get(Match, match.id).status == MatchStatus.ENDED  # the count stays


def test_a_volunteers_copy_lists_the_duty_hours_they_held(users):
    volunteer = volunteer_with_a_past(users)
    duty = make_duty(kind=DutyKind.LEGAL, title="Porady prawne",
                     holder_user_id=volunteer.user_id)
    sections = rodo.gather(SubjectKind.VOLUNTEER, volunteer.id).sections
    assert [d["title"] for d in sections["duties"]] == ["Porady prawne"]
    rodo.anonymise(rodo.gather(SubjectKind.VOLUNTEER, volunteer.id), users[Role.ADMIN], "t", {})
    db.session.flush()
    assert (duty.title, duty.place) == ("Porady prawne", "pok. 12")  # the centre's record


def test_the_reason_an_appointment_was_cancelled_goes_with_the_person(users):
    person = PersonFactory()
    duty = make_duty()
    start = local_to_utc(TODAY + timedelta(days=3), time(10))
    db.session.add(Appointment(duty_id=duty.id, starts_at=start,
                               ends_at=start + timedelta(minutes=45), person_id=person.id,
                               name=person.full_name, live=None, status=AppointmentStatus.CANCELLED,
                               cancel_reason="pani Zofia w szpitalu"))
    db.session.flush()
    rodo.anonymise(rodo.gather(SubjectKind.PERSON, person.id), users[Role.ADMIN], "t", {})
    db.session.flush()
    assert db.session.scalars(select(Appointment.cancel_reason)).all() == [""]



def test_the_period_of_peoples_records_blanks_a_walk_in_appointments_reason_too(users):
    duty = make_duty()
    start = local_to_utc(TODAY - timedelta(days=31 * 13), time(10))
    db.session.add(Appointment(duty_id=duty.id, starts_at=start, name="Jan Kowalski",
                               ends_at=start + timedelta(minutes=45), phone="600 100 200",
                               live=None, status=AppointmentStatus.CANCELLED,
                               cancel_reason="pan Jan w szpitalu"))
    db.session.flush()
    retention.set_periods({retention.RecordType.PERSON: 12}, users[Role.ADMIN])
    retention.sweep()
    db.session.flush()
    kept = db.session.scalar(select(Appointment))
    db.session.refresh(kept)
    assert (kept.name, kept.cancel_reason) == ("—", "")


def test_every_coded_value_has_its_words_for_the_printed_answer(app):
    """A column of an enum is printed in words (the *_LABELS its room keeps beside the
    enum); this fails for a new enum until they are written."""
    coded = {(table.name, column.name, column.type.enum_class)
             for table in db.metadata.sorted_tables for column in table.columns
             if isinstance(column.type, sa.Enum) and column.type.enum_class
             and column.name not in rodo.HIDDEN}
    with force_locale("pl"):
        assert [(table, column) for table, column, kind in sorted(coded, key=str)
                if any(value_label(value) is None for value in kind)] == []


def test_a_leaders_log_of_a_session_goes_when_the_period_of_peoples_records_has(users):
    group = make_group(users)
    old, recent = (GroupSession(group_id=group.id, starts_at=utcnow() - timedelta(days=days),
                                planned_at=utcnow() - timedelta(days=days),
                                ends_at=utcnow() - timedelta(days=days) + timedelta(hours=2),
                                log=f"Pani Halina opowiadała o wnuku ({days} dni temu)")
                   for days in (31 * 121, 30))
    db.session.add_all([old, recent])
    db.session.flush()
    retention.set_periods({retention.RecordType.PERSON: 120}, users[Role.ADMIN])
    assert retention.due()[retention.RecordType.PERSON] >= 1
    retention.sweep()
    db.session.flush()
    db.session.refresh(old)
    db.session.refresh(recent)
    assert old.log == "" and recent.log.startswith("Pani Halina")  # the session stays


def test_records_a_resident_made_by_phone_are_linked_to_them_for_their_request(
        users, client_as):
    """A resident who registered for an event and booked a duty hour by phone, then asks
    what the centre keeps: the administrator links the records that are theirs, and the
    copy holds them (a neighbour's registration with another number is not offered)."""
    zofia = PersonFactory(first_name="Zofia", last_name="Kowalska", phone="600 100 200",
                          email="")
    event = make_event(title="Mikołajki dla dzieci")
    theirs, _ = registrations.register(event, "link-1-" + "x" * 20, {
        "name": "Zofia Kowalska", "phone": "+48 600-100-200", "sms_consent": True,
        "children": [Child("Zosia", 5, True)]}, utcnow() - timedelta(days=5))
    registrations.register(event, "link-2-" + "x" * 20, {
        "name": "Anna Nowak", "phone": "600 300 400",
        "children": [Child("Antek", 6, False)]}, utcnow() - timedelta(days=5))
    duty = make_duty()
    start = local_to_utc(TODAY + timedelta(days=3), time(10))
    db.session.add(Appointment(duty_id=duty.id, starts_at=start, name="Z. Kowalska",
                               ends_at=start + timedelta(minutes=45), phone="600100200",
                               topic="sprawa spadkowa"))
    logged = rodo.open_request(rodo.gather(SubjectKind.PERSON, zofia.id), {
        "kind": "access", "received_on": TODAY, "identity_check": "dowód osobisty"},
        users[Role.ADMIN])
    db.session.commit()
    admin = client_as(Role.ADMIN)
    page = admin.get(f"/admin/rodo/{logged.id}").text
    assert "Mikołajki dla dzieci" in page and "Konsultacje psychologa" in page
    assert "Anna Nowak" not in page  # another number: not offered
    keys = re.findall(r'name="records" type="checkbox" value="([\w:]+)"', page)
    assert len(keys) == 2
    refused = admin.post(f"/admin/rodo/{logged.id}/link", data={})
    assert refused.status_code == 422 and 'id="records-error"' in refused.text
    assert admin.post(f"/admin/rodo/{logged.id}/link",
                      data={"records": keys}).status_code == 302
    sections = admin.get(f"/admin/rodo/{logged.id}/export.json").json["sections"]
    assert [r["id"] for r in sections["event_registrations"]] == [theirs.id]
    assert [a["topic"] for a in sections["appointments"]] == ["sprawa spadkowa"]
    assert [c["channel"] for c in sections["contact_consents"]] == ["sms"]  # given with it
    assert "/link" not in admin.get(f"/admin/rodo/{logged.id}").text  # nothing left to link

"""Training: expiry arithmetic, required trainings in the activation rules, enrolment,
attendance and completion, the coordinator's pages and the volunteer's phone page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import func, select

from cal import create_app
from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today, to_local, utcnow
from cal.extensions import db
from tests.conftest import config_for_tests, row_of
from tests.factories import VolunteerFactory
from tests.volunteers.documents.test_documents import text_of
from tests.volunteers.profiles.test_pipeline import give_records
from tests.volunteers.test_compliance import adult_basics
from volunteers.compliance import State
from volunteers.documents import services as documents
from volunteers.models import DocumentKind, VolunteerDocument, VolunteerStatus
from volunteers.profiles import services as profiles
from volunteers.training import services as training
from volunteers.training.compliance import training_items
from volunteers.training.models import (
    TrainingCompletion,
    TrainingCourse,
    TrainingEnrolment,
    TrainingSession,
)

TODAY = local_today()
NOW = utcnow()
PEOPLE = {"HX-Request": "true", "HX-Target": "session-people"}


def course(name="Standardy ochrony małoletnich", required_for="tutoring", months=24,
           active=True) -> TrainingCourse:
    found = TrainingCourse(name=name, required_for=required_for, validity_months=months,
                           active=active)
    db.session.add(found)
    db.session.flush()
    return found


def session_of(course_, starts_at=None, capacity=10) -> TrainingSession:
    found = TrainingSession(course_id=course_.id, starts_at=starts_at or NOW - timedelta(hours=1),
                            place="sala 12", trainer="Anna Wiśniewska", capacity=capacity)
    db.session.add(found)
    db.session.flush()
    db.session.refresh(found)
    found.course = course_
    return found


def completed(volunteer, course_, on: date) -> TrainingCompletion:
    found = TrainingCompletion(volunteer_id=volunteer.id, course_id=course_.id, completed_on=on,
                               valid_until=training.valid_until(course_, on))
    db.session.add(found)
    db.session.flush()
    return found


@pytest.mark.parametrize(("done", "months", "until"), [
    (date(2025, 1, 15), 24, date(2027, 1, 15)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),  # no 31 February: the month's last day
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2025, 12, 1), 1, date(2026, 1, 1)),
])
def test_a_completion_is_valid_for_the_courses_months_as_civil_law_counts(done, months,
                                                                          until):
    assert training.valid_until(TrainingCourse(name="x", validity_months=months), done) == until


def test_a_course_without_validity_never_expires():
    assert training.valid_until(TrainingCourse(name="x", validity_months=None), TODAY) is None


def test_a_required_training_blocks_activation_and_is_named(users):
    volunteer = VolunteerFactory(status=VolunteerStatus.TRAINING, help_kinds="tutoring")
    give_records(volunteer, adult_basics())
    course(name="Standardy ochrony małoletnich")
    with pytest.raises(DomainError) as refused:
        profiles.move_volunteer(volunteer, VolunteerStatus.ACTIVE, users[Role.COORDINATOR], TODAY)
    assert "Standardy ochrony małoletnich" in refused.value.message


def test_a_valid_completion_lets_the_volunteer_be_activated(users):
    volunteer = VolunteerFactory(status=VolunteerStatus.TRAINING, help_kinds="tutoring")
    give_records(volunteer, adult_basics())
    completed(volunteer, course(), TODAY - timedelta(days=10))
    profiles.move_volunteer(volunteer, VolunteerStatus.ACTIVE, users[Role.COORDINATOR], TODAY)
    assert volunteer.status == VolunteerStatus.ACTIVE


def test_an_expired_training_blocks_and_one_ending_soon_warns(users):
    volunteer = VolunteerFactory(help_kinds="tutoring,senior")
    expired = course(name="A", required_for="tutoring", months=12)
    ending = course(name="B", required_for="senior", months=12)
    completed(volunteer, expired, TODAY - timedelta(days=400))
    completed(volunteer, ending, TODAY - timedelta(days=350))
    items = {i.course.name: i for i in training_items(
        volunteer, [expired, ending], training.completions_of(volunteer), TODAY)}
    assert items["A"].state == State.MISSING and items["A"].blocks_activation
    assert items["B"].state == State.EXPIRING and not items["B"].blocks_activation


def test_courses_for_other_help_or_out_of_use_are_not_required(app):
    volunteer = VolunteerFactory(help_kinds="senior")
    other = course(required_for="tutoring")
    retired = course(required_for="senior", active=False)
    assert training_items(volunteer, [other, retired], [], TODAY) == []


def test_attending_completes_the_course_and_absent_takes_it_back(users):
    volunteer = VolunteerFactory(help_kinds="tutoring")
    found = session_of(course(months=24))
    coordinator = users[Role.COORDINATOR]
    training.enrol(found, volunteer, coordinator, NOW)
    training.record_attendance(found, volunteer, True, coordinator, NOW)
    training.record_attendance(found, volunteer, True, coordinator, NOW)  # a second tap
    completions = list(db.session.scalars(select(TrainingCompletion)))
    assert len(completions) == 1
    day = to_local(found.starts_at).date()
    assert completions[0].completed_on == day
    assert completions[0].valid_until == training.valid_until(found.course, day)
    training.record_attendance(found, volunteer, False, coordinator, NOW)
    assert db.session.scalar(select(func.count()).select_from(TrainingCompletion)) == 0


def test_attendance_waits_for_the_session_to_start(users):
    volunteer = VolunteerFactory()
    found = session_of(course(), starts_at=NOW + timedelta(days=2))
    training.enrol(found, volunteer, users[Role.COORDINATOR], NOW)
    with pytest.raises(DomainError):
        training.record_attendance(found, volunteer, True, users[Role.COORDINATOR], NOW)


def test_enrolment_is_kept_once_and_refused_when_full(users):
    found = session_of(course(), capacity=1)
    first, second = VolunteerFactory(), VolunteerFactory()
    coordinator = users[Role.COORDINATOR]
    training.enrol(found, first, coordinator, NOW)
    training.enrol(found, first, coordinator, NOW)
    assert db.session.scalar(select(func.count()).select_from(TrainingEnrolment)) == 1
    with pytest.raises(DomainError) as refused:
        training.enrol(found, second, coordinator, NOW)
    assert refused.value.message == gettext("This session is full.")


def test_a_volunteer_cannot_join_or_leave_a_session_that_started(users):
    found = session_of(course(), starts_at=NOW - timedelta(minutes=5))
    volunteer = VolunteerFactory()
    with pytest.raises(DomainError):
        training.enrol(found, volunteer, users[Role.VOLUNTEER], NOW, own=True)
    training.enrol(found, volunteer, users[Role.COORDINATOR], NOW)
    with pytest.raises(DomainError):
        training.withdraw(found, volunteer, users[Role.VOLUNTEER], NOW, own=True)


def test_someone_who_left_cannot_be_enrolled(users):
    found = session_of(course())
    with pytest.raises(DomainError):
        training.enrol(found, VolunteerFactory(status=VolunteerStatus.LEFT),
                       users[Role.COORDINATOR], NOW)


def test_absent_is_refused_once_a_certificate_was_issued(users):
    volunteer = VolunteerFactory()
    found = session_of(course())
    coordinator = users[Role.COORDINATOR]
    training.enrol(found, volunteer, coordinator, NOW)
    training.record_attendance(found, volunteer, True, coordinator, NOW)
    completion = db.session.scalar(select(TrainingCompletion))
    completion.volunteer = volunteer
    completion.course = found.course
    documents.training_certificate(completion, coordinator)
    with pytest.raises(DomainError):
        training.record_attendance(found, volunteer, False, coordinator, NOW)
    assert db.session.scalar(select(func.count()).select_from(TrainingCompletion)) == 1


def test_a_certificate_issued_meanwhile_is_the_one_given_not_a_second(users, monkeypatch):
    """Two taps: the second finds none issued, and while its PDF is drawn the first is
    stored; the database keeps one certificate a completion, and the second gets it."""
    volunteer = VolunteerFactory()
    found = session_of(course())
    coordinator = users[Role.COORDINATOR]
    training.enrol(found, volunteer, coordinator, NOW)
    training.record_attendance(found, volunteer, True, coordinator, NOW)
    completion = db.session.scalar(select(TrainingCompletion))
    draw = documents.render_pdf
    first = []

    def drawn_while_the_first_is_stored(*args, **kwargs):
        if not first:
            first.append(VolunteerDocument(
                volunteer_id=volunteer.id, kind=DocumentKind.TRAINING_CERTIFICATE,
                issued_on=NOW.date(), completion_id=completion.id, pdf=b"%PDF-first"))
            db.session.add(first[0])
            db.session.flush()
        return draw(*args, **kwargs)
    monkeypatch.setattr(documents, "render_pdf", drawn_while_the_first_is_stored)
    given = documents.training_certificate(completion, coordinator)
    assert given.id == first[0].id
    assert db.session.scalar(select(func.count()).select_from(VolunteerDocument)) == 1


def test_a_sessions_date_stays_once_attendance_is_recorded(users):
    volunteer = VolunteerFactory()
    found = session_of(course())
    coordinator = users[Role.COORDINATOR]
    training.enrol(found, volunteer, coordinator, NOW)
    training.record_attendance(found, volunteer, True, coordinator, NOW)
    data = {"starts_at": found.starts_at - timedelta(days=1), "place": "sala 1",
            "trainer": "B", "capacity": 10}
    with pytest.raises(DomainError) as refused:
        training.save_session(found.course, found, data, coordinator)
    assert refused.value.field == "day"
    training.save_session(found.course, found, {**data, "starts_at": found.starts_at},
                          coordinator)
    assert found.place == "sala 1"


def test_recorded_attendance_is_changed_not_withdrawn(users):
    volunteer = VolunteerFactory()
    found = session_of(course())
    training.enrol(found, volunteer, users[Role.COORDINATOR], NOW)
    training.record_attendance(found, volunteer, False, users[Role.COORDINATOR], NOW)
    with pytest.raises(DomainError):
        training.withdraw(found, volunteer, users[Role.COORDINATOR], NOW)


def test_the_expiring_list_names_required_trainings_ending_within_30_days(app):
    soon = VolunteerFactory(last_name="Soon", help_kinds="tutoring")
    fine = VolunteerFactory(last_name="Fine", help_kinds="tutoring")
    unrequired = VolunteerFactory(last_name="Other", help_kinds="senior")
    gone = VolunteerFactory(last_name="Gone", help_kinds="tutoring", status=VolunteerStatus.LEFT)
    required = course(months=12)
    for volunteer in (soon, unrequired, gone):
        completed(volunteer, required, TODAY - timedelta(days=350))
    completed(fine, required, TODAY - timedelta(days=30))
    rows = training.expiring_trainings(TODAY)
    assert [(v.last_name, c.id) for v, c, _completion in rows] == [("Soon", required.id)]


# Pages ----------------------------------------------------------------------------------

def test_a_coordinator_creates_a_course_and_a_session(client_as):
    client = client_as(Role.COORDINATOR)
    sent = client.post("/volunteers/trainings/new", data={
        "name": "Asystowanie osobie z niepełnosprawnością", "required_for": ["disability"],
        "validity_months": "36", "active": "y", "description": "program"})
    assert sent.status_code == 302
    found = db.session.scalar(select(TrainingCourse))
    assert found.required_kinds() == {"disability"} and found.validity_months == 36
    day = TODAY + timedelta(days=7)
    sent = client.post(f"/volunteers/trainings/{found.id}/sessions/new", data={
        "day": day.isoformat(), "start": "17:30", "place": "sala 12", "trainer": "A. Nowak",
        "capacity": "12"})
    assert sent.status_code == 302
    created = db.session.scalar(select(TrainingSession))
    assert created.starts_at == local_to_utc(day, time(17, 30))
    assert "sala 12" in client.get("/volunteers/trainings").text


def test_a_course_needs_a_name(client_as):
    sent = client_as(Role.COORDINATOR).post("/volunteers/trainings/new",
                                            data={"name": "  ", "validity_months": "abc"})
    assert sent.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(TrainingCourse)) == 0


def test_enrolment_and_attendance_refresh_only_the_list(client_as):
    volunteer = VolunteerFactory(last_name="Zielińska", help_kinds="tutoring")
    found = session_of(course())
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/volunteers/trainings/sessions/{found.id}")
    assert "Zielińska" in page.text  # offered first: the course is required for her
    url = f"/volunteers/trainings/sessions/{found.id}"
    enrolled = client.post(url + "/enrol", data={"volunteer_id": volunteer.id}, headers=PEOPLE)
    assert enrolled.status_code == 200 and "<html" not in enrolled.text
    tapped = client.post(url + "/attendance", data={"volunteer_id": volunteer.id,
                                                    "attended": "1"}, headers=PEOPLE)
    assert tapped.status_code == 200 and 'aria-pressed="true"' in tapped.text
    assert db.session.scalar(select(func.count()).select_from(TrainingCompletion)) == 1


def test_a_refused_change_answers_422_with_the_reason(client_as):
    volunteer = VolunteerFactory()
    found = session_of(course(), starts_at=NOW + timedelta(days=3))
    db.session.commit()
    refused = client_as(Role.COORDINATOR).post(
        f"/volunteers/trainings/sessions/{found.id}/attendance",
        data={"volunteer_id": volunteer.id, "attended": "1"}, headers=PEOPLE)
    assert refused.status_code == 422 and 'role="alert"' in refused.text


def test_the_volunteer_sees_what_is_required_and_signs_up_from_the_phone(client_as, users):
    volunteer = VolunteerFactory(user_id=users[Role.VOLUNTEER].id, help_kinds="tutoring")
    required = course(name="Standardy ochrony małoletnich")
    upcoming = session_of(required, starts_at=NOW + timedelta(days=5))
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get("/volunteers/me/trainings")
    assert page.status_code == 200
    assert page.text.count("Standardy ochrony małoletnich") >= 2  # required, and a session
    assert client.post(f"/volunteers/me/trainings/{upcoming.id}/enrol").status_code == 302
    assert db.session.scalar(select(TrainingEnrolment.volunteer_id)) == volunteer.id
    assert client.post(f"/volunteers/me/trainings/{upcoming.id}/withdraw").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(TrainingEnrolment)) == 0


def test_training_certificates_are_issued_once_and_only_to_their_owner(client_as, users):
    mine = VolunteerFactory(user_id=users[Role.VOLUNTEER].id, first_name="Kacper",
                            last_name="Lewandowski")
    other = VolunteerFactory()
    done = date(2026, 3, 14)
    own = completed(mine, course(name="Pierwsza pomoc"), done)
    theirs = completed(other, course(name="Inny kurs"), done)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    first = client.post(f"/volunteers/me/trainings/completions/{own.id}/certificate")
    again = client.post(f"/volunteers/me/trainings/completions/{own.id}/certificate")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    pdf = client.get(first.headers["Location"])
    text = text_of(pdf.data)
    assert "Kacper Lewandowski" in text and "Pierwsza pomoc" in text and "14.03.2026" in text
    assert db.session.scalar(select(func.count()).select_from(VolunteerDocument)) == 1
    assert client.post(f"/volunteers/me/trainings/completions/{theirs.id}/certificate"
                       ).status_code == 404


def test_a_coordinator_records_a_training_done_elsewhere(client_as):
    volunteer = VolunteerFactory()
    found = course(months=24)
    db.session.commit()
    sent = client_as(Role.COORDINATOR).post(f"/volunteers/{volunteer.id}/trainings/new", data={
        "course_id": found.id, "completed_on": (TODAY - timedelta(days=3)).isoformat(),
        "note": "PCK, nr 123"})
    assert sent.status_code == 302
    completion = db.session.scalar(select(TrainingCompletion))
    assert completion.valid_until == training.valid_until(found, TODAY - timedelta(days=3))


def test_training_pages_keep_to_the_query_budget(client_as, users, count_queries):
    client = client_as(Role.COORDINATOR)
    required = course()
    found = session_of(required)
    volunteer_client = client_as(Role.VOLUNTEER)
    VolunteerFactory(user_id=users[Role.VOLUNTEER].id, help_kinds="tutoring")

    def add(n):
        for _ in range(n):
            volunteer = VolunteerFactory(help_kinds="tutoring")
            training.enrol(found, volunteer, users[Role.COORDINATOR], NOW)
            completed(volunteer, required, TODAY - timedelta(days=700))
            session_of(required, starts_at=NOW + timedelta(days=3))
        db.session.commit()

    pages = [(client, "/volunteers/trainings"), (client, f"/volunteers/trainings/{required.id}"),
             (client, f"/volunteers/trainings/sessions/{found.id}"),
             (volunteer_client, "/volunteers/me/trainings")]
    add(1)
    counts = {}
    for who, path in pages:
        who.get(path)
        with count_queries() as few:
            assert who.get(path).status_code == 200
        counts[path] = len(few)
    add(8)
    found.capacity = 50
    db.session.commit()
    for who, path in pages:
        with count_queries() as many:
            assert who.get(path).status_code == 200
        assert len(many) == counts[path] <= 10, (path, many)


def test_the_volunteer_page_keeps_to_the_query_budget(client_as, users, count_queries):
    volunteer = VolunteerFactory(help_kinds="tutoring,senior", works_with_children=True)
    give_records(volunteer, adult_basics()[:1])  # one of each kind of row to start with
    completed(volunteer, course(required_for="tutoring"), TODAY)
    documents.issue_document(volunteer, "info_sheet", {}, users[Role.COORDINATOR])
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    path = f"/volunteers/{volunteer.id}"
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    give_records(volunteer, adult_basics()[1:])
    for n in range(4):
        done = completed(volunteer, course(name=f"K{n}", required_for="senior"), TODAY)
        documents.issue_document(volunteer, "info_sheet", {}, users[Role.COORDINATOR])
        assert done.id
    db.session.commit()
    with count_queries() as many:
        assert client.get(path).status_code == 200
    assert len(few) == len(many) <= 10, '\n'.join(many)


def test_session_times_are_shown_in_warsaw_time(client_as):
    found = session_of(course(), starts_at=datetime(2026, 7, 1, 15, 0))  # 17:00 in summer
    db.session.commit()
    assert "17:00" in client_as(Role.COORDINATOR).get(
        f"/volunteers/trainings/sessions/{found.id}").text


def test_the_migration_keeps_the_first_certificate_of_a_training_linked(empty_database):
    """Certificates issued twice before the database kept them once: the first stays the
    completion's, the later ones stay as documents, unlinked."""
    from alembic import command

    app = create_app(config_for_tests(empty_database))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "e1b7c4d20a96")
        engine = sa.create_engine(empty_database)
        with engine.begin() as connection:
            tables = sa.MetaData()
            tables.reflect(connection, only=["volunteers", "training_courses",
                                             "training_completions", "volunteer_documents"])
            for name in ("volunteers", "training_courses"):
                connection.execute(tables.tables[name].insert(),
                                   row_of(tables.tables[name], id=1))
            completions = tables.tables["training_completions"]
            connection.execute(completions.insert(), [
                row_of(completions, id=n, volunteer_id=1, course_id=1) for n in (1, 2)])
            documents_table = tables.tables["volunteer_documents"]
            connection.execute(documents_table.insert(), [row_of(
                documents_table, id=n, volunteer_id=1, completion_id=completion, pdf=b"%PDF")
                for n, completion in ((1, 1), (2, 1), (3, 2), (4, 1))])
        command.upgrade(config, "f2c9d4e7a813")
        with engine.connect() as connection:
            assert connection.execute(sa.text(
                "SELECT id, completion_id FROM volunteer_documents ORDER BY id")).all() == [
                (1, 1), (2, None), (3, 2), (4, None)]
        command.downgrade(config, "e1b7c4d20a96")
        engine.dispose()
        db.engine.dispose()

"""Projects: computed indicators against hand counts (each person once), budget sums
and flat-rate indirect costs, age at entry and the ESF+ indicator table on edge dates,
the participant export, deadlines reminded 14, 7 and 1 day before, and who sees what."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today, utcnow
from cal.extensions import db
from cal.notifications.models import Channel, Notification
from cal.people.models import Person
from cal.projects import budgets, eu_participants, indicators, services
from cal.projects import jobs as project_jobs
from cal.projects.models import (
    BudgetLine,
    Deadline,
    DeadlineKind,
    Expense,
    Indicator,
    Project,
    Source,
    project_courses,
    project_groups,
)
from cal.projects.participant_models import (
    Answer,
    Degurba,
    Education,
    LabourDetail,
    LabourStatus,
    Participant,
    Sex,
)
from clubs import attendance
from clubs import services as clubs
from clubs.models import (
    Attendance,
    Group,
    GroupKind,
    GroupLeader,
    GroupSession,
    Mark,
    SessionStatus,
)
from tests.clubs.test_groups import session_on
from tests.conftest import password_hash
from tests.factories import HouseholdFactory, PersonFactory, VolunteerFactory
from tests.projects.participants import participant_data
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import HelpKind
from volunteers.needs.models import HelpRequest, Match, MatchStatus, RequestStatus
from volunteers.training.models import TrainingCompletion, TrainingCourse, TrainingSession

START, END = date(2026, 1, 1), date(2026, 12, 31)
TODAY = date(2026, 11, 23)


def project(users, **changes) -> Project:
    data = {"name": "Aktywni razem", "funder": "eu", "programme": "FEW", "call_number": "",
            "agreement_number": "", "starts_on": START, "ends_on": END, "value_gr": 10_000_000,
            "share_eu": 8500, "share_national": 1000, "share_own": 500,
            "settlement": "real_costs", "indirect_rate": 2500, "status": "running",
            "manager_id": users[Role.PROJECT_MANAGER].id,
            "help_kinds": "tutoring", "monitors_participants": True, **changes}
    return services.save_project(None, data, changes.pop("groups", []), [],
                                 users[Role.ADMIN])  # its links hold at once


def group(name: str) -> Group:
    made = Group(name=name, kind=GroupKind.SUPPORT, starts_on=START)
    db.session.add(made)
    db.session.flush()
    return made


def session(of: Group, day: date, status=SessionStatus.PLANNED) -> GroupSession:
    at = local_to_utc(day, time(17))
    made = GroupSession(group_id=of.id, planned_at=at, starts_at=at,
                        ends_at=at + timedelta(hours=2), status=status)
    db.session.add(made)
    db.session.flush()
    return made


def mark(at: GroupSession, person, value=Mark.PRESENT) -> None:
    db.session.add(Attendance(session_id=at.id, person_id=person.id, mark=value))


def link(p: Project, groups=(), courses=()) -> None:
    if groups:
        db.session.execute(insert(project_groups), [
            {"project_id": p.id, "group_id": g.id} for g in groups])
    if courses:
        db.session.execute(insert(project_courses), [
            {"project_id": p.id, "course_id": c.id} for c in courses])


def values(p: Project, today=TODAY) -> dict[Source, float]:
    return {state.indicator.source: state.value for state in indicators.indicators_of(p, today)}


def add_indicators(p: Project, *sources: Source) -> None:
    for source in sources:
        db.session.add(Indicator(project_id=p.id, name=source.value, unit="", target=10,
                                 source=source))
    db.session.flush()


def test_computed_indicators_equal_hand_counts_each_person_once(app, users):
    p = project(users)
    one, two, other = group("Wsparcie"), group("Samopomoc"), group("Niepowiązana")
    course = TrainingCourse(name="Praca z dzieckiem", required_for="tutoring", validity_months=24)
    other_course = TrainingCourse(name="Pierwsza pomoc", required_for="", validity_months=24)
    db.session.add_all([course, other_course])
    db.session.flush()
    link(p, groups=[one, two], courses=[course])
    add_indicators(p, *[s for s in Source if s != Source.MANUAL])
    ala, ola, ewa, jan = (PersonFactory(first_name=n) for n in ("Ala", "Ola", "Ewa", "Jan"))
    # Ala attends both linked groups: one participant. Ola attends one. Ewa is only absent.
    # Jan is present only in a group of no project.
    s1, s2, s3 = session(one, date(2026, 3, 2)), session(one, date(2026, 4, 6)), session(
        two, date(2026, 4, 7))
    cancelled = session(two, date(2026, 5, 5), SessionStatus.CANCELLED)
    before = session(one, date(2025, 12, 1))  # before the project
    ahead = session(one, date(2026, 12, 1))  # after "today"
    for at, person, value in ((s1, ala, Mark.PRESENT), (s2, ala, Mark.PRESENT),
                              (s3, ala, Mark.PRESENT), (s3, ola, Mark.PRESENT),
                              (s2, ewa, Mark.ABSENT), (cancelled, ewa, Mark.PRESENT),
                              (before, ewa, Mark.PRESENT), (ahead, ewa, Mark.PRESENT)):
        mark(at, person, value)
    mark(session(other, date(2026, 3, 3)), jan)
    # Help through matches: Zosia (tutoring), a household of two (tutoring), a senior
    # (another kind), and a match that ended before the project began.
    zosia = PersonFactory(first_name="Zosia")
    home = HouseholdFactory()
    PersonFactory(household=home), PersonFactory(household=home)
    senior = PersonFactory(first_name="Irena")
    volunteer = VolunteerFactory()
    matches = []
    for person_id, household_id, kind, started, ended in (
            (zosia.id, None, HelpKind.TUTORING, date(2025, 10, 1), None),
            (None, home.id, HelpKind.TUTORING, date(2026, 2, 1), None),
            (senior.id, None, HelpKind.SENIOR, date(2026, 2, 1), None),
            (PersonFactory().id, None, HelpKind.TUTORING, date(2025, 1, 1), date(2025, 6, 1))):
        request = HelpRequest(person_id=person_id, household_id=household_id, kind=kind,
                              starts_on=started, status=RequestStatus.MATCHED)
        db.session.add(request)
        db.session.flush()
        match = Match(request_id=request.id, volunteer_id=volunteer.id, score=80,
                      status=MatchStatus.ENDED if ended else MatchStatus.ACTIVE,
                      started_on=started, ended_on=ended)
        db.session.add(match)
        db.session.flush()
        matches.append(match)
    training = TrainingSession(course_id=course.id, starts_at=local_to_utc(date(2026, 5, 1),
                                                                           time(10)),
                               place="Sala", capacity=10)
    db.session.add(training)
    db.session.flush()
    for n, (activity, kind, session_id, minutes, status, day) in enumerate((
            (Activity.MATCH, HelpKind.TUTORING, None, 90, EntryStatus.APPROVED, date(2026, 3, 1)),
            (Activity.MATCH, HelpKind.TUTORING, None, 60, EntryStatus.APPROVED, date(2026, 4, 1)),
            (Activity.MATCH, HelpKind.TUTORING, None, 60, EntryStatus.PENDING, date(2026, 4, 2)),
            (Activity.MATCH, HelpKind.SENIOR, None, 120, EntryStatus.APPROVED, date(2026, 4, 3)),
            (Activity.TRAINING, None, training.id, 180, EntryStatus.APPROVED, date(2026, 5, 1)),
            (Activity.MATCH, HelpKind.TUTORING, None, 60, EntryStatus.APPROVED,
             date(2025, 12, 30)))):
        db.session.add(HourEntry(volunteer_id=volunteer.id, key=f"k{n}", activity=activity,
                                 help_kind=kind, session_id=session_id, minutes=minutes,
                                 status=status, worked_on=day,
                                 match_id=matches[0].id if activity == Activity.MATCH else None))
    trained, twice = VolunteerFactory(), VolunteerFactory()
    for who, which, day in ((trained, course, date(2026, 5, 1)), (twice, course, date(2026, 5, 1)),
                            (twice, course, date(2026, 9, 1)),
                            (VolunteerFactory(), other_course, date(2026, 5, 1)),
                            (VolunteerFactory(), course, date(2025, 11, 1))):
        db.session.add(TrainingCompletion(volunteer_id=who.id, course_id=which.id,
                                          completed_on=day))
    db.session.commit()

    assert values(p) == {
        Source.PARTICIPANTS: 2,  # Ala (in both groups) and Ola
        Source.SESSIONS: 3,  # s1, s2 (Ala present), s3
        Source.HOURS: 5.5,  # 1.5 + 1 tutoring, 3 training
        Source.VOLUNTEERS_TRAINED: 2,  # each volunteer once
        Source.PEOPLE_HELPED: 3,  # Zosia and the household's two
        Source.EVENT_PARTICIPANTS: 0,  # no event linked (tests/community counts them)
    }
    drill = indicators.counted_records(p, db.session.scalar(select(Indicator).where(
        Indicator.source == Source.PARTICIPANTS)), TODAY)
    assert sorted(r["name"].split()[0] for r in drill) == ["Ala", "Ola"]
    assert [r["day"] for r in drill if r["name"].startswith("Ala")] == [date(2026, 3, 2)]
    # The series by month ends at today's value.
    states = indicators.indicators_of(p, TODAY)
    assert all(s.series[-1][1] == s.value for s in states)
    assert len(states[0].series) == 11  # January to November


def test_indicators_move_as_attendance_is_taken_once_counted(client_as, users):
    p = project(users)
    g = clubs.save_group(None, {"name": "Wsparcie", "kind": GroupKind.SUPPORT,
                                "description": "", "place": "", "capacity": 10,
                                "starts_on": local_today() - timedelta(days=7), "ends_on": None},
                         [clubs.Slot(local_today().weekday(), time(0, 5), time(23, 55))],
                         [users[Role.LEADER].id], users[Role.COORDINATOR])
    p.starts_on, p.ends_on = local_today() - timedelta(days=30), local_today() + timedelta(days=30)
    link(p, groups=[g])
    add_indicators(p, Source.PARTICIPANTS)
    person = PersonFactory(first_name="Halina")
    clubs.enrol(g, person, users[Role.COORDINATOR], local_today())
    today_session = session_on(g, local_today(), time(0, 5), time(23, 55))
    db.session.commit()
    manager = client_as(Role.PROJECT_MANAGER)
    # Never counted yet: the page counts it.
    assert "<strong>0</strong> / 10" in manager.get(f"/projects/{p.id}").text
    indicators.refresh_last_values([p], local_today(), utcnow())
    db.session.commit()
    attendance.set_mark(today_session.id, person.id, Mark.PRESENT, users[Role.LEADER],
                        local_today())
    db.session.commit()
    # The page shows the last count, and says when it was made ...
    page = manager.get(f"/projects/{p.id}").text
    assert "<strong>0</strong> / 10" in page and "policzono" in page
    # ... until the manager counts now, or the scans of the quarter of an hour do.
    answer = manager.post(f"/projects/{p.id}/indicators/count")
    assert answer.status_code == 302
    assert "<strong>1</strong> / 10" in manager.get(f"/projects/{p.id}").text
    attendance.set_mark(today_session.id, person.id, Mark.ABSENT, users[Role.LEADER], local_today())
    db.session.commit()
    project_jobs.refresh_indicators(utcnow())
    db.session.commit()
    assert "<strong>0</strong> / 10" in manager.get(f"/projects/{p.id}").text
    assert client_as(Role.COORDINATOR).post(
        f"/projects/{p.id}/indicators/count").status_code == 403


def test_budget_execution_sums_and_flat_rate_indirect_costs(app, users):
    p = project(users)
    manager = users[Role.PROJECT_MANAGER]
    staff = budgets.add_line(p, "Zadanie 1", "personel", "Prowadzący", 1_000_000, manager)
    books = budgets.add_line(p, "Zadanie 1", "materiały", "Książki", 200_001, manager)
    rent = budgets.add_line(p, "Zadanie 2", "usługi", "Sala", 300_000, manager)
    for line, amount in ((staff, 400_000), (staff, 350_000), (books, 250_000), (rent, 1)):
        budgets.add_expense(p, line.id, date(2026, 3, 1), amount, "FV/1", "", manager)
    with pytest.raises(DomainError):
        budgets.add_expense(p, rent.id, date(2027, 1, 1), 100, "FV/2", "", manager)
    budget = budgets.budget_of(p)
    assert [(t.task, t.planned, t.spent) for t in budget.tasks] == [
        ("Zadanie 1", 1_200_001, 1_000_000), ("Zadanie 2", 300_000, 1)]
    assert [r.line.name for r in budget.over_lines] == ["Książki"]
    assert budget.direct_planned == 1_500_001 and budget.direct_spent == 1_000_001
    # 25 % of 15 000,01 zł is 3 750,0025 zł: 3 750,00 zł; of 10 000,01 zł: 2 500,00 zł
    assert budget.indirect_planned == 375_000 and budget.indirect_spent == 250_000
    assert budgets.flat_rate(2, 2500) == 1  # half a grosz rounds up
    assert budget.total_spent == 1_250_001
    assert indicators.overview([p])[p.id]["spent"] == 1_250_001


@pytest.mark.parametrize(("birth", "start", "age"), [
    (date(2008, 3, 15), date(2026, 3, 15), 18),  # the 18th birthday on the first day
    (date(2008, 3, 16), date(2026, 3, 15), 17),  # a day short
    (date(2008, 2, 29), date(2026, 2, 28), 17),  # born on 29 February
    (date(2008, 2, 29), date(2026, 3, 1), 18),
    (date(1971, 6, 30), date(2026, 6, 30), 55),
])
def test_age_at_entry_on_edge_dates(birth, start, age):
    person = PersonFactory.build(birth_date=birth)
    assert eu_participants.age_at_entry(Participant(person=person, started_on=start)) == age


def participant(p, users, birth, sex=Sex.FEMALE, start=date(2026, 3, 15), **changes):
    person = PersonFactory(birth_date=birth)
    data = participant_data(birth, sex, start, **changes)
    return eu_participants.save_participant(p, None, person, data, birth, users[Role.ADMIN])


def test_the_indicator_table_counts_each_participant_once_by_sex(app, users):
    p = project(users)
    participant(p, users, date(2008, 3, 16))  # 17 at entry
    participant(p, users, date(2008, 3, 15), Sex.MALE,
                labour_status=LabourStatus.UNEMPLOYED_REGISTERED,
                labour_detail=LabourDetail.LONG_TERM, education=Education.ISCED_2,
                disability=Answer.YES)  # 18
    participant(p, users, date(1996, 3, 15), labour_status=LabourStatus.UNEMPLOYED_UNREGISTERED,
                labour_detail=LabourDetail.OTHER, degurba=Degurba.RURAL,
                homeless=Answer.REFUSED)  # 30
    participant(p, users, date(1971, 3, 15), Sex.MALE, labour_status=LabourStatus.EMPLOYED,
                labour_detail=LabourDetail.SME, education=Education.ISCED_7)  # 55
    again = db.session.get(Person, db.session.scalar(
        select(Participant.person_id).order_by(Participant.id)))
    with pytest.raises(DomainError, match="już uczestnikiem"):
        eu_participants.save_participant(
            p, None, again, participant_data(again.birth_date, start=date(2026, 4, 1)),
            again.birth_date, users[Role.ADMIN])
    db.session.commit()
    table = {line.label: (line.women, line.men)
             for line in eu_participants.common_indicators(eu_participants.participants_of(p))}
    assert table["Uczestnicy ogółem"] == (2, 2)
    assert table["Poniżej 18 lat"] == (1, 0)
    assert table["W wieku 18–29 lat"] == (0, 1)
    assert table["W wieku 55 lat i więcej"] == (0, 1)
    assert table["Bezrobotni, w tym długotrwale bezrobotni"] == (1, 1)
    assert table["Osoby długotrwale bezrobotne"] == (0, 1)
    assert table["Osoby bierne zawodowo"] == (1, 0)
    assert table["Z wykształceniem co najwyżej gimnazjalnym (ISCED 0–2)"] == (0, 1)
    assert table["Osoby z niepełnosprawnościami"] == (0, 1)
    assert table["Z obszarów wiejskich"] == (1, 0)
    assert table["Odmówili odpowiedzi na co najmniej jedno pytanie"] == (1, 0)


def test_the_participant_export_opens_and_is_for_the_manager_and_admins_only(
        client_as, users, app):
    p = project(users)
    participant(p, users, date(1990, 5, 1))
    participant(p, users, date(1950, 5, 1), Sex.MALE)
    other_manager = User(email="pm2@test.local", full_name="Drugi Kierownik",
                         role=Role.PROJECT_MANAGER, password_hash=password_hash())
    db.session.add(other_manager)
    db.session.commit()
    response = client_as(Role.PROJECT_MANAGER).get(f"/projects/{p.id}/participants.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:6] == ["Lp.", "Imię", "Nazwisko", "Płeć", "Data urodzenia",
                           "Wiek przy przystąpieniu"]
    assert [r[5] for r in rows[1:3]] == [35, 75]
    assert ["Uczestnicy ogółem", 1, 1, 0, 2] in [r[:5] for r in rows]
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "export", AuditLog.entity == "participants")) == 1
    assert client_as(Role.ADMIN).get(f"/projects/{p.id}/participants").status_code == 200
    assert client_as(Role.COORDINATOR).get(
        f"/projects/{p.id}/participants.xlsx").status_code == 403
    from tests.conftest import log_in

    stranger = app.test_client()
    log_in(stranger, other_manager)
    assert stranger.get(f"/projects/{p.id}/participants.xlsx").status_code == 403
    assert stranger.get(f"/projects/{p.id}").status_code == 200  # manages, sees no people


def test_coordinators_and_leaders_see_the_indicators_of_their_projects_only(client_as, users):
    led = group("Prowadzona")
    db.session.add(GroupLeader(group_id=led.id, user_id=users[Role.LEADER].id))
    mine = project(users, name="Z grupą lidera")
    link(mine, groups=[led])
    theirs = project(users, name="Bez powiązań", help_kinds="")
    budgets.add_line(theirs, "Zadanie 1", "", "Sala", 100_000, users[Role.PROJECT_MANAGER])
    db.session.commit()
    leader = client_as(Role.LEADER)
    page = leader.get("/projects/").text
    assert "Z grupą lidera" in page and "Bez powiązań" not in page
    detail = leader.get(f"/projects/{mine.id}").text
    assert "Wskaźniki" in detail and "Budżet" not in detail
    assert leader.get(f"/projects/{theirs.id}").status_code == 404
    coordinator = client_as(Role.COORDINATOR)
    assert coordinator.get(f"/projects/{mine.id}").status_code == 200
    assert coordinator.get(f"/projects/{theirs.id}").status_code == 404
    assert client_as(Role.VOLUNTEER).get("/projects/").status_code == 403


def test_a_manager_sets_up_a_project_in_polish_and_records_expenses(client_as, users):
    client = client_as(Role.PROJECT_MANAGER)
    form = client.get("/projects/new").text
    key = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    data = {"once_key": key, "name": "Sąsiedzi razem", "funder": "city", "starts_on": "2026-01-01",
            "ends_on": "2025-12-31", "value_gr": "120 000,50 zł", "share_eu": "",
            "share_national": "", "share_own": "", "settlement": "real_costs",
            "indirect_rate": "15", "status": "running",
            "manager_id": str(users[Role.PROJECT_MANAGER].id)}
    refused = client.post("/projects/new", data=data)
    assert refused.status_code == 422
    assert "Projekt nie może skończyć się przed początkiem." in refused.text
    data["ends_on"], data["value_gr"] = "2026-12-31", "dużo"
    refused = client.post("/projects/new", data=data)
    assert "Podaj kwotę w złotych" in refused.text
    data["value_gr"] = "120 000,50 zł"
    assert client.post("/projects/new", data=data).status_code == 302
    assert client.post("/projects/new", data=data).status_code == 302  # a double tap
    p = db.session.scalar(select(Project))
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1
    assert (p.value_gr, p.indirect_rate) == (12_000_050, 1500)

    assert "Najpierw dodaj pozycję budżetu." in client.get(f"/projects/{p.id}/budget").text
    client.post(f"/projects/{p.id}/lines", data={
        "line-once_key": "line-key-000000000001", "line-task": "Zadanie 1",
        "line-category": "materiały", "line-name": "Farby", "line-planned": "100"})
    line = db.session.scalar(select(BudgetLine))
    assert line.planned_gr == 10_000
    outside = client.post(f"/projects/{p.id}/expenses", data={
        "expense-once_key": "expense-key-0000000001", "expense-line_id": str(line.id),
        "expense-spent_on": "2027-02-01", "expense-amount": "50",
        "expense-document_number": "FV/1"})
    assert outside.status_code == 422
    assert "Wydatek musi mieścić się w okresie realizacji projektu." in outside.text
    assert client.post(f"/projects/{p.id}/expenses", data={
        "expense-once_key": "expense-key-0000000002", "expense-line_id": str(line.id),
        "expense-spent_on": "2026-02-01", "expense-amount": "150,25",
        "expense-document_number": "FV/1"}).status_code == 302
    assert db.session.scalar(select(Expense.amount_gr)) == 15_025
    overview = client.get(f"/projects/{p.id}").text
    assert "Przekroczony plan: Farby" in overview
    sheet = load_workbook(io.BytesIO(client.get(f"/projects/{p.id}/budget.xlsx").data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert ["Zadanie 1", "materiały", "Farby", 100, 150.25, 150.2] in rows
    assert rows[-1][3:5] == [115, 172.79]  # 15 % indirect: 15,00 and 22,54 (22,5375)
    expense = db.session.scalar(select(Expense))
    assert client.post(f"/projects/{p.id}/expenses/{expense.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Expense)) == 0
    assert db.session.scalar(select(AuditLog.detail).where(
        AuditLog.action == "delete", AuditLog.entity == "expense")).endswith(
        "FV/1 15025 gr 2026-02-01")
    assert client.post(f"/projects/{p.id}/expenses/{expense.id}/delete").status_code == 404


def test_the_managers_start_page_shows_deadlines_and_projects(client_as, users):
    p = project(users, name="Aktywni razem")
    db.session.add_all([
        Deadline(project_id=p.id, kind=DeadlineKind.REPORT, title="Sprawozdanie kwartalne",
                 due_on=local_today() + timedelta(days=5)),
        Deadline(project_id=p.id, kind=DeadlineKind.REPORT, title="Odległe",
                 due_on=local_today() + timedelta(days=60))])
    db.session.commit()
    page = client_as(Role.PROJECT_MANAGER).get("/").text
    assert "Sprawozdanie kwartalne" in page and "Odległe" not in page
    assert "Aktywni razem" in page


@pytest.mark.parametrize("size", [1, 12])
def test_the_project_page_keeps_to_the_query_budget(client_as, users, count_queries, size):
    p = project(users)
    g = group("Wsparcie")
    link(p, groups=[g])
    add_indicators(p, *Source)
    for n in range(size):
        line = budgets.add_line(p, f"Zadanie {n % 3}", "", f"Pozycja {n}", 1000,
                                 users[Role.PROJECT_MANAGER])
        budgets.add_expense(p, line.id, date(2026, 3, 1), 500, f"FV/{n}", "",
                             users[Role.PROJECT_MANAGER])
        db.session.add(Deadline(project_id=p.id, kind=DeadlineKind.REPORT, title=f"T{n}",
                                due_on=date(2026, 12, 1)))
        mark(session(g, date(2026, 3, 2) + timedelta(days=7 * n)), PersonFactory())
    db.session.commit()
    client = client_as(Role.PROJECT_MANAGER)
    for path in (f"/projects/{p.id}", f"/projects/{p.id}/budget", "/projects/"):
        client.get(path)
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        assert len(queries) <= 10, (path, len(queries))


def test_project_deadlines_are_reminded_14_7_and_1_day_before(app, users):
    p = project(users)
    due = TODAY + timedelta(days=20)
    deadline = Deadline(project_id=p.id, kind=DeadlineKind.PAYMENT_CLAIM,
                        title="Wniosek o płatność", due_on=due)
    late = Deadline(project_id=p.id, kind=DeadlineKind.REPORT, title="Sprawozdanie",
                    due_on=TODAY + timedelta(days=3), owner_id=users[Role.ADMIN].id)
    done = Deadline(project_id=p.id, kind=DeadlineKind.REPORT, title="Złożone",
                    due_on=TODAY + timedelta(days=7), done_on=TODAY)
    db.session.add_all([deadline, late, done])
    db.session.commit()

    def reminded(day: date) -> list[tuple[str, int]]:
        project_jobs.project_deadlines(local_to_utc(day, time(9)))
        db.session.commit()
        return [(n.title, n.user_id) for n in db.session.scalars(
            select(Notification).where(Notification.kind == "project_deadline",
                                       Notification.channel == Channel.INAPP)
            .order_by(Notification.id))]

    manager, admin = users[Role.PROJECT_MANAGER].id, users[Role.ADMIN].id
    # Added three days before: only the nearest reminder, to its owner.
    assert reminded(TODAY) == [("Sprawozdanie: zostały 3 dni", admin)]
    assert len(reminded(due - timedelta(days=15))) == 1
    assert reminded(due - timedelta(days=14))[-1] == ("Wniosek o płatność: zostało 14 dni",
                                                      manager)
    assert len(reminded(due - timedelta(days=10))) == 2  # nothing new in between
    assert reminded(due - timedelta(days=7))[-1] == ("Wniosek o płatność: zostało 7 dni",
                                                     manager)
    assert reminded(due - timedelta(days=1))[-1] == ("Wniosek o płatność: został 1 dzień",
                                                     manager)
    assert len(reminded(due)) == 4 and len(reminded(due + timedelta(days=1))) == 4


def test_a_participant_needs_a_birth_date_from_the_record_or_the_form(app, users):
    p = project(users)
    person = PersonFactory(birth_date=None)
    data = participant_data(None, Sex.MALE, date(2026, 4, 1), identifier="FH123456",
                            disability=Answer.REFUSED)
    with pytest.raises(DomainError, match="kartoteka osoby jej nie ma"):
        eu_participants.save_participant(p, None, person, data, None, users[Role.ADMIN])
    saved = eu_participants.save_participant(p, None, person, data, date(1960, 1, 2),
                                             users[Role.ADMIN])
    assert person.birth_date == date(1960, 1, 2) and eu_participants.age_at_entry(saved) == 66
    with pytest.raises(DomainError, match="różni się"):
        eu_participants.save_participant(p, saved, person, data, date(1960, 1, 3),
                                         users[Role.ADMIN])


def test_only_the_manager_or_an_admin_hands_a_project_on(client_as, users, app):
    p = project(users)
    other = User(email="pm2@test.local", full_name="Drugi Kierownik",
                 role=Role.PROJECT_MANAGER, password_hash=password_hash())
    db.session.add(other)
    db.session.commit()
    from tests.conftest import log_in

    stranger = app.test_client()
    log_in(stranger, other)
    form = stranger.get(f"/projects/{p.id}/edit").text
    assert "Tylko kierownik projektu lub administrator" in form
    key = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    data = {"once_key": key, "name": p.name, "funder": "eu", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "value_gr": "300 000 000,00", "settlement": "real_costs",
            "indirect_rate": "25", "status": "running", "manager_id": str(other.id),
            "share_eu": "85", "share_national": "10", "share_own": "5",
            "monitors_participants": "y"}
    assert stranger.post(f"/projects/{p.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Project, p.id)
    assert saved.manager_id == users[Role.PROJECT_MANAGER].id  # not handed over
    assert saved.value_gr == 30_000_000_000  # 300 million złoty fits (BIGINT)
    assert stranger.get(f"/projects/{p.id}/participants").status_code == 403
    admin = client_as(Role.ADMIN)
    form = admin.get(f"/projects/{p.id}/edit").text
    data["once_key"] = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    assert admin.post(f"/projects/{p.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, p.id).manager_id == other.id
    assert db.session.scalar(select(AuditLog.detail).where(
        AuditLog.entity == "project", AuditLog.fields == "manager_id")) == (
        f"manager: {other.id}")


@pytest.mark.parametrize("size", [1, 12])
def test_the_participants_and_a_drill_down_keep_to_the_query_budget(
        client_as, users, count_queries, size):
    p = project(users)
    g = group("Wsparcie")
    link(p, groups=[g])
    add_indicators(p, Source.PARTICIPANTS)
    for n in range(size):
        person = participant(p, users, date(1980, 1, 1) + timedelta(days=n)).person_id
        mark(session(g, date(2026, 3, 2) + timedelta(days=7 * n)),
             db.session.get(Person, person))
    db.session.commit()
    indicator = db.session.scalar(select(Indicator.id))
    for role, path in ((Role.ADMIN, f"/projects/{p.id}/participants"),
                       (Role.COORDINATOR, f"/projects/{p.id}/indicators/{indicator}")):
        client = client_as(role)
        client.get(path)
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        assert len(queries) <= 10, (path, len(queries))


def test_a_birth_after_the_start_is_refused_and_closed_projects_are_not_reminded(
        app, users):
    p = project(users)
    with pytest.raises(DomainError, match="wcześniejsza niż początek udziału"):
        participant(p, users, date(2026, 4, 1), start=date(2026, 3, 15))
    db.session.rollback()
    closed = project(users, status="closed")
    db.session.add(Deadline(project_id=closed.id, kind=DeadlineKind.REPORT,
                            title="Zamknięty", due_on=TODAY + timedelta(days=1)))
    db.session.commit()
    assert project_jobs.project_deadlines(local_to_utc(TODAY, time(9))) == 0


def test_a_deadline_marked_done_twice_stays_done(client_as, users):
    p = project(users)
    deadline = Deadline(project_id=p.id, kind=DeadlineKind.REPORT, title="Sprawozdanie",
                        due_on=TODAY + timedelta(days=5))
    db.session.add(deadline)
    db.session.commit()
    client = client_as(Role.PROJECT_MANAGER)
    url = f"/projects/{p.id}/deadlines/{deadline.id}/done"
    for _ in range(2):  # a double tap, or a retry after a lost answer
        assert client.post(url, data={"done": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Deadline, deadline.id).done_on is not None
    assert client.post(url, data={}).status_code == 400
    client.post(url, data={"done": "0"})
    db.session.expire_all()
    assert db.session.get(Deadline, deadline.id).done_on is None


def test_a_required_select_starts_with_an_empty_placeholder(client_as, users):
    """HTML: a required select's first option, "—", must have an empty value (the
    expense's budget line and the EU participant's person once had "0")."""
    import re

    p = project(users)
    budgets.add_line(p, "Zadanie 1", "materiały", "Książki", 10_000, users[Role.ADMIN])
    db.session.commit()
    client = client_as(Role.ADMIN)
    for path in (f"/projects/{p.id}/budget", f"/projects/{p.id}/participants/new"):
        page = client.get(path).text
        selects = re.findall(r"<select[^>]*\brequired\b[^>]*>\s*<option[^>]*>", page)
        assert selects, path
        for opening in selects:
            assert 'value=""' in opening, (path, opening)


def test_a_manager_linking_every_activity_reaches_nobody_new_until_a_coordinator_confirms(
        client_as, users):
    """A project manager who links their project to every group and kind of help only
    proposes it: the participant form still offers the people of the confirmed links,
    each reading of that list is audited, and a coordinator's confirmation widens it."""
    p = project(users)  # linked to tutoring, confirmed
    ours, others = group("Nasza grupa"), group("Cudza grupa")
    link(p, groups=[ours])
    came = [PersonFactory(last_name=f"Nasz{n}") for n in range(3)]
    strangers = [PersonFactory(last_name=f"Obcy{n}") for n in range(4)]
    held, elsewhere = session(ours, date(2026, 3, 2)), session(others, date(2026, 3, 3))
    for person in came:
        mark(held, person)
    for person in strangers:
        mark(elsewhere, person)
    senior = PersonFactory(last_name="Seniorka")
    request = HelpRequest(person_id=senior.id, kind=HelpKind.SENIOR, starts_on=START,
                          status=RequestStatus.MATCHED)
    db.session.add(request)
    db.session.flush()
    db.session.add(Match(request_id=request.id, volunteer_id=VolunteerFactory().id, score=80,
                         status=MatchStatus.ACTIVE, started_on=date(2026, 2, 1)))
    db.session.commit()
    manager = client_as(Role.PROJECT_MANAGER)
    form = manager.get(f"/projects/{p.id}/edit").text
    key = form.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    assert manager.post(f"/projects/{p.id}/edit", data={
        "once_key": key, "name": p.name, "funder": "eu", "starts_on": "2026-01-01",
        "ends_on": "2026-12-31", "value_gr": "100 000", "settlement": "real_costs",
        "indirect_rate": "25", "status": "running", "share_eu": "85",
        "share_national": "10", "share_own": "5", "monitors_participants": "y",
        "manager_id": str(users[Role.PROJECT_MANAGER].id),
        "groups": [str(ours.id), str(others.id)],
        "help_kinds": ["tutoring", "senior", "disability"]}).status_code == 302

    def offered(client) -> set[str]:
        page = client.get(f"/projects/{p.id}/participants/new").text
        return {name for name in ["Seniorka"] + [x.last_name for x in came + strangers]
                if f">{name} " in page}

    assert offered(manager) == {x.last_name for x in came}
    reads = db.session.scalars(select(AuditLog).where(
        AuditLog.entity == "participant_candidates")).all()
    assert [(r.user_id, r.action, r.entity_id, r.detail) for r in reads] == [
        (users[Role.PROJECT_MANAGER].id, "read", p.id, "3 persons")]
    page = manager.get(f"/projects/{p.id}").text
    assert "Powiązania czekające na potwierdzenie" in page and "Cudza grupa" in page
    assert manager.post(f"/projects/{p.id}/links/confirm").status_code == 403
    coordinator = client_as(Role.COORDINATOR)
    assert "Potwierdź powiązania" in coordinator.get(f"/projects/{p.id}").text
    assert coordinator.post(f"/projects/{p.id}/links/confirm").status_code == 302
    db.session.expire_all()
    assert offered(manager) == {"Seniorka", *(x.last_name for x in came + strangers)}
    assert "Powiązania czekające na potwierdzenie" not in manager.get(f"/projects/{p.id}").text


def test_links_made_by_an_administrator_hold_at_once_and_a_proposal_counts_nowhere(
        app, users):
    p = project(users, help_kinds="")
    one, two = group("Pierwsza"), group("Druga")
    manager = users[Role.PROJECT_MANAGER]
    data = {c: getattr(p, c) for c in ("name", "funder", "programme", "call_number",
                                       "agreement_number", "starts_on", "ends_on",
                                       "value_gr", "share_eu", "share_national", "share_own",
                                       "settlement", "indirect_rate", "status", "manager_id",
                                       "monitors_participants")}
    services.save_project(p, {**data, "help_kinds": "senior"}, [one.id], [], manager)
    add_indicators(p, Source.PARTICIPANTS)
    mark(session(one, date(2026, 3, 2)), PersonFactory())
    assert (p.help_kinds, p.proposed_help_kinds) == ("", "senior")
    assert proposed(p, users).groups == ["Pierwsza"]
    assert values(p)[Source.PARTICIPANTS] == 0
    services.save_project(p, {**data, "help_kinds": "senior tutoring"}, [one.id, two.id], [],
                          users[Role.ADMIN])
    assert (p.help_kinds, p.proposed_help_kinds) == ("senior tutoring", "")
    assert not proposed(p, users) and values(p)[Source.PARTICIPANTS] == 1
    # the manager saving again keeps what was confirmed confirmed
    services.save_project(p, {**data, "help_kinds": "senior"}, [one.id], [], manager)
    assert not proposed(p, users) and p.help_kinds == "senior"
    with pytest.raises(DomainError):
        services.confirm_links(p, manager)


def proposed(p: Project, users) -> services.ProposedLinks:
    db.session.expire(p)
    return services.proposed_links(services.get_visible(users[Role.ADMIN], p.id))

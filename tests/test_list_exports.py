"""Every list leaves the platform one way: its own URL with ?format=csv or xlsx gives
every row its filters match (not a page of them), as Polish Excel opens it, in the
columns the reader's role may see, in a number of queries that does not grow with the
rows, and written once to the audit log with the filters."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.timeutil import local_day_start_utc, local_today, to_local
from cal.extensions import db
from cal.people import tables as people_tables
from cal.people.models import Person
from clubs import attendance
from clubs import services as clubs
from clubs.models import GroupKind, Mark, TargetGroup
from tests.factories import HouseholdFactory, PersonFactory, VolunteerFactory
from volunteers.models import HelpKind, VolunteerStatus
from volunteers.needs.models import HelpRequest
from volunteers.training.models import TrainingCompletion, TrainingCourse

TODAY = local_today()


def read_csv(answer) -> list[list[str]]:
    """The rows of a CSV as Excel in Polish reads it: UTF-8 with a BOM, semicolons."""
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(answer) -> list[tuple]:
    assert answer.status_code == 200 and "spreadsheet" in answer.mimetype
    return list(load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True))


def exports_written(entity: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(
        AuditLog.action == "export", AuditLog.entity == entity)))


# --- each list: what it holds for n rows of its filter, and one row that the filter leaves out

def people(users, n):
    for i in range(n):
        PersonFactory(last_name=f"Kowalska{i:02d}", first_name="Łucja",
                      health_notes="Cukrzyca typu 2")
    PersonFactory(last_name="Zieliński", first_name="Jan")
    return "/people?q=kowalska", "person", {f"Kowalska{i:02d}" for i in range(n)}


def households(users, n):
    for i in range(n):
        household = HouseholdFactory(name=f"Wiśniewscy {i:02d}")
        PersonFactory(last_name="Wiśniewska", first_name="Zofia", household_id=household.id)
    HouseholdFactory(name="Nowakowie")
    return "/households?q=wisniewscy", "household", {f"Wiśniewscy {i:02d}" for i in range(n)}


def volunteers(users, n):
    for i in range(n):
        VolunteerFactory(last_name=f"Wójcik{i:02d}", help_kinds="senior")
    VolunteerFactory(last_name="Pauza", status=VolunteerStatus.PAUSED)
    return "/volunteers/?status=active", "volunteer", {f"Wójcik{i:02d}" for i in range(n)}


def compliance(users, n):
    for i in range(n):  # an active volunteer with no records: everything is missing
        VolunteerFactory(last_name=f"Bez dokumentów{i:02d}")
    VolunteerFactory(last_name="Odeszła", status=VolunteerStatus.LEFT)
    return "/volunteers/compliance", "volunteer", {f"Bez dokumentów{i:02d}" for i in range(n)}


def help_requests(users, n):
    for i in range(n):
        senior = PersonFactory(last_name=f"Dąbrowski{i:02d}", first_name="Józef")
        db.session.add(HelpRequest(person_id=senior.id, kind=HelpKind.SENIOR, tasks="shopping",
                                   starts_on=TODAY))
    child = PersonFactory(last_name="Uczeń")
    db.session.add(HelpRequest(person_id=child.id, kind=HelpKind.TUTORING, subject="math",
                               grade=4, starts_on=TODAY))
    return ("/volunteers/requests?kind=senior", "help_request",
            {f"Dąbrowski{i:02d} Józef" for i in range(n)})


def trainings(users, n):
    course = TrainingCourse(name="Pomoc seniorom – podstawy", required_for="senior",
                            validity_months=12, active=True)
    db.session.add(course)
    db.session.flush()
    done = TODAY - timedelta(days=350)  # valid for a year: ends within 30 days
    for i in range(n + 1):
        volunteer = VolunteerFactory(last_name=f"Szkolona{i:02d}", help_kinds="senior")
        db.session.add(TrainingCompletion(
            volunteer_id=volunteer.id, course_id=course.id, completed_on=done if i < n else TODAY,
            valid_until=(done if i < n else TODAY) + timedelta(days=365)))
    return "/volunteers/trainings", "training_completion", {f"Szkolona{i:02d}" for i in range(n)}


def kis_group(users, capacity=50, leaders=(Role.LEADER,)):
    return clubs.save_group(
        None, {"name": "Grupa wsparcia", "kind": GroupKind.SUPPORT, "description": "",
               "place": "Sala 2", "capacity": capacity, "starts_on": TODAY - timedelta(days=90),
               "ends_on": None},
        [clubs.Slot(TODAY.weekday(), time(17), time(19))], [users[r].id for r in leaders],
        users[Role.COORDINATOR])


def group_members(users, n):
    group = kis_group(users, capacity=n)
    for i in range(n + 1):  # the last one waits for a place: on the list too
        person = PersonFactory(last_name=f"Uczestnik{i:02d}")
        clubs.enrol(group, person, users[Role.COORDINATOR], TODAY).target_group = \
            TargetGroup.MENTAL
    ended = clubs.enrol(group, PersonFactory(last_name="Była"), users[Role.COORDINATOR], TODAY)
    ended.status = clubs.MemberStatus.ENDED
    return (f"/clubs/groups/{group.id}", "membership",
            {f"Uczestnik{i:02d}" for i in range(n + 1)})


def group_attendance(users, n):
    group = kis_group(users)
    people = [PersonFactory(last_name=f"Obecny{i:02d}") for i in range(n)]
    for person in people:
        clubs.enrol(group, person, users[Role.COORDINATOR], TODAY - timedelta(days=60))
    clubs.enrol(group, PersonFactory(last_name="Nowy"), users[Role.COORDINATOR], TODAY)
    first = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    clubs.generate_sessions(group, first, weeks=5)
    session = next(s for s in clubs.sessions_of(group, local_day_start_utc(first))
                   if to_local(s.starts_at).date() < TODAY.replace(day=1))
    for person in people:
        attendance.set_mark(session.id, person.id, Mark.PRESENT, users[Role.COORDINATOR], TODAY)
    return (f"/clubs/groups/{group.id}/stats?month={first:%Y-%m}", "attendance",
            {f"Obecny{i:02d}" for i in range(n)})


LISTS = {"people": people, "households": households, "volunteers": volunteers,
         "compliance": compliance, "help requests": help_requests, "trainings": trainings,
         "group members": group_members, "group attendance": group_attendance}


def names_in(rows: list) -> set[str]:
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize("make", LISTS.values(), ids=LISTS.keys())
def test_the_file_holds_the_rows_of_the_filters_in_csv_and_xlsx_and_is_audited_once(
        client_as, users, make):
    url, entity, expected = make(users, 3)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    page = desk.get(url)
    assert page.status_code == 200 and "format=csv" in page.text and "format=xlsx" in page.text
    rows = read_csv(desk.get(url + ("&" if "?" in url else "?") + "format=csv"))
    assert names_in(rows) == expected
    assert all(len(row) == len(rows[0]) for row in rows)
    for name in expected:  # every row the file has, the page shows
        assert name.split()[0] in page.text
    sheet = read_xlsx(desk.get(url + ("&" if "?" in url else "?") + "format=xlsx"))
    assert [list(map(lambda v: "" if v is None else str(v), row)) for row in sheet] == rows
    written = exports_written(entity)
    assert len(written) == 2
    query = url.partition("?")[2]
    assert all(query in entry.detail or not query for entry in written)


@pytest.mark.parametrize("make", LISTS.values(), ids=LISTS.keys())
def test_the_file_takes_as_many_queries_for_many_rows_as_for_few(
        client_as, users, count_queries, make):
    few, _, _ = make(users, 2)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    sep = "&" if "?" in few else "?"
    desk.get(few + sep + "format=csv")  # the session warmed up
    with count_queries() as small:
        assert desk.get(few + sep + "format=csv").status_code == 200
    db.session.execute(AuditLog.__table__.delete())
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in ("users", "alembic_version", "districts"):
            db.session.execute(table.delete())
    db.session.commit()
    many, _, _ = make(users, 8)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    desk.get(many + sep + "format=csv")
    with count_queries() as large:
        answer = desk.get(many + sep + "format=csv")
    assert len(read_csv(answer)) > 8
    assert len(large) == len(small), large


def test_the_file_holds_every_row_not_the_page_of_fifty(client_as, users):
    url, _, expected = people(users, 55)
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    assert "Kowalska54" not in desk.get(url).text  # the page shows the first 50
    assert names_in(read_csv(desk.get(url + "&format=csv"))) == expected


def test_health_notes_are_a_column_only_for_who_may_read_them(app, users):
    PersonFactory(last_name="Kowalska", first_name="Łucja", health_notes="Cukrzyca typu 2")
    db.session.commit()
    everyone = list(db.session.scalars(select(Person)))
    coordinator = people_tables.PEOPLE.rows(everyone, users[Role.COORDINATOR])
    leader = people_tables.PEOPLE.rows(everyone, users[Role.LEADER])
    assert "Uwagi o stanie zdrowia" in coordinator[0] and "Cukrzyca typu 2" in coordinator[1]
    assert "Uwagi o stanie zdrowia" not in leader[0] and "Cukrzyca typu 2" not in leader[1]
    assert leader[1][:2] == ["Kowalska", "Łucja"]


def test_a_leader_takes_the_members_without_their_target_group(client_as, users):
    url, _, expected = group_members(users, 2)
    db.session.commit()
    leader = client_as(Role.LEADER)
    rows = read_csv(leader.get(url + "?format=csv"))
    assert names_in(rows) == expected
    assert "Grupa docelowa" not in rows[0] and "Osoba chorująca psychicznie" not in str(rows)
    desk = read_csv(client_as(Role.COORDINATOR).get(url + "?format=csv"))
    assert "Grupa docelowa" in desk[0]
    entries = exports_written("membership")
    assert [e.fields for e in entries] == ["", "target_group"]  # the special read is named


def test_the_export_of_health_notes_names_them_in_the_audit_log(client_as, users):
    url, _, _ = people(users, 1)
    db.session.commit()
    rows = read_csv(client_as(Role.COORDINATOR).get(url + "&format=csv"))
    assert "Cukrzyca typu 2" in rows[1]
    [entry] = exports_written("person")
    assert entry.fields == "health_notes,disability_notes" and "q=kowalska" in entry.detail


def test_a_volunteer_who_co_leads_a_group_reads_it_but_takes_no_file_of_it(client_as, users):
    group = kis_group(users, leaders=(Role.LEADER, Role.VOLUNTEER))
    clubs.enrol(group, PersonFactory(last_name="Uczestnik"), users[Role.COORDINATOR], TODAY)
    db.session.commit()
    volunteer = client_as(Role.VOLUNTEER)
    page = volunteer.get(f"/clubs/groups/{group.id}")
    assert page.status_code == 200 and "Uczestnik" in page.text
    assert "format=csv" not in page.text
    assert volunteer.get(f"/clubs/groups/{group.id}?format=csv").status_code == 403
    assert client_as(Role.LEADER).get(f"/clubs/groups/{group.id}?format=csv").status_code == 200


def test_an_unknown_format_is_no_file(client_as, users):
    assert client_as(Role.COORDINATOR).get("/people?format=pdf").status_code == 404


@pytest.mark.parametrize("make", [people, households, volunteers, help_requests],
                         ids=["people", "households", "volunteers", "help requests"])
def test_the_list_refreshed_by_htmx_links_to_the_file_of_its_new_filters(client_as, users, make):
    url, _, _ = make(users, 2)
    db.session.commit()
    target = {people: "people-results", households: "household-results",
              volunteers: "volunteer-board", help_requests: "request-list"}[make]
    fragment = client_as(Role.COORDINATOR).get(url, headers={"HX-Request": "true",
                                                             "HX-Target": target})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    query = url.partition("?")[2].replace("&", "&amp;")
    assert f"?{query}&amp;format=csv" in fragment.text

"""The year's report: each room's figures for a year beside the years before it, as a
page with charts, a PDF and a spreadsheet, in a number of queries that does not grow
with the data."""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.figures import Table, Tally, YearSection
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.reports import services
from cal.reports.cache import KeptFigures
from clubs.models import Attendance, Group, GroupKind, GroupSession, Mark, Membership, MemberStatus
from tests.factories import PersonFactory, VolunteerFactory
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import HelpKind, StatusChange, VolunteerStatus
from volunteers.needs.models import EndCause, HelpRequest, Match, MatchStatus
from volunteers.training.models import TrainingCompletion, TrainingCourse

TODAY = date(2026, 12, 6)
keys = itertools.count()


def _volunteer(active_on: date, left_on: date | None = None, born: date | None = None,
               kinds: str = "tutoring"):
    volunteer = VolunteerFactory(birth_date=born, help_kinds=kinds, created_at=datetime.combine(
        active_on, time(9)), left_at=datetime.combine(left_on, time(9)) if left_on else None,
        status=VolunteerStatus.LEFT if left_on else VolunteerStatus.ACTIVE)
    db.session.add(StatusChange(volunteer_id=volunteer.id, to_status=VolunteerStatus.ACTIVE,
                                at=datetime.combine(active_on, time(10))))
    return volunteer


def _hours(volunteer, day: date, minutes: int, activity=Activity.MATCH,
           status=EntryStatus.APPROVED):
    db.session.add(HourEntry(volunteer_id=volunteer.id, key=f"k{next(keys)}", activity=activity,
                             worked_on=day, minutes=minutes, status=status))


def _match(volunteer, person, kind: HelpKind, started: date, ended: date | None = None,
           cause: EndCause | None = None):
    request = HelpRequest(person_id=person.id, kind=kind, starts_on=started)
    db.session.add(request)
    db.session.flush()
    db.session.add(Match(request_id=request.id, volunteer_id=volunteer.id,
                         status=MatchStatus.ENDED if ended else MatchStatus.ACTIVE,
                         started_on=started, ended_on=ended, end_cause=cause))


def _session(group, day: date, marks: dict):
    at = datetime.combine(day, time(10))
    session = GroupSession(group_id=group.id, planned_at=at, starts_at=at,
                           ends_at=at + timedelta(hours=1))
    db.session.add(session)
    db.session.flush()
    for person, mark in marks.items():
        db.session.add(Attendance(session_id=session.id, person_id=person.id, mark=mark))


def _town(size: int = 1):
    """Two years of a small department; ``size`` repeats everyone in it."""
    for _ in range(size):
        anna = _volunteer(date(2025, 3, 1), born=date(2009, 5, 1))  # a minor in 2025
        piotr = _volunteer(date(2025, 6, 1), left_on=date(2026, 4, 30), born=date(1960, 1, 1),
                           kinds="senior,disability")
        ewa = _volunteer(date(2026, 2, 1), born=date(1990, 1, 1))
        _hours(anna, date(2025, 3, 10), 90)
        _hours(anna, date(2026, 3, 10), 120)
        _hours(ewa, date(2026, 5, 4), 60, Activity.EVENT)
        _hours(ewa, date(2026, 5, 5), 600, status=EntryStatus.PENDING)  # not counted
        child, senior = PersonFactory(), PersonFactory(birth_date=date(1940, 1, 1))
        _match(anna, child, HelpKind.TUTORING, date(2025, 9, 1), date(2026, 6, 20),
               EndCause.GOAL_REACHED)
        _match(ewa, child, HelpKind.TUTORING, date(2026, 9, 1))  # the same child: once
        _match(piotr, senior, HelpKind.SENIOR, date(2025, 7, 1), date(2026, 4, 1),
               EndCause.VOLUNTEER_WITHDREW)
        kis = Group(name="Grupa wsparcia", kind=GroupKind.SUPPORT, starts_on=date(2025, 1, 1))
        cas = Group(name="Zajęcia seniorów", kind=GroupKind.SENIOR_CLASS, capacity=10,
                    starts_on=date(2025, 1, 1))
        db.session.add_all([kis, cas])
        db.session.flush()
        db.session.add(Membership(group_id=cas.id, person_id=senior.id,
                                  status=MemberStatus.ACTIVE, joined_on=date(2026, 1, 1)))
        _session(kis, date(2026, 2, 3), {child: Mark.PRESENT})
        _session(cas, date(2026, 2, 4), {senior: Mark.PRESENT})
        _session(cas, date(2026, 2, 11), {senior: Mark.ABSENT})
        course = TrainingCourse(name="Pierwsza pomoc")
        db.session.add(course)
        db.session.flush()
        for volunteer, day in ((anna, date(2025, 4, 1)), (ewa, date(2026, 2, 15)),
                               (ewa, date(2026, 10, 1))):
            db.session.add(TrainingCompletion(volunteer_id=volunteer.id, course_id=course.id,
                                              completed_on=day))
    db.session.commit()


def _table(report, key: str) -> Table:
    return next(t for s in report.sections for t in s.tables if t.key == key)


def _figures(report, key: str) -> dict[str, dict[int, float]]:
    """A table's rows by their words in English."""
    with force_locale("en"):
        return {str(row.label): dict(row.values) for row in _table(report, key).rows}


@pytest.fixture
def report(app):
    _town()
    return services.year_report(2026, TODAY)


def test_volunteers_are_counted_active_new_and_left_by_age_and_kind(report):
    flows = _figures(report, "volunteers")
    assert flows["Active during the year"] == {2025: 2, 2026: 3}
    assert flows["Began (first time active)"] == {2025: 2, 2026: 1}
    assert flows["Left"] == {2025: 0, 2026: 1}
    ages = _figures(report, "volunteers_by_age")
    assert ages["Under 18 (minors)"] == {2025: 1, 2026: 1}  # born in 2009: 17 at the end of 2026
    assert ages["60 and over"] == {2025: 1, 2026: 1}
    kinds = _figures(report, "volunteers_by_kind")
    assert kinds["Tutoring children"] == {2025: 1, 2026: 2}
    assert kinds["Help for seniors"] == {2025: 1, 2026: 1}


def test_hours_are_approved_ones_by_kind_and_month_with_their_value(report, app):
    hours = _figures(report, "hours")
    assert hours["Hours"] == {2025: 1.5, 2026: 3.0}
    assert hours["Value of the work (PLN)"] == {2025: 47.1, 2026: 94.2}  # 31.40 an hour
    assert hours["Volunteers who gave hours"] == {2025: 1, 2026: 2}
    assert _figures(report, "hours_by_kind")["Event or action"] == {2025: 0, 2026: 1.0}
    months = _figures(report, "hours_by_month")
    assert months["2026"][3] == 2.0 and months["2026"][5] == 1.0 and months["2025"][3] == 1.5


def test_the_hourly_value_is_the_setting_of_the_centre(app, users):
    from cal.core.centre import save_centre
    from volunteers.hours.figures import hourly_value

    save_centre({"hour_value_gr": 4000}, users[Role.ADMIN])
    _town()
    assert hourly_value() == Decimal("40.00")
    assert _figures(services.year_report(2026, TODAY), "hours")[
        "Value of the work (PLN)"][2026] == 120.0


def test_people_helped_are_counted_once_and_matches_ended_by_cause(report):
    helped = _figures(report, "people_helped")
    assert helped["Tutoring children"] == {2025: 1, 2026: 1}
    assert helped["All, each person or family once"] == {2025: 2, 2026: 2}
    assert _figures(report, "matches_begun")["Tutoring children"] == {2025: 1, 2026: 1}
    ended = _figures(report, "matches_ended")
    assert ended["The goal was reached"] == {2025: 0, 2026: 1}
    assert ended["The volunteer withdrew"] == {2025: 0, 2026: 1}


def test_groups_count_each_participant_once_with_rate_and_places(report):
    people = _figures(report, "club_people")
    assert people["All groups"] == {2025: 0, 2026: 2}
    rate = _figures(report, "club_attendance")
    assert rate["Senior Activity Centre (CAS)"][2026] == 50.0
    assert rate["Senior Activity Centre (CAS)"][2025] is None
    sessions = _figures(report, "club_sessions")
    assert sessions["Support group"] == {2025: 0, 2026: 1}
    assert sessions["Senior class"] == {2025: 0, 2026: 2}
    places = _figures(report, "senior_places")
    assert places["Places 2026"][1] == 10 and places["Places taken 2026"][1] == 1
    assert _figures(report, "senior_occupancy")["Occupancy 2026 (%)"][6] == 10.0


def test_trainings_count_volunteers_trained_once(report):
    trainings = _figures(report, "trainings")
    assert trainings["Courses completed"] == {2025: 1, 2026: 2}
    assert trainings["Volunteers trained, each once"] == {2025: 1, 2026: 1}


def test_the_report_shows_the_years_before_that_hold_data_and_at_least_last_year(app):
    _town()
    assert services.year_report(2026, TODAY).years == [2025, 2026]
    assert services.year_report(2025, TODAY).years == [2024, 2025]
    assert services.year_report(2025, TODAY).empty is False


def test_a_year_with_no_data_says_so(app):
    _town()
    assert services.year_report(2019, TODAY).empty is True


def test_a_year_not_begun_is_refused_beside_the_field(app):
    with pytest.raises(DomainError) as refused:
        services.year_report(2027, TODAY)
    assert refused.value.field == "year"


def test_a_new_rooms_section_joins_the_report_without_changing_it(app):
    from sqlalchemy import func, literal, select

    calls = []

    def counts(years):
        calls.append(years)
        return {"users": select(literal("u").label("key"), literal(years[-1]).label("year"),
                                func.count())}

    def tables(years, found):
        return [Table("extra", "Extra", [Tally().add(
            (c.key, c.year, c.n) for c in found["users"]).row("Users", "u", years)])]

    report = services.year_report(2026, TODAY, [YearSection("extra", "Extra", 1, counts, tables)])
    assert [s.key for s in report.sections] == ["extra"] and len(calls) == 2  # and the digest
    assert calls[-1][-1] == 2026


def test_every_room_declares_its_section(app):
    from cal.core.rooms import registry

    keys = [section.key for section in registry(app).year_figures]
    assert keys[:5] == ["volunteers", "hours", "matches", "trainings", "groups"]  # in order


def test_the_report_counts_the_same_queries_for_small_and_larger_data(app, client_as,
                                                                       count_queries):
    """First made (every year counted, the past ones kept) and then with the past years
    kept: the same number of queries for one town and for seven."""
    client = client_as(Role.COORDINATOR)
    client.get("/reports/year?year=2026")  # the centre's settings, read once a process
    counted = {}
    for size in (1, 6):
        _town(size)  # writes into 2025: its kept figures are made anew
        with count_queries() as first:
            assert client.get("/reports/year?year=2026").status_code == 200
        with count_queries() as kept:
            assert client.get("/reports/year?year=2026").status_code == 200
        counted[size] = (len(first), len(kept))
    assert counted[1] == counted[6], counted
    assert counted[1][1] <= 4, counted  # the user, the kept years, this year, indicators


def test_the_coordinator_sees_this_year_beside_last_in_polish_with_charts(app, client_as):
    _town()
    client = client_as(Role.COORDINATOR)
    client.post("/language", data={"locale": "pl"})
    page = client.get("/reports/year?year=2026").get_data(as_text=True)
    assert "Rok 2026 w liczbach" in page
    assert '<th scope="col" class="this-year">2026</th>' in page and ">2025</th>" in page
    assert page.count('role="img"') >= 5 and "<desc " in page
    assert "/reports/year.pdf?year=2026" in page and "/reports/year.xlsx?year=2026" in page


def _this_years_hours(page: str) -> str:
    found = re.search(r'>(?:Godziny|Hours)</th>.*?class="this-year">([^<]+)<', page, re.S)
    return found.group(1)


def test_the_page_says_when_this_years_figures_were_counted_and_counts_them_on_asking(
        app, client_as):
    today = local_today()
    anna = _volunteer(date(today.year, 1, 1))
    _hours(anna, today, 60)
    _hours(anna, date(today.year - 3, 5, 5), 30)
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/reports/year?year={today.year}").get_data(as_text=True)
    assert f"Liczby roku {today.year} do tej pory, policzone" in page
    assert "Przelicz teraz" in page and f"/reports/year/recount?year={today.year}" in page
    assert _this_years_hours(page) == "1"
    made = db.session.scalar(select(KeptFigures.made_at).where(KeptFigures.year == today.year))
    _hours(anna, today, 120)
    db.session.commit()
    assert _this_years_hours(client.get(f"/reports/year?year={today.year}").text) == "1"
    answer = client.post(f"/reports/year/recount?year={today.year}")
    assert answer.status_code == 302 and answer.location.endswith(f"year={today.year}")
    db.session.expire_all()
    assert db.session.scalar(select(KeptFigures.made_at).where(
        KeptFigures.year == today.year)) > made
    assert _this_years_hours(client.get(answer.location).text) == "3"
    past = client.get(f"/reports/year?year={today.year - 3}").get_data(as_text=True)
    assert "w liczbach" in past and "policzone" not in past  # a year ended: kept exactly
    client.post("/language", data={"locale": "en"})
    assert "Hours</th>" in client.get(answer.location).text  # drawn again in English
    leader = client_as(Role.LEADER)
    assert leader.post(f"/reports/year/recount?year={today.year}").status_code == 403


def test_a_future_year_on_the_page_is_refused_beside_the_field(app, client_as):
    answer = client_as(Role.COORDINATOR).get("/reports/year?year=2999")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="year-error"' in page and 'aria-invalid="true"' in page


def test_the_page_of_a_year_without_data_says_so(app, client_as):
    page = client_as(Role.ADMIN).get("/reports/year?year=2010").get_data(as_text=True)
    assert "Brak danych za rok 2010" in page


@pytest.mark.parametrize("role", [Role.LEADER, Role.VOLUNTEER, Role.PROJECT_MANAGER])
def test_only_coordinators_and_admins_read_the_report(client_as, role):
    assert client_as(role).get("/reports/year").status_code == 403
    assert client_as(role).get("/reports/year.pdf").status_code == 403


def test_the_pdf_holds_the_figures_beside_last_years(app, client_as):
    from pypdf import PdfReader

    _town()
    answer = client_as(Role.COORDINATOR).get("/reports/year.pdf?year=2026")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)
    assert "Sprawozdanie za rok 2026" in text
    assert "Wolontariusze" in text and "2025" in text
    assert "94,2" in text  # the value of 2026's hours


def test_the_spreadsheet_holds_every_table(app, client_as):
    from openpyxl import load_workbook

    _town()
    answer = client_as(Role.COORDINATOR).get("/reports/year.xlsx?year=2026")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    hours = next(r for r in rows if r[0] in ("Hours", "Godziny"))
    assert hours[1:3] == [1.5, 3.0]


def test_a_file_of_a_future_year_is_refused(client_as):
    answer = client_as(Role.COORDINATOR).get("/reports/year.xlsx?year=2999")
    assert answer.status_code == 302


def test_counting_a_future_year_is_refused_and_counts_nothing(client_as):
    client = client_as(Role.COORDINATOR)
    answer = client.post("/reports/year/recount?year=2999")
    assert answer.status_code == 302 and answer.location.endswith("/reports/year")
    assert db.session.scalar(select(KeptFigures).where(KeptFigures.year == 2999)) is None
    assert "2999" in client.get(answer.location).get_data(as_text=True)  # the reason, shown

"""The year's report keeps a past year's counts once made, and a write that can change
them makes them anew at the next report: hours logged with last year's date, an
attendance corrected, a membership ended, a date moved out of the year, rows deleted
in bulk or through a volunteer removed. A write into this year keeps them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.sql import visitors

from cal.core.access import Role
from cal.core.figure_versions import FigureVersion, kept
from cal.core.rooms import registry
from cal.extensions import db
from cal.reports import jobs, services
from cal.reports.cache import KeptFigures
from clubs import attendance
from clubs.models import Attendance, Group, GroupKind, GroupSession, Mark, Membership, MemberStatus
from tests.factories import PersonFactory
from tests.reports.test_year_report import _hours, _town, _volunteer
from volunteers.hours.models import HourEntry
from volunteers.models import Volunteer

TODAY = date(2026, 12, 6)


def _figures(key: str, year: int = 2026) -> dict[str, dict[int, float]]:
    report = services.year_report(year, TODAY)
    db.session.commit()  # as the page does: the past years' counts kept
    table = next(t for s in report.sections for t in s.tables if t.key == key)
    with force_locale("en"):
        return {str(row.label): dict(row.values) for row in table.rows}


def _versions() -> dict[int, int]:
    return dict(db.session.execute(select(FigureVersion.year, FigureVersion.version)).all())


def _made() -> dict[int, datetime]:
    return dict(db.session.execute(select(KeptFigures.year, KeptFigures.made_at)).all())


@pytest.fixture
def town(app):
    """The small town of test_year_report, and last year's club: a support group's
    session in November 2025 at which a child was absent, and a senior who took a place
    at the senior centre in March 2025."""
    _town()
    kis = db.session.scalar(select(Group).where(Group.kind == GroupKind.SUPPORT))
    cas = db.session.scalar(select(Group).where(Group.kind == GroupKind.SENIOR_CLASS))
    child = PersonFactory()
    at = datetime(2025, 11, 3, 10)
    session = GroupSession(group_id=kis.id, planned_at=at, starts_at=at,
                           ends_at=at + timedelta(hours=1))
    db.session.add(session)
    db.session.flush()
    db.session.add(Attendance(session_id=session.id, person_id=child.id, mark=Mark.ABSENT))
    senior = Membership(group_id=cas.id, person_id=PersonFactory().id,
                        status=MemberStatus.ACTIVE, joined_on=date(2025, 3, 1))
    db.session.add(senior)
    db.session.commit()
    return {"session": session, "child": child, "senior": senior}


def test_past_years_are_kept_once_made_and_this_year_counted_each_time(town, count_queries):
    assert _figures("hours")["Hours"] == {2025: 1.5, 2026: 3.0}
    made = _made()
    assert sorted(made) == list(range(2016, 2027))  # 2026 with the time it was counted
    with count_queries() as queries:
        services.year_report(2026, TODAY)
    assert len(queries) == 4  # the kept years and their versions, this year, it kept, the
    assert "INSERT" in queries[2]  # indicators
    assert {y: m for y, m in _made().items() if y < 2026} == {
        y: m for y, m in made.items() if y < 2026}


NOON = datetime(2026, 12, 6, 11)  # UTC: 12:00 in Warsaw on TODAY


def test_the_page_shows_this_years_counts_made_that_day_with_their_time(app, town,
                                                                       count_queries):
    """The page (``now``) shows this year's counts made earlier that day, and when; older
    than a few minutes, it has them counted anew after its answer, and the next view
    shows what was written since."""
    first = services.year_report(2026, TODAY, now=NOON)
    db.session.commit()
    assert first.as_of == NOON and not first.recounting
    ewa = _volunteer(date(2026, 3, 1))
    _hours(ewa, date(2026, 11, 30), 120)
    db.session.commit()
    later = NOON + timedelta(minutes=2)
    with count_queries() as queries:
        shown = services.year_report(2026, TODAY, now=later)
    assert len(queries) == 2  # the kept counts with their versions and times, the indicators
    assert shown.as_of == NOON and not shown.recounting
    assert _hours_of(shown) == {2025: 1.5, 2026: 3.0}  # as counted at noon
    with app.test_request_context():  # as the page asks: the count after the answer
        stale = services.year_report(2026, TODAY, now=NOON + services.cache.FRESH * 2)
    assert stale.recounting and _hours_of(stale) == {2025: 1.5, 2026: 3.0}
    services.recount(2026, now=NOON + services.cache.FRESH * 2)  # what the job does
    fresh = services.year_report(2026, TODAY, now=NOON + services.cache.FRESH * 3)
    assert _hours_of(fresh) == {2025: 1.5, 2026: 5.0} and not fresh.recounting
    tomorrow = services.year_report(2026, TODAY + timedelta(days=1),
                                    now=NOON + timedelta(days=1))
    assert tomorrow.as_of == NOON + timedelta(days=1)  # a day's counts serve that day only


def test_the_files_count_this_year_at_once(town):
    services.year_report(2026, TODAY, now=NOON)
    db.session.commit()
    _hours(_volunteer(date(2026, 3, 1)), date(2026, 11, 30), 120)
    db.session.commit()
    assert _hours_of(services.year_report(2026, TODAY)) == {2025: 1.5, 2026: 5.0}


def _hours_of(report) -> dict[int, float]:
    table = next(t for s in report.sections for t in s.tables if t.key == "hours")
    with force_locale("en"):
        return {y: v for row in table.rows if str(row.label) == "Hours"
                for y, v in row.values.items()}


def test_a_year_is_kept_from_a_week_after_it_ended():
    assert not kept(2026, date(2026, 12, 31))
    assert not kept(2025, date(2026, 1, 7))
    assert kept(2025, date(2026, 1, 8))


def test_hours_logged_with_last_years_date_change_the_next_report(town):
    assert _figures("hours")["Hours"] == {2025: 1.5, 2026: 3.0}
    anna = db.session.scalar(select(Volunteer).order_by(Volunteer.id))
    before = _versions()
    _hours(anna, date(2025, 12, 30), 60)
    db.session.commit()
    assert _versions() == {**before, 2025: before.get(2025, 0) + 1}
    assert _figures("hours")["Hours"] == {2025: 2.5, 2026: 3.0}


def test_an_attendance_corrected_in_last_years_session_changes_the_next_report(
        town, users):
    people = _figures("club_people")
    assert people["Social Integration Club (KIS)"][2025] == 0
    assert attendance.set_mark(town["session"].id, town["child"].id, Mark.PRESENT,
                               users[Role.COORDINATOR], TODAY)
    db.session.commit()
    people = _figures("club_people")
    assert people["Social Integration Club (KIS)"][2025] == 1
    assert people["All groups"][2025] == 1


def test_a_membership_ended_last_year_changes_the_next_report(town):
    occupancy = _figures("senior_occupancy")["Occupancy 2025 (%)"]
    assert occupancy[9] == 10.0  # one of ten places taken in September 2025
    membership = db.session.get(Membership, town["senior"].id)
    membership.status, membership.ended_on = MemberStatus.ENDED, date(2025, 6, 30)
    db.session.commit()
    occupancy = _figures("senior_occupancy")["Occupancy 2025 (%)"]
    assert occupancy[6] == 10.0 and occupancy[9] == 0


def test_a_date_moved_out_of_a_year_without_its_old_value_loaded(town):
    assert _figures("hours")["Hours"][2025] == 1.5
    entry = db.session.scalar(select(HourEntry).where(HourEntry.worked_on < date(2026, 1, 1)))
    db.session.commit()  # the entry's values expire: the old day is not known when moved
    before = _versions()
    entry.worked_on = date(2026, 1, 5)
    db.session.commit()
    assert _versions() == {**before, 0: before.get(0, 0) + 1}  # every year's
    assert _figures("hours")["Hours"] == {2025: 0, 2026: 4.5}


def test_rows_changed_or_deleted_in_bulk_change_the_next_report(town):
    assert _figures("hours")["Hours"][2025] == 1.5
    before = _versions()
    db.session.execute(update(HourEntry).values(note="checked"))  # no column the report reads
    db.session.commit()
    assert _versions() == before
    db.session.execute(delete(HourEntry).where(HourEntry.worked_on < date(2026, 1, 1)))
    db.session.commit()
    assert _figures("hours")["Hours"] == {2025: 0, 2026: 3.0}


def test_a_volunteer_removed_takes_their_past_hours_from_the_next_report(town):
    assert _figures("hours")["Hours"][2025] == 1.5
    anna = db.session.scalar(select(Volunteer).order_by(Volunteer.id))
    db.session.delete(anna)  # the database deletes the hours with the volunteer
    db.session.commit()
    assert _figures("hours")["Hours"] == {2025: 0, 2026: 1.0}


def test_a_write_into_this_year_keeps_the_past_years(town, users):
    _figures("hours")
    made, before = _made(), _versions()
    ewa = _volunteer(date(2026, 3, 1))
    _hours(ewa, date(2026, 11, 30), 120)
    db.session.commit()
    assert _versions() == before
    assert _figures("hours")["Hours"] == {2025: 1.5, 2026: 5.0}
    assert {y: m for y, m in _made().items() if y < 2026} == {
        y: m for y, m in made.items() if y < 2026}


def test_every_column_the_counts_read_is_declared(app):
    """What a section's statements read, a section declares (cal.core.figures.Reads):
    else a write to it would leave a kept year stale. Ids are never changed."""
    declared: dict[str, set[str]] = {}
    for section in registry(app).year_figures:
        for reads in section.reads:
            table = reads.model.__table__
            assert table.name not in declared, f"{table.name} is declared twice"
            declared[table.name] = set(reads.columns or table.columns.keys()) | {"id"}
    for section in registry(app).year_figures:
        for name, statement in section.counts([2025, 2026]).items():
            for element in visitors.iterate(statement, {"column_collections": False}):
                table = getattr(element, "table", None)
                if getattr(table, "fullname", None) is None or element.key == "id":
                    continue  # a literal table of years, months or kinds; a row's id
                assert element.key in declared.get(table.name, ()), (
                    f"{section.key}.{name} reads {table.name}.{element.key}, undeclared")


def test_a_session_deleted_this_year_keeps_the_past_years_one_deleted_last_year_not(town):
    """An attendance mark falls in its session's year: deleting a session (its marks
    go with it in the database) moves that year only."""
    before = _versions()
    this_year = db.session.scalar(select(GroupSession).where(
        GroupSession.starts_at >= datetime(2026, 1, 1)))
    db.session.delete(this_year)
    db.session.commit()
    assert _versions() == before
    assert _figures("club_people")["Social Integration Club (KIS)"][2025] == 0
    db.session.delete(db.session.get(GroupSession, town["session"].id))
    db.session.commit()
    assert _versions() == {**before, 2025: before.get(2025, 0) + 1}


def test_a_volunteer_leaving_now_keeps_the_years_they_were_active_in(town):
    """A date that moves reaches the years between its old and new values: a volunteer
    who leaves today changes this year's figures only, though they began in 2025."""
    before = _versions()
    piotr = db.session.scalar(select(Volunteer).where(Volunteer.left_at.is_(None))
                              .order_by(Volunteer.id))
    piotr.left_at = datetime(2026, 12, 1, 9)
    db.session.commit()
    assert _versions() == before
    piotr.birth_date = date(1961, 1, 1)  # their age in every year they were active
    db.session.commit()
    assert _versions() == {**before, 0: before.get(0, 0) + 1}


def test_the_late_scan_counts_this_year_once_a_day_before_anyone_asks(app, town):
    assert jobs.year_figures(NOON) == 1
    assert _made()[2026] == NOON
    assert jobs.year_figures(NOON + timedelta(hours=3)) == 0  # counted that day already
    with app.test_request_context():
        report = services.year_report(2026, TODAY, now=NOON + timedelta(hours=3))
    assert report.as_of == NOON and report.recounting  # the day's first view answers at once
    assert jobs.year_figures(NOON + timedelta(days=1)) == 1
    assert _made()[2026] == NOON + timedelta(days=1)

"""The KIS annual report to the voivode: each participant once a year by target group,
the effects of those who ended in the year, staff, activities and grants; the page, the
PDF as an official reads it and the file; a future year refused beside the field; the
end form asking the effect; the reminders in February and March until it is sent."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today
from cal.extensions import db
from cal.notifications.models import Notification
from cal.projects import budgets
from cal.projects.kis_report import jobs, services
from cal.projects.kis_report.models import KisReportSent
from cal.projects.models import Expense, Funder, Project, project_groups
from clubs import services as clubs
from clubs.models import (
    Attendance,
    EndEffect,
    Group,
    GroupKind,
    GroupLeader,
    GroupSession,
    Mark,
    Membership,
    MemberStatus,
    SessionStatus,
    TargetGroup,
)
from tests.factories import PersonFactory
from tests.volunteers.documents.test_documents import text_of

TODAY = local_today()
YEAR = TODAY.year - 1


def group(name: str, kind=GroupKind.SUPPORT, leader_id: int | None = None) -> Group:
    made = Group(name=name, kind=kind, starts_on=date(YEAR - 1, 1, 1))
    db.session.add(made)
    db.session.flush()
    if leader_id:
        db.session.add(GroupLeader(group_id=made.id, user_id=leader_id))
    return made


def member(in_group: Group, target=None, joined=date(YEAR, 2, 1), ended=None, effect=None,
           guest=False, person=None) -> Membership:
    person = person or PersonFactory()
    membership = Membership(group_id=in_group.id, person_id=person.id, target_group=target,
                            status=MemberStatus.ENDED if ended else MemberStatus.ACTIVE,
                            joined_on=joined, ended_on=ended, end_effect=effect, guest=guest)
    db.session.add(membership)
    db.session.flush()
    return membership


def session(in_group: Group, day: date, hours=2, cancelled=False, topic="Warsztat CV",
            present=()) -> GroupSession:
    at = local_to_utc(day, time(10))
    made = GroupSession(group_id=in_group.id, planned_at=at, starts_at=at,
                        ends_at=at + timedelta(hours=hours), topic=topic,
                        status=SessionStatus.CANCELLED if cancelled else SessionStatus.PLANNED)
    db.session.add(made)
    db.session.flush()
    for membership in present:
        db.session.add(Attendance(session_id=made.id, person_id=membership.person_id,
                                  mark=Mark.PRESENT))
    return made


@pytest.fixture
def club(app, users):
    """A year of the club: two KIS groups (one co-led by a volunteer), a senior group that
    is no part of it, people counted and people not, sessions and two projects."""
    support = group("Grupa wsparcia", leader_id=users[Role.LEADER].id)
    course = group("Warsztaty zawodowe", GroupKind.CLASS, users[Role.VOLUNTEER].id)
    seniors = group("Gimnastyka", GroupKind.SENIOR_CLASS, users[Role.LEADER].id)
    twice = PersonFactory()
    people = {
        # in two groups: once, by the latest membership's target group
        "twice": [member(support, TargetGroup.HOMELESS, person=twice),
                  member(course, TargetGroup.LONG_UNEMPLOYED, joined=date(YEAR, 5, 1),
                         person=twice)],
        "employed": member(support, TargetGroup.ADDICTION, ended=date(YEAR, 9, 30),
                           effect=EndEffect.EMPLOYMENT),
        "cooperative": member(course, TargetGroup.ADDICTION, ended=date(YEAR, 11, 2),
                              effect=EndEffect.COOPERATIVE),
        "none": member(support, TargetGroup.MENTAL, ended=date(YEAR, 6, 1),
                       effect=EndEffect.NONE),
        "unrecorded": member(course, TargetGroup.DISABILITY, joined=date(YEAR - 1, 3, 1),
                             ended=date(YEAR, 1, 15), effect=EndEffect.NOT_RECORDED),
        "no_group": member(course, None),
        # not counted: ended the year before, joined the year after, a guest, a senior
        "before": member(support, TargetGroup.REFUGEE, joined=date(YEAR - 1, 2, 1),
                         ended=date(YEAR - 1, 12, 31), effect=EndEffect.EMPLOYMENT),
        "after": member(support, TargetGroup.REFUGEE, joined=date(YEAR + 1, 1, 2)),
        "guest": member(support, TargetGroup.REFUGEE, guest=True),
        "senior": member(seniors, TargetGroup.REFUGEE),
    }
    session(support, date(YEAR, 3, 3), present=[people["twice"][0], people["employed"]])
    session(support, date(YEAR, 3, 10), present=[people["employed"]])
    session(support, date(YEAR, 3, 17), cancelled=True)
    session(course, date(YEAR, 6, 5), hours=3, topic="Rozmowa kwalifikacyjna",
            present=[people["twice"][1]])
    session(seniors, date(YEAR, 6, 5))
    session(support, date(YEAR - 1, 12, 1))
    grant = Project(name="Aktywna integracja", funder=Funder.EU, agreement_number="FE/7/2025",
                    starts_on=date(YEAR - 1, 7, 1), ends_on=date(YEAR + 1, 6, 30),
                    value_gr=50_000_000)
    other = Project(name="Projekt seniorów", funder=Funder.CITY, starts_on=date(YEAR, 1, 1),
                    ends_on=date(YEAR, 12, 31))
    proposed = Project(name="Tylko zaproponowany", funder=Funder.STATE,
                       starts_on=date(YEAR, 1, 1), ends_on=date(YEAR, 12, 31))
    db.session.add_all([grant, other, proposed])
    db.session.flush()
    db.session.execute(project_groups.insert(), [
        {"project_id": grant.id, "group_id": support.id, "confirmed": True},
        {"project_id": grant.id, "group_id": course.id, "confirmed": True},
        {"project_id": other.id, "group_id": seniors.id, "confirmed": True},
        {"project_id": proposed.id, "group_id": course.id, "confirmed": False}])
    line = budgets.add_line(grant, "Zadanie 1", "", "Trener", 30_000_000, users[Role.ADMIN])
    for day, amount in ((date(YEAR, 4, 30), 1_250_000), (date(YEAR, 10, 31), 750_000),
                        (date(YEAR - 1, 12, 31), 999_900)):
        db.session.add(Expense(project_id=grant.id, line_id=line.id, spent_on=day,
                               amount_gr=amount))
    db.session.commit()
    return people


def by_target(report):
    return {line.target: line for line in report.groups}


def test_each_participant_counts_once_by_target_group_with_the_effect_at_the_end(club):
    report = services.kis_report(YEAR)
    lines = by_target(report)
    assert report.participants == 6  # twice counted once; before, after, guest, senior not
    assert lines[TargetGroup.LONG_UNEMPLOYED].participants == 1  # the latest membership
    assert lines[TargetGroup.HOMELESS].participants == 0
    assert lines[TargetGroup.REFUGEE].participants == 0
    addiction = lines[TargetGroup.ADDICTION]
    assert (addiction.participants, addiction.ended, addiction.reintegrated,
            addiction.employed) == (2, 2, 2, 1)
    assert addiction.effects == {EndEffect.EMPLOYMENT: 1, EndEffect.COOPERATIVE: 1}
    assert lines[TargetGroup.MENTAL].effects == {EndEffect.NONE: 1}
    assert lines[TargetGroup.DISABILITY].effects == {EndEffect.NOT_RECORDED: 1}
    assert lines[None].participants == 1 and lines[None].ended == 0
    total = report.total
    assert (total.participants, total.ended, total.reintegrated, total.employed) == (6, 4, 2, 1)


def test_staff_activities_and_grants_are_those_of_the_club_in_the_year(club, users):
    report = services.kis_report(YEAR)
    staff = {line.name: line for line in report.staff}
    leader, volunteer = staff[users[Role.LEADER].full_name], staff[users[Role.VOLUNTEER].full_name]
    assert (leader.volunteer, leader.groups, leader.sessions, leader.hours) == (False, 1, 2, 4)
    assert (volunteer.volunteer, volunteer.sessions, volunteer.hours) == (True, 1, 3)
    assert report.staff_employed == 1 and len(report.staff) == 2
    activities = {(a.kind, a.topic): (a.sessions, a.present) for a in report.activities}
    assert activities == {(GroupKind.SUPPORT, "Warsztat CV"): (2, 3),
                          (GroupKind.CLASS, "Rozmowa kwalifikacyjna"): (1, 1)}
    assert [(g.name, g.spent_gr) for g in report.grants] == [("Aktywna integracja", 2_000_000)]


def test_the_page_shows_the_four_parts_for_last_year_by_default(club, client_as):
    page = client_as(Role.COORDINATOR).get("/kis/report/")
    assert page.status_code == 200
    text = page.text
    assert f"za {YEAR}" in text
    for part in ("1. Kadra", "2. Uczestnicy", "3. Działania reintegracyjne", "4. Rozliczenie"):
        assert part in text, part
    assert "Aktywna integracja" in text and "Projekt seniorów" not in text
    assert client_as(Role.LEADER).get("/kis/report/").status_code == 403
    assert client_as(Role.PROJECT_MANAGER).get("/kis/report/").status_code == 403


def test_a_future_year_is_refused_beside_the_field_and_an_empty_year_says_so(app, client_as):
    desk = client_as(Role.COORDINATOR)
    future = desk.get(f"/kis/report/?year={TODAY.year + 1}")
    assert future.status_code == 422
    assert 'id="year-error"' in future.text and str(TODAY.year + 1) in future.text
    assert desk.get("/kis/report/?year=abc").status_code == 422
    for odd in ("9" * 4301, "²⁰²⁴", "1999"):  # no number of 4301 digits is ever converted
        assert desk.get("/kis/report/", query_string={"year": odd}).status_code == 422, odd
    empty = desk.get(f"/kis/report/?year={YEAR - 5}")
    assert empty.status_code == 200
    assert "nie ma zapisanej kadry" in empty.text and "format=csv" not in empty.text
    assert desk.get(f"/kis/report/{TODAY.year + 1}.pdf").status_code == 302


def test_the_pdf_reads_as_the_report_to_the_voivode(club, client_as):
    answer = client_as(Role.COORDINATOR).get(f"/kis/report/{YEAR}.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = text_of(answer.data)
    assert f"Sprawozdanie z działalności Klubu Integracji Społecznej za rok {YEAR}" in text
    for part in ("1. Kadra Klubu", "2. Uczestnicy według grup określonych w art. 1 ust. 2",
                 "3. Zrealizowane działania reintegracyjne", "4. Rozliczenie dotacji"):
        assert part in text, part
    # a target group's participants, ended, reached reintegration, then each effect
    assert ("Osoba uzależniona od alkoholu, narkotyków lub innych środków odurzających "
            "2 2 2 1 0 1 0 0 0") in text
    assert "Osoba chorująca psychicznie 1 1 0 0 0 0 0 1 0" in text
    assert "Razem 6 4 2 1" in text
    assert "w tym podjęli zatrudnienie: 1" in text
    assert "Aktywna integracja" in text and "20 000,00 zł" in text
    assert db.session.scalar(select(AuditLog.detail).where(
        AuditLog.entity == "kis_report")) == f"report for {YEAR} (PDF)"


def test_the_report_leaves_as_a_spreadsheet_of_its_figures(club, client_as):
    desk = client_as(Role.COORDINATOR)
    answer = desk.get(f"/kis/report/?year={YEAR}&format=xlsx")
    assert answer.status_code == 200
    rows = list(load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True))
    assert rows[0] == ("Część", "Pozycja", "Czego dotyczy", "Liczba")
    figures = {(r[1], r[2]): r[3] for r in rows[1:]}
    assert figures[("Razem", "Uczestnicy w roku")] == 6
    assert figures[("Razem", "Osiągnęli reintegrację")] == 2
    assert figures[("Razem", "Podjęcie pracy")] == 1
    csv = desk.get(f"/kis/report/?year={YEAR}&format=csv")
    assert csv.status_code == 200 and "Uczestnicy w roku" in csv.data.decode("utf-8-sig")


def test_the_page_asks_the_same_queries_however_many_participants(
        club, client_as, count_queries):
    desk = client_as(Role.COORDINATOR)
    desk.get("/kis/report/")
    with count_queries() as few:
        assert desk.get("/kis/report/").status_code == 200
    course = db.session.scalar(select(Group).where(Group.name == "Warsztaty zawodowe"))
    for n in range(20):
        member(course, list(TargetGroup)[n % 7], ended=date(YEAR, 12, 1) if n % 2 else None,
               effect=EndEffect.TRAINING if n % 2 else None)
    db.session.commit()
    with count_queries() as many:
        assert desk.get("/kis/report/").status_code == 200
    assert services.kis_report(YEAR).participants == 26
    assert len(many) == len(few) <= 10, "\n".join(many)


def test_the_end_form_asks_a_kis_member_what_they_reached(app, users, client_as):
    support = group("Grupa wsparcia", leader_id=users[Role.LEADER].id)
    db.session.commit()
    person = PersonFactory()
    membership = clubs.enrol(support, person, users[Role.COORDINATOR], TODAY,
                             {"target_group": TargetGroup.LONG_UNEMPLOYED})
    db.session.commit()
    desk = client_as(Role.COORDINATOR)
    page = desk.get(f"/clubs/groups/{support.id}").text
    assert 'name="end_effect"' in page and "Podjęcie pracy" in page
    refused = desk.post(f"/clubs/memberships/{membership.id}/end", data={"end_effect": ""})
    assert refused.status_code == 422
    db.session.refresh(membership)
    assert membership.status == MemberStatus.ACTIVE
    done = desk.post(f"/clubs/memberships/{membership.id}/end",
                     data={"end_effect": "employment"})
    assert done.status_code == 302
    db.session.refresh(membership)
    assert (membership.status, membership.end_effect) == (MemberStatus.ENDED,
                                                           EndEffect.EMPLOYMENT)
    assert "Podjęcie pracy" in desk.get(f"/clubs/groups/{support.id}").text
    assert db.session.scalar(select(AuditLog.fields).where(
        AuditLog.entity == "membership", AuditLog.entity_id == membership.id,
        AuditLog.detail == "ended: employment")) == "status,end_effect"


def test_the_coordinators_of_a_club_are_reminded_in_february_and_march_until_it_is_sent(
        app, users, client_as):
    year = TODAY.year - 1

    def told():
        return db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "kis_report")).all()

    def monday_at_nine(day: date) -> datetime:
        monday = day - timedelta(days=day.weekday())
        return local_to_utc(monday, time(9))

    february = monday_at_nine(date(TODAY.year, 2, 10))
    assert jobs.report_to_send(february) == 0  # a centre without a club is never told
    group("Grupa wsparcia")
    db.session.commit()
    assert jobs.report_to_send(monday_at_nine(date(TODAY.year, 1, 20))) == 0
    jobs.report_to_send(february)
    jobs.report_to_send(february + timedelta(hours=2))
    assert told() == [users[Role.COORDINATOR].id]
    jobs.report_to_send(monday_at_nine(date(TODAY.year, 3, 10)))
    assert len(told()) == 2
    desk = client_as(Role.COORDINATOR)
    assert desk.post(f"/kis/report/{year}/sent",
                     data={"sent_on": TODAY.isoformat()}).status_code == 302
    assert db.session.scalar(select(KisReportSent.year)) == year
    assert jobs.report_to_send(monday_at_nine(date(TODAY.year, 3, 24))) == 0
    assert len(told()) == 2
    assert "Wysłane do urzędu wojewódzkiego" in desk.get(f"/kis/report/?year={year}").text


def test_a_report_is_marked_sent_once_and_only_for_a_year_that_is_over(app, users):
    coordinator = users[Role.COORDINATOR]
    with pytest.raises(DomainError):
        services.mark_sent(TODAY.year, TODAY, coordinator, TODAY)
    with pytest.raises(DomainError):
        services.mark_sent(YEAR, TODAY + timedelta(days=1), coordinator, TODAY)
    services.mark_sent(YEAR, TODAY, coordinator, TODAY)
    with pytest.raises(DomainError):
        services.mark_sent(YEAR, TODAY, coordinator, TODAY)
    assert db.session.scalar(select(AuditLog.entity).where(
        AuditLog.detail.startswith(f"{YEAR}: sent on"))) == "kis_report"


def test_memberships_ended_before_the_question_have_their_effect_not_recorded(tmp_path):
    """The migration that adds the effect gives "not recorded" to the memberships that
    had ended, and nothing to those still running."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from cal import create_app
    from tests.conftest import config_for_tests

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(config_for_tests(url))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "d27b49805edb")  # the schema before it
        engine = create_engine(url)
        with engine.begin() as connection:
            # (a plain engine: SQLite checks no foreign key, so no group or person needed)
            for n, status in ((1, "ended"), (2, "active")):
                connection.execute(text(
                    "INSERT INTO memberships (id, group_id, person_id, status, asked_at, "
                    "end_reason, contract_ref, guest) VALUES "
                    f"({n}, 1, 1, '{status}', '2025-01-01', '', '', 0)"))
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert dict(connection.execute(text(
                "SELECT status, end_effect FROM memberships")).all()) == {
                "ended": "not_recorded", "active": None}
        engine.dispose()

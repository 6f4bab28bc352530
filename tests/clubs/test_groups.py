"""Groups, the waiting list, sessions from the schedule, and attendance taps: set,
never toggled blindly, one row per person, every change in the history; a leader
reaches only the groups they lead."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import delete, func, select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.holidays import holiday
from cal.core.once import new_key
from cal.core.timeutil import local_to_utc, local_today, to_local
from cal.extensions import db
from cal.people.models import Person
from clubs import attendance, reports, services
from clubs.models import (
    Attendance,
    AttendanceChange,
    Group,
    GroupKind,
    GroupSession,
    Mark,
    MemberStatus,
    SessionStatus,
)
from tests.factories import PersonFactory

TODAY = local_today()


def make_group(users, capacity=15, kind=GroupKind.SUPPORT, leader=Role.LEADER,
               weekday=None) -> Group:
    return services.save_group(
        None, {"name": "Grupa wsparcia", "kind": kind, "description": "", "place": "Sala 2",
               "capacity": capacity, "starts_on": TODAY - timedelta(days=90), "ends_on": None},
        [services.Slot(TODAY.weekday() if weekday is None else weekday, time(17), time(19))],
        [users[leader].id] if leader else [], users[Role.COORDINATOR])


def members(group, users, n: int, joined=TODAY):
    people = [PersonFactory(last_name=f"Uczestnik{i:02d}") for i in range(n)]
    for person in people:
        services.enrol(group, person, users[Role.COORDINATOR], joined)
    return people


def todays_session(group) -> GroupSession:
    return session_on(group, TODAY)


def session_on(group, day, starts=time(17), ends=time(19)) -> GroupSession:
    """The group's session on ``day`` by its weekly schedule (on a public holiday, when
    the schedule gives none, one added by hand, as a leader would)."""
    services.generate_sessions(group, min(day, TODAY))
    found = db.session.scalar(select(GroupSession).where(
        GroupSession.group_id == group.id,
        GroupSession.starts_at == local_to_utc(day, starts)))
    return found or services.add_session(group, day, starts, ends, "")


def test_the_waiting_list_moves_up_in_order(app, users):
    group = make_group(users, capacity=2)
    first, second, third, fourth = (PersonFactory() for _ in range(4))
    statuses = [services.enrol(group, p, users[Role.COORDINATOR], TODAY).status
                for p in (first, second, third, fourth)]
    assert statuses == [MemberStatus.ACTIVE, MemberStatus.ACTIVE, MemberStatus.WAITING,
                        MemberStatus.WAITING]
    active = {m.person_id: m for m in services.members_of(group)}
    services.end_membership(active[first.id], "przeprowadzka", users[Role.COORDINATOR], TODAY)
    now = {m.person_id: m.status for m in services.members_of(group)}
    assert now == {second.id: MemberStatus.ACTIVE, third.id: MemberStatus.ACTIVE,
                   fourth.id: MemberStatus.WAITING}  # the first to have asked moved up


def test_sessions_come_from_the_schedule_once(app, users):
    group = make_group(users)
    made = services.generate_sessions(group, TODAY)
    weeks = [TODAY + timedelta(days=7 * n) for n in range(5)]
    # today and the same weekday in each of the four weeks after, but a public holiday
    assert made == sum(1 for day in weeks if not holiday(day))
    assert services.generate_sessions(group, TODAY) == 0  # generating twice adds nothing
    session = todays_session(group)
    services.cancel_session(session, "choroba prowadzącej", users[Role.LEADER], TODAY)
    assert session.status == SessionStatus.CANCELLED
    assert services.generate_sessions(group, TODAY) == 0  # a cancelled one is not remade


def test_a_tap_sets_a_mark_once_however_often_it_arrives(app, users):
    group = make_group(users)
    person, = members(group, users, 1)
    session = todays_session(group)
    leader = users[Role.LEADER]
    for _ in range(5):
        assert attendance.set_mark(session.id, person.id, Mark.ABSENT, leader, TODAY)
    assert attendance.set_mark(session.id, person.id, Mark.EXCUSED, leader, TODAY)
    rows = db.session.scalars(select(Attendance)).all()
    assert [(r.person_id, r.mark) for r in rows] == [(person.id, Mark.EXCUSED)]
    history = [(c.from_mark, c.to_mark) for c in attendance.history_of(session)]
    assert history == [(None, Mark.ABSENT), (Mark.ABSENT, Mark.EXCUSED)]


def test_a_mark_is_refused_outside_the_rules(app, users):
    group = make_group(users)
    member, = members(group, users, 1)
    stranger = PersonFactory()
    session = todays_session(group)
    other_leader = User(email="inny@test.local", full_name="Inny Prowadzący", role=Role.LEADER)
    db.session.add(other_leader)
    db.session.flush()
    assert not attendance.set_mark(session.id, stranger.id, Mark.PRESENT, users[Role.LEADER],
                                 TODAY)  # not a member
    assert not attendance.set_mark(session.id, member.id, Mark.PRESENT, other_leader, TODAY)
    old = services.add_session(group, TODAY - timedelta(days=10), time(10), time(12), "")
    assert not attendance.set_mark(old.id, member.id, Mark.PRESENT, users[Role.LEADER], TODAY)
    assert attendance.set_mark(old.id, member.id, Mark.PRESENT, users[Role.COORDINATOR], TODAY)
    services.cancel_session(session, "remont", users[Role.COORDINATOR], TODAY)
    assert not attendance.set_mark(session.id, member.id, Mark.PRESENT, users[Role.COORDINATOR],
                                 TODAY)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_everyone_else_present_marks_only_the_unmarked(app, users):
    group = make_group(users)
    people = members(group, users, 15)
    session = todays_session(group)
    leader = users[Role.LEADER]
    attendance.set_mark(session.id, people[3].id, Mark.ABSENT, leader, TODAY)
    assert attendance.all_present(session, leader, TODAY) == 14
    marks = dict(db.session.execute(select(Attendance.person_id, Attendance.mark)).all())
    assert marks[people[3].id] == Mark.ABSENT
    assert sum(1 for m in marks.values() if m == Mark.PRESENT) == 14


# Pages ------------------------------------------------------------------------------------

def test_a_leader_takes_attendance_with_taps_answered_by_small_fragments(
        client_as, users, count_queries):
    group = make_group(users)
    people = members(group, users, 15)
    session = todays_session(group)
    db.session.commit()
    client = client_as(Role.LEADER)
    page = client.get(f"/clubs/sessions/{session.id}")
    assert page.status_code == 200 and page.text.count('class="mark mark-none"') == 15
    headers = {"HX-Request": "true", "HX-Target": f"mark-{people[0].id}"}
    with count_queries() as queries:
        tap = client.post(f"/clubs/sessions/{session.id}/mark", headers=headers,
                          data={"person": people[0].id, "mark": "present"})
    assert tap.status_code == 200 and len(tap.data) < 2048 and "<html" not in tap.text
    assert 'class="mark mark-present"' in tap.text and '"mark": "absent"' in tap.text
    assert len(queries) <= 3, "\n".join(queries)
    again = client.post(f"/clubs/sessions/{session.id}/mark", headers=headers,
                        data={"person": people[0].id, "mark": "present"})
    assert again.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1
    client.post(f"/clubs/sessions/{session.id}/all-present",
                headers={"HX-Request": "true", "HX-Target": "attendance"})
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(
        Attendance.mark == Mark.PRESENT)) == 15
    assert db.session.scalar(select(func.count()).select_from(AttendanceChange)) == 15


def test_a_refused_tap_says_it_was_not_saved(client_as, users):
    group = make_group(users)
    members(group, users, 1)
    stranger = PersonFactory()
    session = todays_session(group)
    db.session.commit()
    refused = client_as(Role.LEADER).post(
        f"/clubs/sessions/{session.id}/mark", data={"person": stranger.id, "mark": "present"},
        headers={"HX-Request": "true", "HX-Target": f"mark-{stranger.id}"})
    assert refused.status_code == 409 and "mark-refused" in refused.text
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_everyone_else_present_refused_answers_the_list_with_the_reason(client_as, users):
    group = make_group(users)
    members(group, users, 2)
    session = todays_session(group)
    db.session.commit()
    client = client_as(Role.LEADER)
    assert 'id="all-present"' in client.get(f"/clubs/sessions/{session.id}").text
    services.cancel_session(session, "choroba prowadzącej", users[Role.COORDINATOR], TODAY)
    db.session.commit()  # meanwhile, on another device
    refused = client.post(f"/clubs/sessions/{session.id}/all-present",
                          headers={"HX-Request": "true", "HX-Target": "attendance"})
    assert refused.status_code == 422 and "<html" not in refused.text
    assert 'class="flash flash-error" role="alert"' in refused.text  # the reason, in the list
    assert 'class="attendance"' in refused.text and 'id="all-present"' not in refused.text
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


@pytest.mark.parametrize("size", [1, 30])
def test_the_session_page_keeps_to_the_query_budget(client_as, users, count_queries, size):
    group = make_group(users, capacity=40)
    people = members(group, users, size)
    session = todays_session(group)
    for person in people[::2]:
        attendance.set_mark(session.id, person.id, Mark.PRESENT, users[Role.LEADER], TODAY)
    db.session.commit()
    client = client_as(Role.LEADER)
    client.get(f"/clubs/sessions/{session.id}")
    with count_queries() as queries:
        assert client.get(f"/clubs/sessions/{session.id}").status_code == 200
    assert len(queries) <= 10, "\n".join(queries)


def test_a_leader_reaches_only_the_groups_they_lead(client_as, users, app):
    own = make_group(users)
    other = make_group(users, leader=None)
    person, = members(other, users, 1)
    theirs = todays_session(other)
    db.session.commit()
    client = client_as(Role.LEADER)
    assert "Grupa wsparcia" in client.get("/clubs/").text
    # Every clubs route that names a group or a session of another leader is refused.
    values = {"group_id": other.id, "session_id": theirs.id}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/clubs/") or not (set(rule.arguments) & set(values)):
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            answer = client.open(url, method=method, data={"person": person.id,
                                                           "mark": "present"})
            assert answer.status_code in (403, 404), (method, url, answer.status_code)
            checked += 1
    assert checked >= 8
    assert client.get(f"/clubs/groups/{own.id}").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def at_door(data: dict, key: str | None = None) -> dict:
    """The newcomer form as its page sends it: with the key of that page."""
    return {**data, "once_key": key or new_key()}


def test_a_walk_in_is_found_by_name_or_registered_and_marked_present(client_as, users):
    group = make_group(users)
    members(group, users, 1)
    other = make_group(users)  # another group the leader leads
    known = PersonFactory(first_name="Halina", last_name="Kowalska", birth_date=date(1950, 5, 1))
    services.enrol(other, known, users[Role.COORDINATOR], TODAY)
    session = todays_session(group)
    db.session.commit()
    client = client_as(Role.LEADER)
    data = {"first_name": "Halina", "last_name": "Kowalska", "birth_date": "1950-05-01",
            "as_member": "guest"}
    asked = client.post(f"/clubs/sessions/{session.id}/newcomer", data=at_door(data))
    assert asked.status_code == 422 and f'value="{known.id}"' in asked.text
    sent = client.post(f"/clubs/sessions/{session.id}/newcomer",
                       data=at_door({**data, "same_as": str(known.id)}))
    assert sent.status_code == 302
    guest = db.session.scalar(select(Attendance).where(Attendance.person_id == known.id))
    assert guest.mark == Mark.PRESENT and guest.guest
    # a leader adds guests; enrolling is for coordinators (with the KIS details)
    client.post(f"/clubs/sessions/{session.id}/newcomer", data=at_door({
        "first_name": "Gość", "last_name": "Przypadkowy", "as_member": "member"}))
    assert len([m for m in services.members_of(group) if m.status == MemberStatus.ACTIVE]) == 1
    new = client_as(Role.COORDINATOR).post(
        f"/clubs/sessions/{session.id}/newcomer",
        data=at_door({"first_name": "Nowy", "last_name": "Uczestnik", "as_member": "member"}))
    assert new.status_code == 302
    assert len([m for m in services.members_of(group) if m.status == MemberStatus.ACTIVE]) == 2
    # only a person the names matched can be chosen: no stepping through the registry
    stranger = PersonFactory(first_name="Inna", last_name="Osoba")
    db.session.commit()
    refused = client.post(f"/clubs/sessions/{session.id}/newcomer", data=at_door({
        **data, "same_as": str(stranger.id)}))
    assert refused.status_code == 404


def test_a_leader_at_the_door_finds_only_people_of_the_groups_they_lead(client_as, users):
    """Someone of the registry outside the leader's groups, given by name and birth date,
    is neither shown nor added: the leader registers someone new (a coordinator joins
    the two records later); a coordinator at the same door is shown them."""
    group = make_group(users)
    elsewhere = make_group(users, leader=None)
    outsider = PersonFactory(first_name="Halina", last_name="Obca", birth_date=date(1948, 3, 1))
    services.enrol(elsewhere, outsider, users[Role.COORDINATOR], TODAY)
    session = todays_session(group)
    db.session.commit()
    url = f"/clubs/sessions/{session.id}/newcomer"
    data = {"first_name": "Halina", "last_name": "Obca", "birth_date": "1948-03-01",
            "as_member": "guest"}
    by_coordinator = client_as(Role.COORDINATOR).post(url, data=at_door(data))
    assert by_coordinator.status_code == 422 and f'value="{outsider.id}"' in by_coordinator.text
    db.session.rollback()
    leader = client_as(Role.LEADER)
    form = leader.get(f"/clubs/sessions/{session.id}").text
    assert "koordynator połączy" in form  # the leader is told how a duplicate is handled
    assert leader.post(url, data=at_door({**data, "same_as": str(outsider.id)})).status_code == 404
    assert leader.post(url, data=at_door(data)).status_code == 302
    came = db.session.scalars(select(Attendance.person_id).where(
        Attendance.session_id == session.id)).all()
    assert len(came) == 1 and came[0] != outsider.id
    assert db.session.scalar(select(func.count()).select_from(Person).where(
        Person.last_name == "Obca")) == 2  # registered anew, the outsider not revealed


def test_a_newcomer_is_not_registered_twice_nor_with_an_impossible_birth_date(
        client_as, users):
    group = make_group(users)
    (member,) = members(group, users, 1)
    session = todays_session(group)
    db.session.commit()
    client = client_as(Role.LEADER)
    url = f"/clubs/sessions/{session.id}/newcomer"
    persons = lambda: db.session.scalar(select(func.count()).select_from(Person))  # noqa: E731
    before = persons()
    for day in ("2999-01-01", "1850-01-01"):
        refused = client.post(url, data=at_door({"first_name": "Jan", "last_name": "Testowy",
                                                 "birth_date": day, "as_member": "guest"}))
        assert refused.status_code == 422 and persons() == before
        field = refused.text[refused.text.index('id="birth_date"'):]
        assert 'class="field-error"' in field[:field.index("</div>") + 600]
    # a member at the door, given without a birth date: found, and marked as a member
    asked = client.post(url, data=at_door({"first_name": member.first_name,
                                           "last_name": member.last_name, "as_member": "guest"}))
    assert asked.status_code == 422 and f'value="{member.id}"' in asked.text
    chosen = client.post(url, data=at_door({
        "first_name": member.first_name, "as_member": "guest",
        "last_name": member.last_name, "same_as": str(member.id)}))
    assert chosen.status_code == 302 and persons() == before
    mark = db.session.scalar(select(Attendance).where(Attendance.person_id == member.id))
    assert mark.mark == Mark.PRESENT and not mark.guest
    # someone new, sent again: the second time they are found, not registered again
    data = {"first_name": "Jan", "last_name": "Testowy", "as_member": "guest"}
    assert client.post(url, data=at_door(data)).status_code == 302 and persons() == before + 1
    jan = db.session.scalar(select(Person).where(Person.last_name == "Testowy"))
    again = client.post(url, data=at_door(data))
    assert again.status_code == 422 and f'name="same_as" value="{jan.id}"' in again.text
    assert persons() == before + 1
    # the answer "someone else" tapped twice (or sent again on a bad network): once
    answer = at_door({**data, "same_as": "0"})
    for _ in range(2):
        assert client.post(url, data=answer).status_code == 302
    assert persons() == before + 2


def test_a_name_alone_shows_a_leader_only_people_of_the_group(client_as, users):
    """Without a birth date, a leader is not shown everyone of that name in the registry
    (with their years of birth); a coordinator is."""
    group = make_group(users)
    stranger = PersonFactory(first_name="Halina", last_name="Obca", birth_date=date(1948, 3, 1))
    session = todays_session(group)
    db.session.commit()
    data = {"first_name": "Halina", "last_name": "Obca", "as_member": "guest"}
    url = f"/clubs/sessions/{session.id}/newcomer"
    by_leader = client_as(Role.LEADER).post(url, data=at_door(data))
    assert f'value="{stranger.id}"' not in by_leader.text and "1948" not in by_leader.text
    db.session.rollback()
    by_coordinator = client_as(Role.COORDINATOR).post(
        url, data=at_door({**data, "last_name": "obca"}))
    assert by_coordinator.status_code == 422 and f'value="{stranger.id}"' in by_coordinator.text


def test_a_new_member_at_the_door_of_a_full_group_stays_on_the_waiting_list(client_as, users):
    """The message says they are on the waiting list: so they are (it was undone)."""
    group = make_group(users, capacity=1)
    members(group, users, 1)
    session = todays_session(group)
    db.session.commit()
    sent = client_as(Role.COORDINATOR).post(
        f"/clubs/sessions/{session.id}/newcomer", follow_redirects=True,
        data=at_door({"first_name": "Nowa", "last_name": "Czekająca", "as_member": "member"}))
    assert "Grupa jest pełna: Nowa Czekająca jest na liście oczekujących." in sent.text
    person = db.session.scalar(select(Person).where(Person.last_name == "Czekająca"))
    waiting = [m for m in services.members_of(group) if m.person_id == person.id]
    assert [m.status for m in waiting] == [MemberStatus.WAITING]
    assert db.session.scalar(select(Attendance).where(Attendance.person_id == person.id)) is None


def test_two_members_of_one_name_are_told_apart_by_their_year_of_birth(client_as, users):
    group = make_group(users)
    for year in (1954, 1956):
        services.enrol(group, PersonFactory(first_name="Anna", last_name="Kozłowska",
                                            birth_date=date(year, 2, 1)),
                       users[Role.COORDINATOR], TODAY)
    (other,) = members(group, users, 1)
    session = todays_session(group)
    db.session.commit()
    page = client_as(Role.LEADER).get(f"/clubs/sessions/{session.id}").text
    assert "Kozłowska Anna (1954)" in page and "Kozłowska Anna (1956)" in page
    assert f"{other.last_name} {other.first_name}</span>" in page  # no year when unique


# Statistics and printed documents -------------------------------------------------------

def _past_month_with_marks(users, group, people):
    """Sessions of last month with marks: person 0 absent the last three times."""
    first = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    services.generate_sessions(group, first, weeks=5)
    sessions = [s for s in db.session.scalars(select(GroupSession).where(
        GroupSession.group_id == group.id).order_by(GroupSession.starts_at))
        if first <= reports.to_local(s.starts_at).date() < TODAY.replace(day=1)]
    for i, session in enumerate(sessions):
        for j, person in enumerate(people):
            absent = j == 0 and i >= len(sessions) - 3
            mark = Mark.ABSENT if absent else (Mark.EXCUSED if j == 1 and i == 0 else Mark.PRESENT)
            attendance.set_mark(session.id, person.id, mark, users[Role.COORDINATOR], TODAY)
    return first, sessions


def test_the_month_report_counts_rates_occupancy_and_who_is_dropping(app, users):
    group = make_group(users, capacity=4, kind=GroupKind.SENIOR_CLASS,
                       weekday=(TODAY.weekday() + 1) % 7)
    people = members(group, users, 3, joined=TODAY - timedelta(days=90))
    first, sessions = _past_month_with_marks(users, group, people)
    report = reports.month_report(group, first)
    assert len(report.sessions) == len(sessions) >= 4
    lines = {line.person.id: line for line in report.lines}
    assert lines[people[0].id].count(Mark.ABSENT) == 3
    assert lines[people[1].id].count(Mark.EXCUSED) == 1
    assert lines[people[2].id].rate == 1.0
    assert [line.person.id for line in report.dropping] == [people[0].id]
    assert report.members == 3 and report.occupancy == 0.75


def test_the_attendance_sheet_lists_the_right_marks(client_as, users):
    from tests.volunteers.documents.test_documents import text_of

    group = make_group(users, weekday=(TODAY.weekday() + 1) % 7)
    people = members(group, users, 3, joined=TODAY - timedelta(days=90))
    first, sessions = _past_month_with_marks(users, group, people)
    db.session.commit()
    sheet = client_as(Role.LEADER).get(
        f"/clubs/groups/{group.id}/sheet.pdf?month={first:%Y-%m}")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    text = text_of(sheet.data)
    assert "LISTA OBECNOŚCI" in text and "Grupa wsparcia" in text
    for session in sessions:
        assert reports.to_local(session.starts_at).strftime("%d.%m") in text
    row = text.split(f"{people[0].first_name} {people[0].last_name}")[1].split("Uczestnik")[0]
    assert row.count("nieob.") == 3
    assert row.count("ob.") - row.count("nieob.") == len(sessions) - 3  # the same for all
    assert f"{len(sessions) - 3} / {len(sessions)}" in row
    assert client_as(Role.LEADER).get(
        f"/clubs/groups/{group.id}/sheet.pdf?month=2026-13").status_code == 400


def test_the_kis_certificate_follows_the_end_of_participation(client_as, users):
    from tests.volunteers.documents.test_documents import text_of

    group = make_group(users, weekday=(TODAY.weekday() + 1) % 7)
    person, = members(group, users, 1, joined=TODAY - timedelta(days=90))
    membership = services.members_of(group)[0]
    membership.contract_ref = "KS/2026/17"
    _past_month_with_marks(users, group, [person])
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    assert client.get(f"/clubs/memberships/{membership.id}/certificate.pdf").status_code == 404
    client.post(f"/clubs/memberships/{membership.id}/end",
                data={"reason": "podjęcie pracy", "end_effect": "employment"})
    page = client.get(f"/clubs/groups/{group.id}").text
    assert f"/clubs/memberships/{membership.id}/certificate.pdf" in page
    pdf = client.get(f"/clubs/memberships/{membership.id}/certificate.pdf")
    text = text_of(pdf.data)
    assert "ZAŚWIADCZENIE" in text and "Klubie Integracji Społecznej" in text
    assert "KS/2026/17" in text and person.last_name in text


def test_a_coordinator_creates_a_group_from_the_form_and_its_sessions_follow(client_as, users):
    client = client_as(Role.COORDINATOR)
    page = client.get("/clubs/groups/new").text
    key = page.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    sent = client.post("/clubs/groups/new", data={
        "once_key": key, "name": "Klub rękodzieła", "kind": "senior_class", "capacity": "12",
        "starts_on": TODAY.isoformat(), "place": "Sala 1", "leaders": [str(users[Role.LEADER].id)],
        "slot0-weekday": str(TODAY.weekday()), "slot0-starts": "11:00", "slot0-ends": "13:00",
        "slot1-weekday": "", "slot2-weekday": ""})
    assert sent.status_code == 302
    group = db.session.scalar(select(Group))
    assert group.name == "Klub rękodzieła" and len(services.slots_of(group)) == 1
    assert db.session.scalar(select(func.count()).select_from(GroupSession)) == 5
    # The meeting moves to another hour: the old future sessions go, none doubles.
    edit = client.get(f"/clubs/groups/{group.id}/edit").text
    key = edit.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    client.post(f"/clubs/groups/{group.id}/edit", data={
        "once_key": key, "name": "Klub rękodzieła", "kind": "senior_class", "capacity": "12",
        "starts_on": TODAY.isoformat(), "leaders": [str(users[Role.LEADER].id)],
        "slot0-weekday": str((TODAY.weekday() + 1) % 7), "slot0-starts": "12:00",
        "slot0-ends": "14:00"})
    db.session.expire_all()
    planned = db.session.scalars(select(GroupSession).where(
        GroupSession.status == SessionStatus.PLANNED)).all()
    assert all(reports.to_local(s.starts_at).hour == 12 or
               reports.to_local(s.starts_at).date() == TODAY for s in planned)
    assert len([s for s in planned if reports.to_local(s.starts_at).hour == 12]) in (4, 5)


def test_no_marks_ahead_of_today_and_no_changes_to_old_sessions_by_a_leader(app, users):
    group = make_group(users)
    person, = members(group, users, 1)
    ahead = services.add_session(group, TODAY + timedelta(days=3), time(10), time(12), "")
    assert not attendance.set_mark(ahead.id, person.id, Mark.PRESENT, users[Role.COORDINATOR],
                                 TODAY)
    old = services.add_session(group, TODAY - timedelta(days=20), time(10), time(12), "")
    with pytest.raises(DomainError):
        services.move_session(old, TODAY, time(10), time(12), users[Role.LEADER], TODAY)
    with pytest.raises(DomainError):
        services.cancel_session(old, "pomyłka", users[Role.LEADER], TODAY)
    services.cancel_session(old, "pomyłka", users[Role.COORDINATOR], TODAY)
    with pytest.raises(DomainError):  # moving never brings a cancelled session back
        services.move_session(old, TODAY, time(10), time(12), users[Role.COORDINATOR], TODAY)


def test_a_member_who_rejoins_counts_once_and_guests_do_not_change_the_rate(app, users):
    group = make_group(users, capacity=4, kind=GroupKind.SENIOR_CLASS)
    person, = members(group, users, 1, joined=TODAY.replace(day=1))
    services.end_membership(services.members_of(group)[0], "", users[Role.COORDINATOR], TODAY)
    services.enrol(group, person, users[Role.COORDINATOR], TODAY)
    # At midnight, so it has begun (and is counted) at any hour the test runs.
    session = services.add_session(group, TODAY, time(0, 0), time(0, 30), "")
    attendance.set_mark(session.id, person.id, Mark.PRESENT, users[Role.COORDINATOR], TODAY)
    guest = PersonFactory()
    attendance.set_mark(session.id, guest.id, Mark.ABSENT, users[Role.COORDINATOR], TODAY,
                      guest=True)
    report = reports.month_report(group, TODAY.replace(day=1))
    assert report.members == 1 and report.occupancy == 0.25
    assert report.rate == 1.0  # the guest's absence is not the group's


def test_the_schedule_skips_polish_public_holidays(users):
    """Christmas Eve 2026 is a Thursday: a Thursday group does not meet; a week later
    it does (the holidays come from a maintained calendar, not a list of ours)."""
    group = services.save_group(
        None, {"name": "Klub czwartkowy", "kind": GroupKind.SUPPORT, "description": "",
               "place": "Sala 1", "capacity": 10, "starts_on": date(2026, 12, 1),
               "ends_on": date(2027, 1, 10)},
        [services.Slot(3, time(17), time(19))], [], users[Role.COORDINATOR])
    db.session.execute(delete(GroupSession).where(GroupSession.group_id == group.id))
    services.generate_sessions(group, date(2026, 12, 14), weeks=3)
    days = [to_local(s.starts_at).date() for s in db.session.scalars(
        select(GroupSession).where(GroupSession.group_id == group.id)
        .order_by(GroupSession.starts_at))]
    assert days == [date(2026, 12, 17), date(2026, 12, 31)]


def test_two_members_of_the_same_name_are_told_apart_on_the_sheet_and_in_the_statistics(
        client_as, users):
    from tests.volunteers.documents.test_documents import text_of

    group = make_group(users, weekday=(TODAY.weekday() + 1) % 7)
    twins = [PersonFactory(first_name="Anna", last_name="Nowak", birth_date=date(year, 5, 1))
             for year in (1950, 1962)]
    for person in twins:
        services.enrol(group, person, users[Role.COORDINATOR], TODAY - timedelta(days=90))
    first, _sessions = _past_month_with_marks(users, group, twins)
    db.session.commit()
    stats = client_as(Role.LEADER).get(
        f"/clubs/groups/{group.id}/stats?month={first:%Y-%m}").text
    assert "Nowak Anna (1950)" in stats and "Nowak Anna (1962)" in stats
    sheet = text_of(client_as(Role.LEADER).get(
        f"/clubs/groups/{group.id}/sheet.pdf?month={first:%Y-%m}").data)
    assert "Anna Nowak (1950)" in sheet and "Anna Nowak (1962)" in sheet


def test_the_sheet_printed_at_the_start_of_the_month_has_a_column_for_every_meeting(
        client_as, users):
    """The sheet of the current month lists the meetings still to come: those planned
    and the dates the weekly schedule gives beyond them (public holidays skipped)."""
    from tests.volunteers.documents.test_documents import text_of

    tomorrow = TODAY + timedelta(days=1)
    group = make_group(users, weekday=tomorrow.weekday())
    db.session.execute(delete(GroupSession).where(GroupSession.group_id == group.id))
    services.generate_sessions(group, TODAY, weeks=1)  # planned: only the first week
    db.session.commit()
    first, last = reports.month_bounds(TODAY.replace(day=1))
    expected = [tomorrow + timedelta(days=7 * n) for n in range(6)]
    expected = [d for d in expected if d <= last and not holiday(d)]
    text = text_of(client_as(Role.LEADER).get(
        f"/clubs/groups/{group.id}/sheet.pdf?month={first:%Y-%m}").data)
    for day in expected:
        assert f"{day:%d.%m}" in text, day
    if expected:
        assert f"zaplanowanych do końca miesiąca: {len(expected)}" in text

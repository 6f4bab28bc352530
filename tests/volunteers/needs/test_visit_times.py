"""Agreed weekly visit times of a match: set by the coordinator or the match's own
volunteer, refused beside the field when they clash, and followed by the match's "When",
the next visits, the calendar feed and the reminders."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from cal.core.access import Role
from cal.core.audit import AuditLog
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today
from cal.extensions import db
from cal.notifications.models import Notification
from cal.people import rodo
from cal.people.models import SubjectKind
from tests.volunteers.needs.test_needs import child_request, tutor, volunteer_account
from volunteers.hours import services as hours
from volunteers.needs import calendar, jobs, visits
from volunteers.needs import services as needs
from volunteers.needs.models import EndCause, HelpRequest, Match, MatchStatus
from volunteers.needs.visit_models import VisitTime

TODAY = local_today()
TUESDAY = 1


@pytest.fixture(autouse=True)
def in_english(app):
    with force_locale("en"):
        yield


def accepted(volunteer, users, slots: int = 0, first_name: str = "Zosia") -> Match:
    """An accepted match; with no slots the family's and the volunteer's free times do
    not overlap."""
    request = child_request(slots=slots)
    request.person.first_name = first_name
    match = needs.propose(request, [volunteer.id], users[Role.COORDINATOR], TODAY)[0]
    needs.answer(match, volunteer, users[Role.VOLUNTEER], True, "", TODAY)
    db.session.flush()
    return visits.match_for_times(match.id)


def times(*rows):
    return [(day, time(*start), time(*end)) for day, start, end in rows]


def refusal(match, rows, actor) -> dict[str, str]:
    with pytest.raises(DomainError) as refused:
        visits.set_times(match, rows, actor)
    return refused.value.fields


def test_without_a_shared_free_time_the_match_is_to_be_agreed_until_times_are(
        client_as, users):
    mine = tutor(user_id=users[Role.VOLUNTEER].id)
    match = accepted(mine, users)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get("/volunteers/me/matches").text
    assert "do ustalenia" in page
    assert f'href="/volunteers/me/matches/{match.id}/times" role="button"' in page
    visits.set_times(match, times((TUESDAY, (17, 0), (18, 30))), users[Role.VOLUNTEER])
    db.session.commit()
    assert visits.when(visits.match_for_times(match.id)) == ["Tuesday 17:00–18:30"]
    page = client.get("/volunteers/me/matches").text
    assert "17:00–18:30" in page and "do ustalenia" not in page
    assert f'href="/volunteers/me/matches/{match.id}/times" role="button"' not in page


def test_agreed_times_take_precedence_over_the_computed_overlap(users):
    match = accepted(tutor(), users, slots=0b11)  # Monday 8–10 and 10–12
    assert visits.when(match) == ["Monday 08:00–10:00", "Monday 10:00–12:00"]
    visits.set_times(match, times((3, (16, 0), (17, 0))), users[Role.COORDINATOR])
    assert visits.when(match) == ["Thursday 16:00–17:00"]
    assert visits.computed(match) and visits.on(match, TODAY) == (
        [visits.WeeklyVisit(3, time(16), time(17))] if TODAY.weekday() == 3 else [])


def test_an_end_not_after_the_start_is_refused_beside_the_end(users):
    match = accepted(tutor(), users)
    fields = refusal(match, times((TUESDAY, (18, 0), (17, 0)), (4, (9, 0), (9, 0))),
                     users[Role.COORDINATOR])
    assert fields == {"times-0-ends": "The end must be after the start.",
                      "times-1-ends": "The end must be after the start."}
    assert db.session.scalar(select(func.count()).select_from(VisitTime)) == 0


def test_a_row_without_its_day_or_time_is_refused_and_none_at_all_too(users):
    match = accepted(tutor(), users)
    coordinator = users[Role.COORDINATOR]
    assert refusal(match, [(None, time(17), time(18))], coordinator) == {
        "times-0-weekday": "Choose the day."}
    assert refusal(match, [(None, None, None), (2, time(17), None)], coordinator) == {
        "times-1-ends": "Enter the time."}
    assert list(refusal(match, [(None, None, None)] * 3, coordinator)) == ["times-0-weekday"]


def test_times_clashing_with_the_volunteers_other_match_are_refused_by_name(users):
    volunteer = tutor(capacity=3)
    other = accepted(volunteer, users, first_name="Kuba")
    visits.set_times(other, times((TUESDAY, (17, 0), (18, 0))), users[Role.COORDINATOR])
    computed = accepted(volunteer, users, slots=1 << (2 * 6 + 3), first_name="Ola")  # Wed 14–16
    match = accepted(volunteer, users)
    fields = refusal(match, times((TUESDAY, (17, 30), (19, 0)), (2, (15, 0), (16, 0))),
                     users[Role.COORDINATOR])
    assert fields == {
        "times-0-starts": "It overlaps the visits to Kuba: Tuesday 17:00–18:00.",
        "times-1-starts": "It overlaps the visits to Ola: Wednesday 14:00–16:00."}
    # back to back is no overlap; an ended match keeps no time
    visits.set_times(match, times((TUESDAY, (18, 0), (19, 0))), users[Role.COORDINATOR])
    needs.change_match(computed, MatchStatus.ENDED, "koniec", users[Role.COORDINATOR], TODAY,
                       EndCause.GOAL_REACHED)
    visits.set_times(match, times((2, (15, 0), (16, 0))), users[Role.COORDINATOR])
    assert visits.when(match) == ["Wednesday 15:00–16:00"]


def test_two_rows_of_one_match_may_not_overlap(users):
    match = accepted(tutor(), users)
    fields = refusal(match, times((TUESDAY, (17, 0), (18, 0)), (TUESDAY, (17, 45), (19, 0))),
                     users[Role.COORDINATOR])
    assert fields == {"times-1-starts": "It overlaps another time given here: "
                                        "Tuesday 17:00–18:00."}


def test_only_an_accepted_match_gets_times(users):
    request = child_request()
    proposed = needs.propose(request, [tutor().id], users[Role.COORDINATOR], TODAY)[0]
    with pytest.raises(DomainError):
        visits.set_times(visits.match_for_times(proposed.id),
                         times((TUESDAY, (17, 0), (18, 0))), users[Role.COORDINATOR])


def test_a_change_is_audited_and_the_other_side_is_told(users):
    volunteer = tutor()
    volunteer_account(volunteer, "tutor@test.local")
    match = accepted(volunteer, users)
    visits.set_times(match, times((TUESDAY, (17, 0), (18, 0))), users[Role.COORDINATOR])
    told = db.session.scalar(select(Notification).where(
        Notification.user_id == volunteer.user_id, Notification.kind == "match_times"))
    assert "17:00–18:00" in told.body
    logged = db.session.scalar(select(AuditLog).where(AuditLog.entity == "match",
                                                      AuditLog.fields == "visit_times"))
    assert logged.entity_id == match.id and logged.detail == "1:17:00-18:00"
    visits.set_times(match, times((4, (9, 0), (10, 0))), users[Role.VOLUNTEER])
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == users[Role.COORDINATOR].id,
        Notification.kind == "match_times")) >= 1


def test_the_calendar_reminders_and_next_visits_follow_the_agreed_times(users):
    volunteer = tutor(user_id=users[Role.VOLUNTEER].id)
    match = accepted(volunteer, users, slots=0b11)
    tomorrow = TODAY + timedelta(days=1)
    visits.set_times(match, times((tomorrow.weekday(), (17, 15), (18, 45))),
                     users[Role.COORDINATOR])
    db.session.commit()
    feed = list(calendar.events(users[Role.VOLUNTEER], TODAY, TODAY + timedelta(days=7)))
    assert [(e[2].date(), e[2].time(), e[3].time()) for e in feed] == [
        (tomorrow, time(17, 15), time(18, 45))]
    assert jobs.visits_tomorrow(local_to_utc(TODAY, time(8))) >= 1
    reminder = db.session.scalar(select(Notification).where(
        Notification.kind == "visit_reminder", Notification.user_id == volunteer.user_id))
    assert "17:15–18:45" in reminder.title
    coming = hours.next_visits(volunteer, TODAY)
    assert [(v.day, v.start, v.end) for v in coming] == [(tomorrow, "17:15", "18:45")]


def test_the_rodo_export_of_the_person_holds_the_agreed_times(users):
    match = accepted(tutor(), users)
    visits.set_times(match, times((TUESDAY, (17, 0), (18, 0))), users[Role.COORDINATOR])
    db.session.commit()
    person_id = db.session.get(HelpRequest, match.request_id).person_id
    subject = rodo.gather(SubjectKind.PERSON, person_id)
    (row,) = subject.sections["match_visit_times"]
    assert (row["weekday"], row["starts"], row["ends"]) == (TUESDAY, time(17), time(18))


# Pages --------------------------------------------------------------------------------------

def test_the_volunteer_sets_the_times_of_their_own_match_from_the_phone(client_as, users):
    match = accepted(tutor(user_id=users[Role.VOLUNTEER].id), users)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    url = f"/volunteers/me/matches/{match.id}/times"
    page = client.get(url)
    assert page.status_code == 200 and 'name="times-0-weekday"' in page.text
    key = "k" * 32
    refused = client.post(url, data={"once_key": key, "times-0-weekday": "1",
                                     "times-0-starts": "18:00", "times-0-ends": "17:00"})
    assert refused.status_code == 422
    assert 'id="times-0-ends-error" class="field-error"' in refused.text
    saved = client.post(url, data={"once_key": key, "times-0-weekday": "1",
                                   "times-0-starts": "17:00", "times-0-ends": "18:00"})
    assert saved.status_code == 302 and saved.location.endswith("/volunteers/me/matches")
    assert [(t.weekday, t.starts) for t in db.session.scalars(select(VisitTime))] == [
        (TUESDAY, time(17))]


def test_a_volunteer_cannot_set_the_times_of_another_volunteers_match(client_as, users):
    tutor(user_id=users[Role.VOLUNTEER].id)
    theirs = accepted(tutor(), users)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    url = f"/volunteers/me/matches/{theirs.id}/times"
    assert client.get(url).status_code == 404
    posted = client.post(url, data={"once_key": "k" * 32, "times-0-weekday": "1",
                                    "times-0-starts": "17:00", "times-0-ends": "18:00"})
    assert posted.status_code == 404
    assert client.get(f"/volunteers/matches/{theirs.id}/times").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(VisitTime)) == 0


def test_the_coordinator_changes_the_times_from_the_requests_page(client_as, users):
    match = accepted(tutor(), users)
    visits.set_times(match, times((TUESDAY, (17, 0), (18, 0))), users[Role.COORDINATOR])
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/volunteers/requests/{match.request_id}").text
    assert f'href="/volunteers/matches/{match.id}/times"' in page and "17:00–18:00" in page
    form = client.get(f"/volunteers/matches/{match.id}/times").text
    assert 'value="17:00"' in form
    saved = client.post(f"/volunteers/matches/{match.id}/times", data={
        "once_key": "c" * 32, "times-0-weekday": "3", "times-0-starts": "16:00",
        "times-0-ends": "17:00"})
    assert saved.location.endswith(f"/volunteers/requests/{match.request_id}")
    assert visits.when(visits.match_for_times(match.id)) == ["Thursday 16:00–17:00"]


def test_a_match_not_accepted_has_no_times_page(client_as, users):
    proposed = needs.propose(child_request(), [tutor().id], users[Role.COORDINATOR], TODAY)[0]
    db.session.commit()
    assert client_as(Role.COORDINATOR).get(
        f"/volunteers/matches/{proposed.id}/times").status_code == 404


def test_the_times_page_keeps_to_the_query_budget(client_as, users, count_queries):
    mine = tutor(user_id=users[Role.VOLUNTEER].id, capacity=20)
    match = accepted(mine, users)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    url = f"/volunteers/me/matches/{match.id}/times"

    made = []

    def add(n):
        for _ in range(n):
            other = accepted(mine, users, first_name=f"Inna{len(made)}")
            visits.set_times(other, times((len(made), (9, 0), (10, 0))),
                             users[Role.COORDINATOR])
            made.append(other)
        db.session.commit()

    add(1)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(5)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many) <= 10, "\n".join(many)


def test_an_hour_entry_at_the_agreed_time_guesses_the_match(users):
    volunteer = tutor(user_id=users[Role.VOLUNTEER].id)
    match = accepted(volunteer, users)
    visits.set_times(match, times((TODAY.weekday(), (17, 0), (18, 0))),
                     users[Role.COORDINATOR])
    db.session.commit()
    choices = hours.choices_for(volunteer, TODAY)
    assert hours.likely_choice(volunteer, choices, TODAY).match.id == match.id

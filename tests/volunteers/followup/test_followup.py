"""Following a match: the contact log, check-ins planned two weeks after the start and
then at the interval of the kind of help, the family's voice, the matches gone quiet,
the end of a match with its cause and a new request, the start page and the morning
summary, RODO, access and the query budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.timeutil import local_to_utc, local_today
from cal.extensions import db
from cal.notifications.models import Notification
from cal.people import rodo
from cal.people.models import SubjectKind
from tests.factories import PersonFactory, VolunteerFactory
from volunteers.followup import services as followup
from volunteers.followup.models import CheckIn, ContactKind, MatchContact, Voice
from volunteers.followup.services import NextStep
from volunteers.hours.models import Activity, EntryStatus, HourEntry
from volunteers.models import HelpKind
from volunteers.needs.models import EndCause, HelpRequest, Match, MatchStatus, RequestStatus
from volunteers.profiles import jobs as profiles_jobs

TODAY = local_today()


@pytest.fixture(autouse=True)
def in_english(app):
    with force_locale("en"):
        yield


def helping(days_ago: int, kind: HelpKind = HelpKind.TUTORING, volunteer=None,
            person=None, status: MatchStatus = MatchStatus.ACTIVE) -> Match:
    request = HelpRequest(person_id=(person or PersonFactory(first_name="Zosia")).id,
                          kind=kind, subject="math" if kind == HelpKind.TUTORING else "",
                          grade=4 if kind == HelpKind.TUTORING else None, goal="Ułamki",
                          starts_on=TODAY - timedelta(days=days_ago),
                          status=RequestStatus.MATCHED)
    db.session.add(request)
    db.session.flush()
    match = Match(request_id=request.id, volunteer_id=(volunteer or VolunteerFactory()).id,
                  status=status, score=80, started_on=TODAY - timedelta(days=days_ago))
    db.session.add(match)
    db.session.flush()
    return followup.get_match(match.id)


def hours(match: Match, days_ago: int, status=EntryStatus.PENDING) -> None:
    db.session.add(HourEntry(volunteer_id=match.volunteer_id, key=f"k{match.id}-{days_ago}",
                             activity=Activity.MATCH, match_id=match.id, minutes=60,
                             worked_on=TODAY - timedelta(days=days_ago), status=status))
    db.session.flush()


# Check-ins --------------------------------------------------------------------------------

def test_the_first_check_in_is_two_weeks_after_the_start_and_each_moves_the_next(users):
    match = helping(days_ago=3)
    assert followup.next_check_in(match) == TODAY + timedelta(days=11)
    followup.record_check_in(match, Voice.SATISFIED, "", TODAY, users[Role.COORDINATOR], TODAY)
    assert followup.next_check_in(match) == TODAY + timedelta(days=30)


def test_the_interval_is_set_per_kind_of_help(users):
    coordinator = users[Role.COORDINATOR]
    followup.set_intervals({HelpKind.SENIOR: 21}, coordinator)
    senior, tutoring = helping(20, HelpKind.SENIOR), helping(20)
    for match in (senior, tutoring):
        followup.record_check_in(match, Voice.PARTLY, "", TODAY - timedelta(days=1),
                                 coordinator, TODAY)
    assert followup.next_check_in(senior) == TODAY + timedelta(days=20)
    assert followup.next_check_in(tutoring) == TODAY + timedelta(days=29)
    assert followup.intervals()[HelpKind.SENIOR] == 21
    with pytest.raises(DomainError, match="Between 7 and 180"):
        followup.set_intervals({HelpKind.SENIOR: 3}, coordinator)


def test_a_check_in_keeps_the_familys_voice_and_what_they_would_change(users):
    match = helping(days_ago=20)
    followup.record_check_in(match, Voice.NOT_SATISFIED, "Zajęcia przed 16:00",
                             TODAY, users[Role.COORDINATOR], TODAY)
    line, = followup.log_of(match)
    assert line.check_in.voice == Voice.NOT_SATISFIED
    assert line.check_in.to_change == "Zajęcia przed 16:00"
    assert line.check_in.due_on == TODAY - timedelta(days=6)  # the one it answered


def test_check_ins_due_are_those_of_active_matches_past_their_day(users):
    due, new, paused = helping(15), helping(5), helping(30, status=MatchStatus.PAUSED)
    held = helping(40)
    followup.record_check_in(held, Voice.SATISFIED, "", TODAY - timedelta(days=2),
                             users[Role.COORDINATOR], TODAY)
    rows = followup.due_check_ins(TODAY)
    assert [row.match.id for row in rows] == [due.id]
    assert rows[0].due_on == TODAY - timedelta(days=1)
    assert db.session.scalar(select(followup.due_count(TODAY))) == 1
    assert {new.id, paused.id, held.id}.isdisjoint(row.match.id for row in rows)


def test_no_check_in_for_a_match_that_is_not_active_or_on_a_day_to_come(users):
    coordinator = users[Role.COORDINATOR]
    with pytest.raises(DomainError, match="while the match is active"):
        followup.record_check_in(helping(20, status=MatchStatus.PAUSED), Voice.SATISFIED, "",
                                 TODAY, coordinator, TODAY)
    with pytest.raises(DomainError, match="future"):
        followup.record_check_in(helping(20), Voice.SATISFIED, "", TODAY + timedelta(days=1),
                                 coordinator, TODAY)


# Contacts and quiet matches ----------------------------------------------------------------

def test_a_contact_is_logged_with_its_day_who_and_note_the_latest_first(users):
    match = helping(days_ago=20)
    coordinator = users[Role.COORDINATOR]
    followup.add_contact(match, ContactKind.FAMILY_CALL, TODAY - timedelta(days=5),
                         "Mama zadowolona", coordinator, TODAY)
    followup.add_contact(match, ContactKind.VOLUNTEER_TALK, TODAY, "Prosi o materiały",
                         coordinator, TODAY)
    log = followup.log_of(match)
    assert [line.contact.kind for line in log] == [ContactKind.VOLUNTEER_TALK,
                                                   ContactKind.FAMILY_CALL]
    assert log[0].by == coordinator.full_name and log[1].contact.note == "Mama zadowolona"


def test_no_contact_is_logged_for_a_proposal_or_before_the_match_started(users):
    coordinator = users[Role.COORDINATOR]
    with pytest.raises(DomainError, match="accepted match"):
        followup.add_contact(helping(5, status=MatchStatus.PROPOSED), ContactKind.VISIT,
                             TODAY, "", coordinator, TODAY)
    with pytest.raises(DomainError, match="started on"):
        followup.add_contact(helping(5), ContactKind.VISIT, TODAY - timedelta(days=6), "",
                             coordinator, TODAY)


def test_a_match_is_quiet_with_no_hours_and_no_contact_for_14_days(users):
    coordinator = users[Role.COORDINATOR]
    quiet, rejected_only, logged, called, checked, new = (helping(30) for _ in range(6))
    new.started_on = TODAY - timedelta(days=10)
    hours(quiet, 20)
    hours(rejected_only, 3, EntryStatus.REJECTED)
    hours(logged, 3)
    followup.add_contact(called, ContactKind.FAMILY_CALL, TODAY - timedelta(days=2), "",
                         coordinator, TODAY)
    followup.record_check_in(checked, Voice.SATISFIED, "", TODAY - timedelta(days=1),
                             coordinator, TODAY)
    rows = followup.quiet_matches(TODAY)
    assert {row.match.id for row in rows} == {quiet.id, rejected_only.id}
    assert {row.last_hours for row in rows} == {TODAY - timedelta(days=20), None}
    assert db.session.scalar(select(followup.quiet_count(TODAY))) == 2


# The end of a match --------------------------------------------------------------------------

def test_ending_with_a_new_request_closes_this_one_and_copies_it_for_the_family(users):
    match = helping(60)
    old = match.request
    made = followup.end_match(match, EndCause.GOAL_REACHED, "", NextStep.NEW,
                              users[Role.COORDINATOR], TODAY)
    assert match.status == MatchStatus.ENDED and match.end_cause == EndCause.GOAL_REACHED
    assert old.status == RequestStatus.CLOSED
    assert made.id != old.id and made.status == RequestStatus.OPEN
    assert (made.person_id, made.kind, made.subject, made.grade, made.goal) == (
        old.person_id, old.kind, old.subject, old.grade, old.goal)
    assert made.starts_on == TODAY


@pytest.mark.parametrize(("step", "status"), [(NextStep.REOPEN, RequestStatus.OPEN),
                                              (NextStep.CLOSE, RequestStatus.CLOSED)])
def test_ending_reopens_or_closes_the_request(users, step, status):
    match = helping(60)
    assert followup.end_match(match, EndCause.FAMILY_WITHDREW, "", step,
                              users[Role.COORDINATOR], TODAY) is None
    assert match.request.status == status
    assert db.session.scalar(select(HelpRequest.id).where(HelpRequest.id != match.request_id)
                             .where(HelpRequest.person_id == match.request.person_id)) is None


def test_another_reason_must_be_said(users):
    with pytest.raises(DomainError, match="Give the reason"):
        followup.end_match(helping(60), EndCause.OTHER, "", NextStep.REOPEN,
                           users[Role.COORDINATOR], TODAY)


# Pages ------------------------------------------------------------------------------------------

def test_the_match_page_shows_the_log_the_next_check_in_and_the_forms(client_as, users):
    match = helping(20)
    followup.add_contact(match, ContactKind.VISIT, TODAY, "Wizyta w domu",
                         users[Role.COORDINATOR], TODAY)
    db.session.commit()
    page = client_as(Role.COORDINATOR).get(f"/volunteers/matches/{match.id}").text
    assert "Wizyta w domu" in page and 'id="next-check-in"' in page
    assert f'action="/volunteers/matches/{match.id}/check-ins#log"' in page
    assert f'action="/volunteers/matches/{match.id}/end#end"' in page


def test_logging_a_contact_from_the_page_stores_it_once(client_as, users):
    match = helping(20)
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    form = {"contact-once_key": "k" * 20, "contact-kind": "family_call",
            "contact-happened_on": TODAY.isoformat(), "contact-note": "Telefon do mamy"}
    for _ in range(2):
        response = client.post(f"/volunteers/matches/{match.id}/contacts", data=form)
        assert response.status_code == 302
    assert db.session.scalars(select(MatchContact.note)).all() == ["Telefon do mamy"]


def test_a_check_in_refused_shows_the_page_again_with_the_reason(client_as, users):
    match = helping(20)
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(
        f"/volunteers/matches/{match.id}/check-ins",
        data={"check-once_key": "c" * 20, "check-held_on": (TODAY + timedelta(days=3))
              .isoformat(), "check-voice": "satisfied"})
    assert response.status_code == 422 and "przyszłości" in response.text
    assert db.session.scalar(select(CheckIn.id)) is None


def test_ending_from_the_page_opens_the_new_request(client_as, users):
    match = helping(60)
    db.session.commit()
    response = client_as(Role.COORDINATOR).post(
        f"/volunteers/matches/{match.id}/end",
        data={"end-once_key": "e" * 20, "end-cause": "goal_reached", "end-step": "new"})
    made = db.session.scalar(select(HelpRequest).where(HelpRequest.status == RequestStatus.OPEN))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/volunteers/requests/{made.id}")


def test_the_list_shows_check_ins_due_and_quiet_matches(client_as, users):
    due = helping(15, person=PersonFactory(first_name="Zuzia", last_name="Dueńska"))
    db.session.commit()
    page = client_as(Role.COORDINATOR).get("/volunteers/follow-up").text
    assert "Dueńska" in page and f'href="/volunteers/matches/{due.id}"' in page
    assert "Bez godzin i kontaktu od 14 dni" in page


def test_volunteers_see_neither_the_list_nor_a_match_page(client_as, users):
    match = helping(20, volunteer=VolunteerFactory(user_id=users[Role.VOLUNTEER].id))
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    assert client.get(f"/volunteers/matches/{match.id}").status_code == 403
    assert client.get("/volunteers/follow-up").status_code == 403


def test_the_intervals_page_saves_the_days_per_kind(client_as, users):
    client = client_as(Role.COORDINATOR)
    response = client.post("/volunteers/follow-up/intervals",
                           data={"tutoring": "21", "disability": "30", "senior": "45"})
    assert response.status_code == 302
    assert followup.intervals() == {HelpKind.TUTORING: 21, HelpKind.DISABILITY: 30,
                                    HelpKind.SENIOR: 45}
    refused = client.post("/volunteers/follow-up/intervals",
                          data={"tutoring": "2", "disability": "30", "senior": "45"})
    assert refused.status_code == 422


def test_the_start_page_counts_the_check_ins_due_with_a_link(client_as, users):
    helping(15)
    helping(16)
    db.session.commit()
    page = client_as(Role.COORDINATOR).get("/").text
    assert "2 rozmowy kontrolne" in page and 'href="/volunteers/follow-up#due"' in page


def test_the_morning_summary_counts_check_ins_due_and_quiet_matches(users):
    helping(30)
    db.session.commit()
    profiles_jobs.coordinators_digest(local_to_utc(TODAY, profiles_jobs.DIGEST_AT)
                                      + timedelta(minutes=5))
    body = db.session.scalar(select(Notification.body).where(Notification.kind == "digest"))
    assert "1 rozmowa kontrolna" in body and "1 dopasowanie bez godzin" in body


@pytest.mark.parametrize("path", ["/volunteers/follow-up", "/volunteers/matches/{id}"])
def test_the_pages_keep_to_the_query_budget(client_as, users, count_queries, path):
    match = helping(20)
    client = client_as(Role.COORDINATOR)

    def add(n):
        for _ in range(n):
            other = helping(20)
            for target in (followup.get_match(match.id), other):
                followup.add_contact(target, ContactKind.VISIT, TODAY, "",
                                     users[Role.COORDINATOR], TODAY)
                followup.record_check_in(target, Voice.SATISFIED, "", TODAY,
                                         users[Role.COORDINATOR], TODAY)
        db.session.commit()

    url = path.format(id=match.id)
    add(1)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(6)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many) <= 10, "\n".join(many)


# RODO -------------------------------------------------------------------------------------------

def test_the_family_gets_the_contacts_and_voice_the_volunteer_the_talks_with_them(users):
    """Each gets their own: the talks with the volunteer are the volunteer's (art. 15(4)),
    the family's voice the family's."""
    coordinator = users[Role.COORDINATOR]
    volunteer = VolunteerFactory()
    match = helping(30, volunteer=volunteer)
    followup.add_contact(match, ContactKind.FAMILY_CALL, TODAY, "Mama chora", coordinator,
                         TODAY)
    followup.add_contact(match, ContactKind.VOLUNTEER_TALK, TODAY, "Ma egzaminy", coordinator,
                         TODAY)
    followup.record_check_in(match, Voice.PARTLY, "Więcej matematyki", TODAY, coordinator,
                             TODAY)
    family = rodo.gather(SubjectKind.PERSON, match.request.person_id).sections
    assert [c["note"] for c in family["match_contacts"]] == ["Mama chora"]
    assert family["match_check_ins"][0]["to_change"] == "Więcej matematyki"
    theirs = rodo.gather(SubjectKind.VOLUNTEER, volunteer.id).sections
    assert [c["note"] for c in theirs["match_contacts"]] == ["Ma egzaminy"]
    assert "match_check_ins" not in theirs


def test_erasing_the_person_blanks_the_notes_and_what_they_would_change(users):
    coordinator = users[Role.COORDINATOR]
    match = helping(30)
    followup.add_contact(match, ContactKind.FAMILY_CALL, TODAY, "Mama chora", coordinator,
                         TODAY)
    followup.add_contact(match, ContactKind.VOLUNTEER_TALK, TODAY, "Rodzina w żałobie",
                         coordinator, TODAY)  # the volunteer's, yet speaking of the family
    followup.record_check_in(match, Voice.PARTLY, "Więcej matematyki", TODAY, coordinator,
                             TODAY)
    followup.end_match(match, EndCause.MOVED_AWAY, "", NextStep.CLOSE, coordinator, TODAY)
    subject = rodo.gather(SubjectKind.PERSON, match.request.person_id)
    rodo.anonymise(subject, users[Role.ADMIN], "art. 17", {})
    db.session.expire_all()
    assert db.session.scalars(select(MatchContact.note)).all() == ["", ""]
    check_in = db.session.scalar(select(CheckIn))
    assert check_in.to_change == "" and check_in.voice == Voice.PARTLY

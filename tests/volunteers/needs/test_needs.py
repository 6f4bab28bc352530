"""Help requests, suggestions from the database, proposals in turn, answers from the
phone, the outbox, privacy before acceptance, and the pages' query budgets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from cal.auth.models import User
from cal.core.access import Role
from cal.core.errors import DomainError
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.notifications.models import Notification
from cal.notifications.outbox import tell
from cal.people.models import Person
from tests.factories import DistrictFactory, HouseholdFactory, PersonFactory, VolunteerFactory
from tests.volunteers.profiles.test_pipeline import give_records
from tests.volunteers.test_compliance import adult_basics, child_checks
from volunteers.models import HELP_KIND_LABELS, HelpKind, VolunteerStatus
from volunteers.needs import candidates, plan
from volunteers.needs import services as needs
from volunteers.needs.models import (
    MATCH_STATUS_LABELS,
    EndCause,
    HelpRequest,
    Match,
    MatchStatus,
    RequestStatus,
)

TODAY = local_today()
ALL_WEEK = (1 << 42) - 1


@pytest.fixture(autouse=True)
def in_english(app):
    """The rules' words are checked in English (the catalog gives them in Polish)."""
    with force_locale("en"):
        yield


def tutor(**fields):
    values = dict(help_kinds="tutoring", subjects="math", grade_from=1, grade_to=8,
                  availability=ALL_WEEK, capacity=2, birth_date=date(1995, 1, 1),
                  works_with_children=True)
    volunteer = VolunteerFactory(**{**values, **fields})
    give_records(volunteer, adult_basics() + child_checks())
    return volunteer


def child_request(**fields) -> HelpRequest:
    district = DistrictFactory()
    child = PersonFactory(first_name="Zosia", birth_date=TODAY.replace(year=TODAY.year - 10),
                          district=district, address="ul. Lipowa 5/2", phone="600 100 200")
    values = dict(person_id=child.id, kind=HelpKind.TUTORING, subject="math", grade=4,
                  slots=0b11, district_id=district.id, starts_on=TODAY)
    request = HelpRequest(**{**values, **fields})
    db.session.add(request)
    db.session.flush()
    return needs.get_request(request.id)


def adult_request(**fields) -> HelpRequest:
    adult = PersonFactory(birth_date=date(1950, 1, 1))
    request = HelpRequest(person_id=adult.id, kind=HelpKind.SENIOR, tasks="shopping",
                          starts_on=TODAY, **fields)
    db.session.add(request)
    db.session.flush()
    return needs.get_request(request.id)


def volunteer_account(volunteer, email):
    user = User(email=email, full_name=volunteer.full_name, role=Role.VOLUNTEER)
    db.session.add(user)
    db.session.flush()
    volunteer.user_id = user.id
    return user


def test_suggestions_rank_the_eligible_and_name_what_blocks_the_others(users):
    ready = tutor(last_name="Gotowa")
    unchecked = VolunteerFactory(last_name="Bezsprawdzenia", help_kinds="tutoring",
                                 subjects="math", availability=ALL_WEEK)
    give_records(unchecked, adult_basics())
    VolunteerFactory(last_name="Seniorom", help_kinds="senior")
    tutor(last_name="Wszkoleniu", status=VolunteerStatus.TRAINING)
    request = child_request()
    found = candidates.suggestions(request, TODAY)
    assert [s.candidate.volunteer_id for s in found.shortlist.ranked] == [ready.id]
    (candidate, rules), = found.shortlist.blocked
    assert candidate.volunteer_id == unchecked.id
    assert any("register" in rule for rule in rules)
    assert found.shortlist.rule_counts == {"register": 1, "criminal": 1}
    assert found.not_active == {VolunteerStatus.TRAINING: 1}
    assert found.not_offering == 1


def test_suggestions_show_the_best_first_and_count_the_rest(users):
    tutors = [tutor(last_name=f"Tutor{i}", capacity=i % 3 + 1) for i in range(5)]
    for volunteer in tutors[:2]:
        matched = child_request()
        db.session.add(Match(request_id=matched.id, volunteer_id=volunteer.id,
                             status=MatchStatus.ACTIVE, score=50, schedule=0))
    found = candidates.suggestions(child_request(), TODAY, limit=2)
    shortlist = found.shortlist
    assert len(shortlist.ranked) == 2 and shortlist.ranked_total + shortlist.blocked_total == 5
    everyone = candidates.suggestions(child_request(), TODAY, limit=None).shortlist
    assert [s.score for s in everyone.ranked[:2]] == [s.score for s in shortlist.ranked]


def test_the_service_refuses_to_propose_a_blocked_volunteer(users):
    minor = tutor(birth_date=TODAY.replace(year=TODAY.year - 16), help_kinds="senior")
    with pytest.raises(DomainError) as refused:
        needs.propose(adult_request(), [minor.id], users[Role.COORDINATOR], TODAY)
    assert "under 18" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0


def test_a_volunteer_without_a_free_place_cannot_be_proposed(users):
    busy = tutor(capacity=1)
    first = child_request()
    needs.propose(first, [busy.id], users[Role.COORDINATOR], TODAY)
    match = db.session.scalar(select(Match))
    volunteer_account(busy, "busy@test.local")
    needs.answer(match, busy, users[Role.VOLUNTEER], True, "", TODAY)
    with pytest.raises(DomainError):
        needs.propose(child_request(), [busy.id], users[Role.COORDINATOR], TODAY)


def test_times_a_live_match_takes_are_not_free_for_the_next_request(users):
    """Accepting a second family must not book the hours of the first: the time the
    first match takes is no longer free, for the score and for the new schedule."""
    tutor_ = tutor(capacity=2, availability=0b111)
    volunteer_account(tutor_, "tutor@test.local")
    first = child_request(slots=0b011)
    match = needs.propose(first, [tutor_.id], users[Role.COORDINATOR], TODAY)[0]
    needs.answer(match, tutor_, users[Role.VOLUNTEER], True, "", TODAY)
    assert match.schedule == 0b011
    (candidate,) = candidates.candidates_for(first, TODAY, [tutor_.id])
    assert candidate.availability == 0b100
    second = child_request(slots=0b110)
    proposed = needs.propose(second, [tutor_.id], users[Role.COORDINATOR], TODAY)[0]
    assert proposed.schedule == 0b100  # not the time the first family has


def test_the_volunteers_page_says_whom_they_help(client_as, users):
    tutor_ = tutor(availability=0b111)
    volunteer_account(tutor_, "tutor@test.local")
    request = child_request(slots=0b011)
    match = needs.propose(request, [tutor_.id], users[Role.COORDINATOR], TODAY)[0]
    needs.answer(match, tutor_, users[Role.VOLUNTEER], True, "", TODAY)
    db.session.commit()
    child = db.session.get(Person, request.person_id)
    page = client_as(Role.COORDINATOR).get(f"/volunteers/{tutor_.id}").text
    section = page[page.index('id="helps-heading"'):page.index('id="profile-heading"')]
    assert f'href="/volunteers/requests/{request.id}">{child.full_name}</a>' in section
    with force_locale("pl"):
        assert str(HELP_KIND_LABELS[HelpKind.TUTORING]) in section
        assert str(MATCH_STATUS_LABELS[MatchStatus.ACTIVE]) in section


def test_two_proposals_open_at_once_do_not_share_a_time(users):
    """Proposed together (the whole-list plan), accepted one after the other: each
    family keeps its own time."""
    tutor_ = tutor(capacity=2, availability=0b111)
    volunteer_account(tutor_, "tutor@test.local")
    first, second = child_request(slots=0b011), child_request(slots=0b011)
    one, two = plan.propose_plan({first.id: tutor_.id, second.id: tutor_.id},
                                  users[Role.COORDINATOR], TODAY)
    assert one.schedule == 0b011 and two.schedule == 0  # nothing left that both ask for
    # and when proposals made apart overlap, accepting the second keeps the first's time
    needs.answer(one, tutor_, users[Role.VOLUNTEER], True, "", TODAY)
    two.schedule = 0b011  # as a proposal made before the first was accepted would be
    needs.answer(two, tutor_, users[Role.VOLUNTEER], True, "", TODAY)
    assert (one.schedule, two.schedule) == (0b011, 0)


def test_two_volunteers_in_turn_the_second_is_asked_when_the_first_declines(users):
    first, second = tutor(last_name="Pierwsza"), tutor(last_name="Druga")
    user_one = volunteer_account(first, "one@test.local")
    user_two = volunteer_account(second, "two@test.local")
    request = child_request()
    one, two = needs.propose(request, [first.id, second.id], users[Role.COORDINATOR], TODAY)
    assert request.status == RequestStatus.PROPOSED
    assert needs.current_proposal(one) and not needs.current_proposal(two)
    with pytest.raises(DomainError):  # not their turn yet
        needs.answer(two, second, user_two, True, "", TODAY)
    needs.answer(one, first, user_one, False, "wyjeżdżam", TODAY)
    assert one.status == MatchStatus.DECLINED and needs.current_proposal(two)
    needs.answer(two, second, user_two, True, "", TODAY)
    assert two.status == MatchStatus.ACTIVE and two.started_on == TODAY
    assert db.session.get(HelpRequest, request.id).status == RequestStatus.MATCHED
    told = {n.user_id: n.kind for n in db.session.scalars(select(Notification))}
    assert told[user_one.id] == "match_proposed" and told[user_two.id] == "match_proposed"
    assert told[users[Role.COORDINATOR].id] in ("match_declined", "match_accepted")


def test_the_start_page_lists_what_waits_and_answering_reads_the_proposals_notice(
        client_as, users):
    volunteer = tutor(last_name="Czekająca", user_id=users[Role.VOLUNTEER].id)
    request = child_request()
    match, = needs.propose(request, [volunteer.id], users[Role.COORDINATOR], TODAY)
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    start = client.get("/").text
    assert "1 propozycja do odpowiedzi" in start and "1 nieprzeczytana wiadomość" in start
    needs.answer(match, volunteer, users[Role.VOLUNTEER], True, "", TODAY)
    db.session.commit()
    notice = db.session.scalar(select(Notification).where(
        Notification.user_id == users[Role.VOLUNTEER].id, Notification.channel == "inapp"))
    assert notice.kind == "match_proposed" and notice.read_at is not None
    assert "Nic na Ciebie nie czeka" in client.get("/").text


def test_when_everyone_declines_the_request_is_open_again(users):
    volunteer = tutor()
    user = volunteer_account(volunteer, "v@test.local")
    request = child_request()
    match, = needs.propose(request, [volunteer.id], users[Role.COORDINATOR], TODAY)
    needs.answer(match, volunteer, user, False, "", TODAY)
    assert db.session.get(HelpRequest, request.id).status == RequestStatus.OPEN


def test_acceptance_is_refused_when_a_rule_broke_since_the_proposal(users):
    volunteer = tutor()
    user = volunteer_account(volunteer, "v@test.local")
    match, = needs.propose(child_request(), [volunteer.id], users[Role.COORDINATOR], TODAY)
    volunteer.status = VolunteerStatus.PAUSED
    with pytest.raises(DomainError):
        needs.answer(match, volunteer, user, True, "", TODAY)


def test_ending_a_match_needs_its_cause_and_opens_the_request(users):
    volunteer = tutor()
    user = volunteer_account(volunteer, "v@test.local")
    request = child_request()
    match, = needs.propose(request, [volunteer.id], users[Role.COORDINATOR], TODAY)
    needs.answer(match, volunteer, user, True, "", TODAY)
    coordinator = users[Role.COORDINATOR]
    with pytest.raises(DomainError, match="why the match ends"):
        needs.change_match(match, MatchStatus.ENDED, "przeprowadzka", coordinator, TODAY)
    with pytest.raises(DomainError, match="Give the reason"):
        needs.change_match(match, MatchStatus.ENDED, "", coordinator, TODAY,
                           cause=EndCause.OTHER)
    needs.change_match(match, MatchStatus.PAUSED, "choroba", coordinator, TODAY)
    needs.change_match(match, MatchStatus.ENDED, "do Krakowa", coordinator, TODAY,
                       cause=EndCause.MOVED_AWAY)
    assert match.end_reason == "do Krakowa" and match.ended_on == TODAY
    assert match.end_cause == EndCause.MOVED_AWAY
    assert db.session.get(HelpRequest, request.id).status == RequestStatus.OPEN
    assert [e.to_status for e in needs.history_of([match])[match.id]] == [
        MatchStatus.PROPOSED, MatchStatus.ACTIVE, MatchStatus.PAUSED, MatchStatus.ENDED]


def test_the_outbox_keeps_one_notification_per_event(users):
    user = users[Role.VOLUNTEER]
    assert tell(user.id, "match_proposed", "match:1", "Propozycja") == 2  # in-app, e-mail
    assert tell(user.id, "match_proposed", "match:1", "Propozycja") == 2
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 2


def test_the_list_filters_by_childs_age_kind_and_waiting_time(users):
    ten = child_request()
    old = child_request()
    old.created_at = old.created_at - timedelta(days=40)
    old.person.birth_date = TODAY.replace(year=TODAY.year - 15)
    adult_request()
    ages = needs.list_requests(needs.RequestFilter(child_age_from=8, child_age_to=12), TODAY)
    assert [r.id for r in ages] == [ten.id]
    waited = needs.list_requests(needs.RequestFilter(waited_days=30), TODAY)
    assert [r.id for r in waited] == [old.id]
    senior = needs.list_requests(needs.RequestFilter(kind=HelpKind.SENIOR), TODAY)
    assert [r.kind for r in senior] == [HelpKind.SENIOR]
    everyone = needs.list_requests(needs.RequestFilter(), TODAY)
    assert everyone[0].id == old.id  # the longest waiting first


# Pages ----------------------------------------------------------------------------------

def test_a_blank_choice_or_an_endless_number_in_the_filters_is_no_filter(client_as, users):
    """Spaces for a status and a number of 3,000 digits (found by the fuzzing) are read as
    nothing chosen and as no number, not as a crash."""
    child_request()
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    blank = client.get("/volunteers/requests", query_string={"status": " ", "kind": "  "})
    assert blank.status_code == 200 and "/volunteers/requests/" in blank.text
    endless = client.get("/volunteers/requests", query_string={"child_age_from": "1" * 3000})
    assert endless.status_code == 200 and "Nieprawidłowa liczba całkowita" in endless.text


def test_a_coordinator_records_a_request_from_the_persons_page(client_as):
    child = PersonFactory(birth_date=TODAY.replace(year=TODAY.year - 9))
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    assert f"/volunteers/requests/new?person={child.id}" in client.get(
        f"/people/{child.id}").text
    page = client.get(f"/volunteers/requests/new?person={child.id}").text
    key = page.split('name="once_key" type="hidden" value="')[1].split('"')[0]
    refused = client.post(f"/volunteers/requests/new?person={child.id}", data={
        "kind": "tutoring", "subject": "", "starts_on": TODAY.isoformat(), "priority": "2",
        "district_id": "0", "once_key": key})
    assert refused.status_code == 422 and key in refused.text  # the same form, kept
    form = {"kind": "tutoring", "subject": "math", "grade": "3", "starts_on": TODAY.isoformat(),
            "priority": "1", "district_id": "0", "slot-1-4": "y", "tasks": ["shopping"],
            "once_key": key}
    sent = client.post(f"/volunteers/requests/new?person={child.id}", data=form)
    assert sent.status_code == 302
    again = client.post(f"/volunteers/requests/new?person={child.id}", data=form)
    assert again.status_code == 302 and again.location == sent.location  # stored once
    request = db.session.scalar(select(HelpRequest))
    assert request.subject == "math" and request.grade == 3 and request.tasks == ""
    assert request.slots and request.person_id == child.id


def test_the_volunteer_sees_only_a_first_name_until_accepting(client_as, users):
    volunteer = tutor(user_id=users[Role.VOLUNTEER].id)
    request = child_request()
    needs.propose(request, [volunteer.id], users[Role.COORDINATOR], TODAY)
    first, last = request.person.first_name, request.person.last_name
    db.session.commit()
    client = client_as(Role.VOLUNTEER)
    page = client.get("/volunteers/me/matches").text
    assert first in page
    assert last not in page and "Lipowa" not in page and "600 100 200" not in page
    match = db.session.scalar(select(Match))
    assert client.post(f"/volunteers/me/matches/{match.id}/answer",
                       data={"accept": "1"}).status_code == 302
    page = client.get("/volunteers/me/matches").text
    assert last in page and "Lipowa" in page and "600 100 200" in page


def test_a_volunteer_cannot_answer_someone_elses_proposal(client_as, users):
    VolunteerFactory(user_id=users[Role.VOLUNTEER].id)
    other = tutor()
    needs.propose(child_request(), [other.id], users[Role.COORDINATOR], TODAY)
    db.session.commit()
    match = db.session.scalar(select(Match))
    answer = client_as(Role.VOLUNTEER).post(f"/volunteers/me/matches/{match.id}/answer",
                                            data={"accept": "1"})
    assert answer.status_code == 404
    assert db.session.get(Match, match.id).status == MatchStatus.PROPOSED


def test_proposing_from_the_page_and_a_refusal_shows_the_rule(client_as, users):
    ready, unchecked = tutor(), VolunteerFactory(help_kinds="tutoring")
    request = child_request()
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    refused = client.post(f"/volunteers/requests/{request.id}/propose",
                          data={"first": unchecked.id})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    sent = client.post(f"/volunteers/requests/{request.id}/propose", data={"first": ready.id})
    assert sent.status_code == 302
    assert db.session.scalar(select(Match.volunteer_id)) == ready.id


def test_a_request_for_a_child_starts_with_the_childs_district_and_grade(client_as):
    district = DistrictFactory(name="Podgórze")
    household = HouseholdFactory(district=district)
    child = PersonFactory(first_name="Zosia", household=household, district=None,
                          birth_date=date(TODAY.year - 10, 3, 1))
    db.session.commit()
    page = client_as(Role.COORDINATOR).get(f"/volunteers/requests/new?person={child.id}").text
    grade = needs.school_grade(child.birth_date, TODAY)
    assert f'<option selected value="{district.id}">Podgórze</option>' in page
    assert '<option selected value="tutoring">' in page
    assert f'<option selected value="{grade}">' in page


def test_the_school_grade_follows_the_polish_school_year():
    assert needs.school_grade(date(2016, 12, 31), date(2026, 9, 1)) == 4
    assert needs.school_grade(date(2016, 1, 1), date(2026, 8, 31)) == 3
    assert needs.school_grade(date(2020, 5, 5), date(2026, 10, 1)) is None  # not at school
    assert needs.school_grade(date(2008, 5, 5), date(2026, 10, 1)) is None
    assert needs.school_grade(None, date(2026, 10, 1)) is None


def test_when_nobody_teaches_the_subject_the_page_says_so_and_chooses_no_one(
        client_as, users):
    tutor(last_name="Angielska", subjects="english")
    request = child_request()
    db.session.commit()
    page = client_as(Role.COORDINATOR).get(f"/volunteers/requests/{request.id}").text
    assert "Żaden wolontariusz, który może pomóc, nie uczy" in page
    first = page.split('<select id="first" name="first" required>')[1]
    assert first.startswith('<option value="">—</option>')  # a placeholder, so required
    tutor(last_name="Matematyczna")
    db.session.commit()
    page = client_as(Role.COORDINATOR).get(f"/volunteers/requests/{request.id}").text
    assert "Żaden wolontariusz" not in page and "1 wolontariusz uczy" in page
    first = page.split('<select id="first" name="first">')[1]
    assert "Matematyczna" in first.split("</option>")[0]


@pytest.mark.parametrize("path", ["/volunteers/requests", "/volunteers/requests/{id}",
                                  "/volunteers/me/matches", "/volunteers/requests/assign"])
def test_request_pages_keep_to_the_query_budget(client_as, users, count_queries, path):
    request = child_request()
    mine = tutor(user_id=users[Role.VOLUNTEER].id)

    def add(n):
        for _ in range(n):
            tutor()
            other = child_request()
            needs.propose(other, [mine.id], users[Role.COORDINATOR], TODAY)
        db.session.commit()

    client = client_as(Role.VOLUNTEER if "/me/" in path else Role.COORDINATOR)
    url = path.format(id=request.id)
    add(1)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(6)
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many) <= 10, "\n".join(many)


# Whole-list assignment --------------------------------------------------------------------

def test_the_plan_gives_each_open_request_the_best_allowed_volunteer(users):
    maths = tutor(last_name="Matematyk", subjects="math", capacity=1)
    polish = tutor(last_name="Polonistka", subjects="math,polish", capacity=1)
    first, second = child_request(subject="math"), child_request(subject="polish")
    adult_request()  # nobody offers help to seniors
    rows = {row.request.id: row for row in plan.plan_open(TODAY)}
    assert rows[first.id].volunteer_id == maths.id  # not greedy: polish is left for second
    assert rows[second.id].volunteer_id == polish.id
    assert sum(1 for row in rows.values() if row.volunteer_id is None) == 1
    assert all(c.volunteer_id in (maths.id, polish.id) for c, _ in rows[first.id].options)
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0  # nothing sent


def test_confirming_the_plan_proposes_all_or_nothing(users):
    coordinator = users[Role.COORDINATOR]
    one = tutor(capacity=1, user_id=users[Role.VOLUNTEER].id)
    two = tutor(capacity=1)
    unchecked = VolunteerFactory(help_kinds="tutoring", subjects="math", availability=ALL_WEEK)
    give_records(unchecked, adult_basics())
    a, b, c = child_request(), child_request(), child_request()
    db.session.commit()
    with pytest.raises(plan.PlanRefused) as refused:
        plan.propose_plan({a.id: one.id, b.id: one.id, c.id: unchecked.id}, coordinator,
                           TODAY)
    assert set(refused.value.errors) == {b.id, c.id}
    assert "no free place" in refused.value.errors[b.id]
    assert "register" in refused.value.errors[c.id]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0
    made = plan.propose_plan({a.id: one.id, b.id: two.id}, coordinator, TODAY)
    assert {m.volunteer_id for m in made} == {one.id, two.id}
    assert {r.status for r in (a, b)} == {RequestStatus.PROPOSED}
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "match_proposed")) == 2  # in-app and e-mail, to the one
    # volunteer with an account
    again = plan.plan_open(TODAY)
    assert [row.request.id for row in again] == [c.id]
    assert again[0].volunteer_id is None  # one and two have no free place left


def test_the_plan_page_sends_nothing_until_confirmed_and_only_once(client_as, users):
    one, two = tutor(last_name="Pierwsza"), tutor(last_name="Druga")
    a, b = child_request(), child_request()
    db.session.commit()
    client = client_as(Role.COORDINATOR)
    assert "/volunteers/requests/assign" in client.get("/volunteers/requests").text
    page = client.get("/volunteers/requests/assign")
    assert page.status_code == 200 and "Pierwsza" in page.text and "Druga" in page.text
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0
    key = page.text.split('name="once_key" value="')[1].split('"')[0]
    form = {"once_key": key, f"v-{a.id}": str(two.id), f"v-{b.id}": ""}  # changed by hand
    sent = client.post("/volunteers/requests/assign", data=form)
    assert sent.status_code == 302
    again = client.post("/volunteers/requests/assign", data=form)
    assert again.status_code == 302 and again.location == sent.location
    assert db.session.scalars(select(Match.volunteer_id)).all() == [two.id]
    refused = client.post("/volunteers/requests/assign", data={
        "once_key": "x" * 20, f"v-{b.id}": str(one.id), f"v-{a.id}": str(one.id)})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert f'<option value="{one.id}" selected>' in refused.text  # the choice is kept
    assert db.session.scalar(select(func.count()).select_from(Match)) == 1  # nothing sent

"""The suggestions page makes candidates only of the plausible volunteers, and judges
each one's legal records in the database: on a generated town where every hard rule
blocks someone, its shortlist is the one matching.suggest makes of the whole roster,
to the volunteer, the order, the score and its reasons, and the rules in words."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from cal.commands.demo import seed_demo
from cal.core.timeutil import local_today
from cal.extensions import db
from cal.people.models import District, Household, Person
from volunteers.compliance import in_order, latest_records
from volunteers.models import CheckResult, ComplianceRecord, HelpKind, RecordKind, Volunteer
from volunteers.needs import candidates, matching
from volunteers.needs import services as needs
from volunteers.needs.demo import SUBJECTS
from volunteers.needs.models import HelpRequest, Match, MatchStatus, RequestStatus
from volunteers.training.models import TrainingCompletion, TrainingCourse

TODAY = local_today()
DAY = timedelta(days=1)
CHECKED = (RecordKind.AGREEMENT, RecordKind.REGISTER_CHECK, RecordKind.CRIMINAL_RECORD)


@pytest.fixture(autouse=True)
def in_english(app):
    with force_locale("en"):
        yield


def _shake(rng: random.Random) -> None:
    """Make the demo town break every hard rule somewhere: newer records that are not
    in order (an entry found, ended, not started yet, ending today), tutors of other
    subjects, minors, full volunteers, and a required training some lack or let lapse."""
    volunteers = list(db.session.scalars(select(Volunteer).order_by(Volunteer.id)))
    for volunteer in volunteers:
        volunteer.help_kinds = ",".join(sorted(rng.sample(
            ["tutoring", "disability", "senior"], rng.randint(1, 3))))
        volunteer.subjects = ",".join(rng.sample(SUBJECTS[:4], rng.randint(0, 2)))
        if rng.random() < 0.15:
            volunteer.birth_date = TODAY.replace(year=TODAY.year - 16)
        for kind in CHECKED:
            if rng.random() < 0.35:
                done = TODAY - rng.choice([0, 1, 40]) * DAY
                db.session.add(ComplianceRecord(
                    volunteer_id=volunteer.id, kind=kind, done_on=done,
                    result=rng.choice([None, CheckResult.CLEAR, CheckResult.ENTRY_FOUND]),
                    period_start=rng.choice([None, done, TODAY, TODAY + DAY]),
                    period_end=rng.choice([None, TODAY - DAY, TODAY, TODAY + 30 * DAY]),
                    valid_until=rng.choice([None, TODAY - DAY, TODAY, TODAY + DAY])))
    course = TrainingCourse(name="Pierwsza pomoc", required_for="tutoring,disability")
    db.session.add_all([course, TrainingCourse(name="Stare szkolenie", required_for="senior",
                                               active=False)])
    db.session.flush()
    for volunteer in volunteers:
        if rng.random() < 0.8:
            db.session.add(TrainingCompletion(
                volunteer_id=volunteer.id, course_id=course.id, completed_on=TODAY - 9 * DAY,
                valid_until=rng.choice([None, TODAY, TODAY - DAY])))
    open_requests = list(db.session.scalars(select(HelpRequest)))
    for volunteer in rng.sample(volunteers, len(volunteers) // 3):
        for _ in range(rng.randint(1, 3)):
            db.session.add(Match(request_id=rng.choice(open_requests).id,
                                 volunteer_id=volunteer.id, schedule=rng.getrandbits(20),
                                 status=rng.choice([MatchStatus.ACTIVE, MatchStatus.PROPOSED,
                                                    MatchStatus.ENDED])))
    db.session.flush()


def _requests(rng: random.Random) -> list[HelpRequest]:
    persons = list(db.session.scalars(select(Person).where(Person.birth_date.is_not(None))))
    district = db.session.scalars(select(District)).first()
    household = db.session.scalars(select(Household)).first()
    made = [HelpRequest(person_id=rng.choice(persons).id, kind=HelpKind.TUTORING,
                        subject=subject, grade=grade, slots=rng.getrandbits(20),
                        district_id=district.id, starts_on=TODAY)
            for subject, grade in [(SUBJECTS[0], 3), (SUBJECTS[1], None), ("", 5),
                                   ("no-such-subject", 2)]]
    made += [HelpRequest(person_id=person.id, kind=kind, tasks="", slots=0,
                         district_id=None, starts_on=TODAY)
             for person, kind in zip(rng.sample(persons, 2),
                                     [HelpKind.DISABILITY, HelpKind.SENIOR], strict=True)]
    if household is not None:
        made.append(HelpRequest(household_id=household.id, kind=HelpKind.SENIOR,
                                slots=rng.getrandbits(20), starts_on=TODAY))
    db.session.add_all(made)
    db.session.flush()
    return list(db.session.scalars(
        select(HelpRequest).where(HelpRequest.status == RequestStatus.OPEN)))


def _seen(shortlist: matching.Shortlist):
    return {"ranked": [(s.candidate, s.score, s.reasons) for s in shortlist.ranked],
            "blocked": shortlist.blocked, "ranked_total": shortlist.ranked_total,
            "blocked_total": shortlist.blocked_total, "rule_counts": shortlist.rule_counts,
            "teaching": shortlist.teaching}


@pytest.mark.parametrize("seed", [3, 11])
def test_the_page_shortlist_is_the_whole_roster_one(app, seed, monkeypatch):
    seed_demo(seed=seed, persons=60, volunteers=150)
    rng = random.Random(seed)
    _shake(rng)
    requests = _requests(rng)
    made = []
    real = candidates.Roster.candidate
    monkeypatch.setattr(candidates.Roster, "candidate",
                        lambda read, row: made.append(row[0]) or real(read, row))
    rules_seen: set[str] = set()
    fewer = 0
    for request in requests:
        request = needs.get_request(request.id)
        need = candidates.need_of(request, TODAY)
        whole = candidates.roster(TODAY, kind=request.kind, active_only=True)
        for limit in (30, 4, 1, None):
            made.clear()
            page = candidates.suggestions(request, TODAY, limit).shortlist
            fewer += len(made) < page.ranked_total
            assert _seen(page) == _seen(matching.suggest(whole, need, limit)), (
                request.kind, request.subject, limit)
        rules_seen |= set(page.rule_counts)
    # the generated town exercised every rule the page can meet (not inactive, nor
    # another kind of help: the page reads only active volunteers of the request's kind)
    assert rules_seen == set(matching.RULE_LABELS) - {"inactive", "kind"}
    assert fewer  # some volunteers who may help were left out as unable to reach the first


def test_the_database_judges_the_records_as_in_order_does(app):
    seed_demo(seed=5, persons=40, volunteers=60)
    _shake(random.Random(5))
    records: dict[int, list] = {}
    for record in db.session.scalars(select(ComplianceRecord)):
        records.setdefault(record.volunteer_id, []).append(record)
    judged = db.session.execute(candidates._facts(TODAY, select(Volunteer.id))).all()
    assert judged
    outcomes = set()
    for volunteer_id, *answers in (row[:1] + row[-3:] for row in judged):
        latest = latest_records(records.get(volunteer_id, []))
        expected = [in_order(kind, latest.get(kind), TODAY) for kind in CHECKED]
        assert [bool(a) for a in answers] == expected, volunteer_id
        outcomes.update(expected)
    assert outcomes == {True, False}

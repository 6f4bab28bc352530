"""Whole-list assignment: never a broken rule, never over capacity, each request at
most once, and the best total score (checked against every possibility on small data)."""

from __future__ import annotations

import itertools
from collections import Counter

from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.volunteers.needs.test_matching_rules import breaks_a_rule, candidates, needs, ready
from volunteers.models import HelpKind
from volunteers.needs import matching
from volunteers.needs.assignment import assign, assign_with_options
from volunteers.needs.matching import Need

CHECKS = settings(max_examples=150, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_two_requests_share_the_volunteers_for_the_best_total(app):
    maths = Need(kind=HelpKind.TUTORING, subject="math", grade=5, about_child=True)
    polish = Need(kind=HelpKind.TUTORING, subject="polish", grade=5, about_child=True)
    both = ready(volunteer_id=1, subjects=frozenset({"math", "polish"}), capacity=1)
    only_maths = ready(volunteer_id=2, subjects=frozenset({"math"}), capacity=1)
    pairs = {(p.request_id, p.volunteer_id) for p in assign([(10, maths), (20, polish)],
                                                           [both, only_maths])}
    assert pairs == {(10, 2), (20, 1)}  # greedy would give both to the first one


def test_a_tutor_of_another_subject_is_offered_after_those_who_teach_it_never_paired(app):
    maths = Need(kind=HelpKind.TUTORING, subject="math", grade=5, slots=0b11, place=(1.0, 0.0),
                 about_child=True)
    english = ready(volunteer_id=1, subjects=frozenset({"english"}), availability=0b11)
    slow_maths = ready(volunteer_id=2, subjects=frozenset({"math"}), availability=0,
                       place=(9.0, 0.0), live=1)
    assert matching.score(english, maths).score > matching.score(slow_maths, maths).score
    pairings, options = assign_with_options([(10, maths)], [english, slow_maths], 5)
    assert [p.volunteer_id for p in pairings] == [2]
    assert [v for v, _score in options[10]] == [2, 1]
    alone, offered = assign_with_options([(10, maths)], [english], 5)
    assert alone == [] and [v for v, _score in offered[10]] == [1]


@CHECKS
@given(st.lists(needs, max_size=4), st.lists(candidates, max_size=5, unique_by=lambda c:
                                               c.volunteer_id))
def test_nobody_is_paired_with_a_subject_they_do_not_teach(app, need_list, pool):
    requests = list(enumerate(need_list))
    with force_locale("en"):
        pairings = assign(requests, pool)
    by_id = {c.volunteer_id: c for c in pool}
    for pairing in pairings:
        assert matching.fits(by_id[pairing.volunteer_id], dict(requests)[pairing.request_id])


def test_a_request_nobody_may_take_stays_unassigned(app):
    adult = Need(kind=HelpKind.SENIOR, about_adult=True)
    assert assign([(1, adult)], [ready(minor=True, kinds=frozenset({HelpKind.SENIOR}))]) == []


@CHECKS
@given(st.lists(needs, max_size=6), st.lists(candidates, max_size=6, unique_by=lambda c:
                                               c.volunteer_id))
def test_no_assignment_breaks_a_rule_or_a_capacity(app, need_list, pool):
    requests = list(enumerate(need_list))
    with force_locale("en"):
        pairings = assign(requests, pool)
    by_id = {c.volunteer_id: c for c in pool}
    assert len({p.request_id for p in pairings}) == len(pairings)
    for pairing in pairings:
        assert not breaks_a_rule(by_id[pairing.volunteer_id], dict(requests)[pairing.request_id])
    for volunteer_id, count in Counter(p.volunteer_id for p in pairings).items():
        candidate = by_id[volunteer_id]
        assert count <= candidate.capacity - candidate.live - candidate.waiting


@CHECKS
@given(st.lists(needs, min_size=1, max_size=3),
       st.lists(candidates, min_size=1, max_size=3, unique_by=lambda c: c.volunteer_id))
def test_the_assignment_has_the_best_total_score(app, need_list, pool):
    requests = list(enumerate(need_list))
    with force_locale("en"):
        total = sum(p.score for p in assign(requests, pool))
        options = [[None] + [c for c in pool if not matching.blockers(c, need)
                             and matching.fits(c, need)] for _, need in requests]
        best = 0.0
        for choice in itertools.product(*options):
            used = Counter(c.volunteer_id for c in choice if c is not None)
            if any(used[c.volunteer_id] > max(0, c.capacity - c.live - c.waiting)
                   for c in pool):
                continue
            best = max(best, sum(matching.score(c, need).score
                                 for c, (_, need) in zip(choice, requests, strict=True)
                                 if c is not None))
    assert abs(total - best) < 1e-6

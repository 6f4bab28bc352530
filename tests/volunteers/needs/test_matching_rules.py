"""The matching rules as plain functions: every hard rule blocks, and whatever the data
(hypothesis) no ranked suggestion breaks one, and the reasons add up to the score."""

from __future__ import annotations

import math

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volunteers.models import HelpKind
from volunteers.needs import matching
from volunteers.needs.matching import WEIGHTS, Candidate, Need

KINDS = (HelpKind.TUTORING, HelpKind.DISABILITY, HelpKind.SENIOR)
TASKS = ("shopping", "walks", "reading", "company")
SUBJECTS = ("math", "polish", "english")
FAMILIES = ("p1", "p2", "h1")


@pytest.fixture(autouse=True)
def in_english(app):
    """The rules' words are checked in English (the catalog gives them in Polish)."""
    with force_locale("en"):
        yield


def ready(**overrides) -> Candidate:
    values = dict(volunteer_id=1, name="Nowak Ola", active=True,
                  kinds=frozenset({HelpKind.TUTORING, HelpKind.SENIOR}), capacity=2, live=0,
                  minor=False, agreement_ok=True, register_ok=True, criminal_ok=True,
                  subjects=frozenset({"math"}), grade_from=4, grade_to=8,
                  tasks=frozenset({"shopping"}), availability=0b1111, place=(0.0, 0.0))
    return Candidate(**{**values, **overrides})


CHILD_MATHS = Need(kind=HelpKind.TUTORING, subject="math", grade=5, slots=0b11,
                   place=(1.0, 0.0), about_child=True)
ADULT_SHOPPING = Need(kind=HelpKind.SENIOR, tasks=frozenset({"shopping"}), about_adult=True)


@pytest.mark.parametrize(("change", "need", "rule"), [
    ({"active": False}, CHILD_MATHS, "not active"),
    ({"live": 2}, CHILD_MATHS, "no free place"),
    ({"kinds": frozenset({HelpKind.SENIOR})}, CHILD_MATHS, "does not offer"),
    ({"agreement_ok": False}, CHILD_MATHS, "no current agreement"),
    ({"register_ok": False}, CHILD_MATHS, "register check"),
    ({"criminal_ok": False}, CHILD_MATHS, "criminal-record"),
    ({"missing_trainings": ((HelpKind.TUTORING, "Standardy"),)}, CHILD_MATHS,
     "training not valid: Standardy"),
    ({"minor": True}, ADULT_SHOPPING, "under 18"),
])
def test_each_hard_rule_blocks_and_says_which(app, change, need, rule):
    assert matching.blockers(ready(), need) == []
    found = matching.blockers(ready(**change), need)
    assert len(found) == 1 and rule in found[0]


def test_checks_for_children_do_not_block_help_for_adults(app):
    candidate = ready(register_ok=False, criminal_ok=False)
    assert matching.blockers(candidate, ADULT_SHOPPING) == []


def test_a_minor_may_tutor_a_child(app):
    assert matching.blockers(ready(minor=True), CHILD_MATHS) == []


def test_the_best_fit_ranks_first_with_its_reasons(app):
    near = ready(volunteer_id=1, name="A")
    far = ready(volunteer_id=2, name="B", place=(9.0, 0.0))
    wrong_grade = ready(volunteer_id=3, name="C", grade_from=1, grade_to=3)
    shortlist = matching.suggest([wrong_grade, far, near], CHILD_MATHS)
    ranked, blocked = shortlist.ranked, shortlist.blocked
    assert [s.candidate.volunteer_id for s in ranked] == [1, 2, 3] and blocked == []
    texts = [r.text for r in ranked[0].reasons]
    assert any("grades 4–8" in t for t in texts) and any("1,0 km" in t for t in texts)


def test_a_tutor_who_does_not_teach_the_subject_never_ranks_above_one_who_does(app):
    english = ready(volunteer_id=1, name="A", subjects=frozenset({"english"}))
    far_maths = ready(volunteer_id=2, name="B", place=(9.0, 0.0), availability=0, live=1)
    assert (matching.score(english, CHILD_MATHS).score
            > matching.score(far_maths, CHILD_MATHS).score)
    shortlist = matching.suggest([english, far_maths], CHILD_MATHS)
    assert [s.candidate.volunteer_id for s in shortlist.ranked] == [2, 1]
    assert shortlist.teaching == 1
    nobody = matching.suggest([english], CHILD_MATHS)
    assert nobody.teaching == 0 and [s.candidate.volunteer_id for s in nobody.ranked] == [1]
    assert matching.suggest([english], ADULT_SHOPPING).teaching is None


def test_a_training_needed_for_another_kind_of_help_does_not_block(app):
    candidate = ready(missing_trainings=((HelpKind.SENIOR, "Opieka nad seniorem"),))
    assert matching.blockers(candidate, CHILD_MATHS) == []
    assert matching.blockers(candidate, ADULT_SHOPPING) == [
        "training not valid: Opieka nad seniorem"]


def test_helping_the_family_before_counts(app):
    need = Need(**{**CHILD_MATHS.__dict__, "family": frozenset({"p7", "h3"})})
    before = matching.score(ready(families=frozenset({"h3"})), need)
    fresh = matching.score(ready(families=frozenset({"p8"})), need)
    assert before.score == fresh.score + WEIGHTS["continuity"]
    assert any(r.part == "continuity" for r in before.reasons)


# Whatever the data ------------------------------------------------------------------------

places = st.one_of(st.none(), st.tuples(st.floats(0, 20), st.floats(0, 20)))
candidates = st.builds(
    Candidate,
    volunteer_id=st.integers(1, 10_000), name=st.text(min_size=1, max_size=12),
    active=st.booleans(), kinds=st.frozensets(st.sampled_from(KINDS)),
    capacity=st.integers(0, 4), live=st.integers(0, 5), minor=st.booleans(),
    agreement_ok=st.booleans(), register_ok=st.booleans(), criminal_ok=st.booleans(),
    missing_trainings=st.lists(st.tuples(st.sampled_from(KINDS), st.text(min_size=1, max_size=8)),
                               max_size=2).map(tuple),
    subjects=st.frozensets(st.sampled_from(SUBJECTS)),
    grade_from=st.one_of(st.none(), st.integers(1, 12)),
    grade_to=st.one_of(st.none(), st.integers(1, 12)),
    tasks=st.frozensets(st.sampled_from(TASKS)), availability=st.integers(0, 2**42 - 1),
    place=places, families=st.frozensets(st.sampled_from(FAMILIES), max_size=2),
    waiting=st.integers(0, 2))
needs = st.builds(
    Need, kind=st.sampled_from(KINDS), subject=st.sampled_from(("", *SUBJECTS)),
    grade=st.one_of(st.none(), st.integers(1, 12)),
    tasks=st.frozensets(st.sampled_from(TASKS)), slots=st.integers(0, 2**42 - 1),
    place=places, about_child=st.booleans(), about_adult=st.booleans(),
    family=st.frozensets(st.sampled_from(FAMILIES), max_size=2))


def breaks_a_rule(c: Candidate, n: Need) -> bool:
    """The hard rules, written out again independently of the code under test."""
    return (not c.active or c.live >= c.capacity or n.kind not in c.kinds
            or not c.agreement_ok or any(kind == n.kind for kind, _ in c.missing_trainings)
            or (n.about_child and not (c.register_ok and c.criminal_ok))
            or (c.minor and n.about_adult))


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # app: for the words
@given(st.lists(candidates, max_size=15), needs)
def test_no_suggestion_ever_breaks_a_hard_rule(app, pool, need):
    shortlist = matching.suggest(pool, need)
    ranked, blocked = shortlist.ranked, shortlist.blocked
    assert not any(breaks_a_rule(s.candidate, need) for s in ranked)
    assert all(breaks_a_rule(c, need) and rules for c, rules in blocked)
    assert len(ranked) + len(blocked) == len(pool)
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert sum(shortlist.rule_counts.values()) == sum(
        len({rule.split(":")[0] for rule in rules}) for _, rules in blocked)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # app: for the words
@given(candidates, needs)
def test_the_reasons_shown_add_up_to_the_score(app, candidate, need):
    suggestion = matching.score(candidate, need)
    assert abs(suggestion.score - sum(r.points for r in suggestion.reasons)) <= 0.05 + 1e-9
    assert 0 <= suggestion.score <= sum(WEIGHTS.values())
    for reason in suggestion.reasons:
        assert 0 <= reason.points <= WEIGHTS[reason.part] and reason.text


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # app: for the words
@given(st.lists(candidates, min_size=1, max_size=15), needs)
def test_the_table_for_many_gives_the_same_blocks_and_scores_as_one_by_one(app, pool, need):
    table = matching.score_table(matching.Pool(pool), need)
    for candidate, value in zip(pool, table.tolist(), strict=True):
        if matching.blockers(candidate, need):
            assert math.isnan(value)
        else:
            assert value == matching.score(candidate, need).score  # to the bit

"""Who could help with a request: ranked with a score and its reasons in words, or
blocked with the rule that blocks them. Plain functions over plain values, so the
rules can be tested on any data.

Hard rules (also checked when a proposal is made, see volunteers.needs):
- the volunteer is active and has a free place (live matches below capacity);
- they offer this kind of help;
- their agreement is current;
- for a request about a child: a current register check (both registers) and clear
  criminal-record information (DOMAIN.md section 2);
- every training required for this kind of help is valid;
- a volunteer under 18 never helps an adult alone: not a request about an adult, nor
  one for a whole household (other than tutoring a child at home).

The score (0–100) adds the parts of WEIGHTS:
- skill: tutoring: the subject is taught and the grade is in the volunteer's range
  (half when only the subject fits); other help: the share of the tasks asked for
  that the volunteer offers (all of it when the request names none);
- time: the share of the request's weekly slots when the volunteer is free (all of
  it when the request names none);
- distance: all of it in the same district, falling to nothing at FAR_KM;
- load: all of it with no live match, less as the volunteer's places fill;
- continuity: the volunteer has helped this person or household before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from volunteers import availability
from volunteers.forms import SUBJECTS
from volunteers.models import HelpKind

WEIGHTS = {"skill": 35, "time": 30, "distance": 20, "load": 10, "continuity": 5}
FAR_KM = 10.0


@dataclass(frozen=True)
class Need:
    """What the rules need to know of a request."""

    kind: HelpKind
    subject: str = ""
    grade: int | None = None
    tasks: frozenset[str] = frozenset()
    slots: int = 0
    place: tuple[float, float] | None = None
    about_child: bool = False
    about_adult: bool = False


@dataclass(frozen=True)
class Candidate:
    """What the rules need to know of a volunteer, for one request."""

    volunteer_id: int
    name: str
    active: bool
    kinds: frozenset[HelpKind]
    capacity: int
    live: int
    minor: bool
    agreement_ok: bool
    register_ok: bool
    criminal_ok: bool
    missing_trainings: tuple[str, ...] = ()
    subjects: frozenset[str] = frozenset()
    grade_from: int | None = None
    grade_to: int | None = None
    tasks: frozenset[str] = frozenset()
    availability: int = 0
    place: tuple[float, float] | None = None
    helped_before: bool = False


@dataclass(frozen=True)
class Reason:
    """One part of a score: its points, whether it counts in favour, and words."""

    part: str
    points: float
    good: bool
    text: str


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    reasons: tuple[Reason, ...] = field(default=())


def blockers(candidate: Candidate, need: Need) -> list[str]:
    """Every hard rule the volunteer breaks for this request, in words; empty when
    they may be proposed."""
    found = []
    if not candidate.active:
        found.append(_("not active"))
    if candidate.live >= candidate.capacity:
        found.append(_("no free place (%(live)d of %(capacity)d)", live=candidate.live,
                       capacity=candidate.capacity))
    if need.kind not in candidate.kinds:
        found.append(_("does not offer this kind of help"))
    if not candidate.agreement_ok:
        found.append(_("no current agreement"))
    if need.about_child and not candidate.register_ok:
        found.append(_("no current register check (work with a child)"))
    if need.about_child and not candidate.criminal_ok:
        found.append(_("no criminal-record information (work with a child)"))
    for name in candidate.missing_trainings:
        found.append(_("training not valid: %(name)s", name=name))
    if candidate.minor and need.about_adult:
        found.append(_("under 18: cannot help an adult alone"))
    return found


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    if a is None or b is None:
        return None
    return math.dist(a, b)


def _skill(candidate: Candidate, need: Need) -> Reason:
    weight = WEIGHTS["skill"]
    if need.kind == HelpKind.TUTORING:
        subject = _subject_name(need.subject)
        if need.subject and need.subject not in candidate.subjects:
            return Reason("skill", 0, False, _("does not teach %(subject)s", subject=subject))
        if need.grade is None:
            return Reason("skill", weight, True, subject or _("tutoring"))
        low, high = candidate.grade_from or 1, candidate.grade_to or 12
        grades = _("grades %(low)d–%(high)d", low=low, high=high)
        if low <= need.grade <= high:
            return Reason("skill", weight, True, f"{subject}, {grades}")
        return Reason("skill", weight / 2, False,
                      _("%(subject)s, but %(grades)s", subject=subject, grades=grades))
    if not need.tasks:
        return Reason("skill", weight, True, _("offers this kind of help"))
    shared = need.tasks & candidate.tasks
    points = weight * len(shared) / len(need.tasks)
    return Reason("skill", points, bool(shared),
                  _("%(n)d of %(total)d tasks asked for", n=len(shared), total=len(need.tasks)))


def _time(candidate: Candidate, need: Need) -> Reason:
    weight = WEIGHTS["time"]
    if not need.slots:
        return Reason("time", weight, True, _("no set times asked for"))
    common = need.slots & candidate.availability
    if not common:
        return Reason("time", 0, False, _("no common time"))
    share = bin(common).count("1") / bin(need.slots).count("1")
    slots = availability.describe(common)
    text = ", ".join(slots[:3]) + (" …" if len(slots) > 3 else "")
    return Reason("time", weight * share, True, _("common: %(slots)s", slots=text))


def _distance(candidate: Candidate, need: Need) -> Reason:
    weight = WEIGHTS["distance"]
    km = distance_km(candidate.place, need.place)
    if km is None:
        return Reason("distance", weight / 2, False, _("district unknown"))
    points = weight * max(0.0, 1 - km / FAR_KM)
    return Reason("distance", points, km < FAR_KM / 2, _("%(km)s km", km=f"{km:.1f}".replace(
        ".", ",")))


def _load(candidate: Candidate) -> Reason:
    weight = WEIGHTS["load"]
    share = min(1.0, candidate.live / candidate.capacity) if candidate.capacity else 1.0
    text = ngettext("%(num)d active match", "%(num)d active matches", candidate.live)
    return Reason("load", weight * (1 - share), candidate.live == 0, text)


def _continuity(candidate: Candidate) -> Reason | None:
    if not candidate.helped_before:
        return None
    return Reason("continuity", WEIGHTS["continuity"], True, _("helped this family before"))


def score(candidate: Candidate, need: Need) -> Suggestion:
    """The score and the reasons it is made of (they add up to it)."""
    reasons = [_skill(candidate, need), _time(candidate, need), _distance(candidate, need),
               _load(candidate)]
    continuity = _continuity(candidate)
    if continuity is not None:
        reasons.append(continuity)
    total = round(sum(r.points for r in reasons), 1)
    return Suggestion(candidate, total, tuple(reasons))


def suggest(candidates, need: Need) -> tuple[list[Suggestion], list[tuple[Candidate, list]]]:
    """The volunteers who may help, best first, and the others with what blocks them."""
    ranked, blocked = [], []
    for candidate in candidates:
        rules = blockers(candidate, need)
        if rules:
            blocked.append((candidate, rules))
        else:
            ranked.append(score(candidate, need))
    ranked.sort(key=lambda s: (-s.score, s.candidate.name, s.candidate.volunteer_id))
    blocked.sort(key=lambda b: (len(b[1]), b[0].name, b[0].volunteer_id))
    return ranked, blocked


SUBJECT_NAMES = dict(SUBJECTS)


def _subject_name(code: str) -> str:
    return str(SUBJECT_NAMES.get(code, code))

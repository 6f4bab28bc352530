"""Who could help with a request: ranked with a score and its reasons in words, or
blocked with the rule that blocks them. Plain functions over plain values, so the
rules can be tested on any data.

Hard rules (also checked when a proposal is made, see services.py):
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

The score is rounded to a tenth by floor(x * 10 + 0.5) / 10, which numpy computes
to the same bit: score_table, the same rules over many requests and volunteers at
once for whole-list assignment, gives exactly what blockers and score give one pair
at a time (a property test holds them to it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from volunteers import availability
from volunteers.forms import subject_name
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
    family: frozenset[str] = frozenset()  # family_key() of the person and the household


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
    missing_trainings: tuple[tuple[HelpKind, str], ...] = ()  # (kind it is needed for, name)
    subjects: frozenset[str] = frozenset()
    grade_from: int | None = None
    grade_to: int | None = None
    tasks: frozenset[str] = frozenset()
    availability: int = 0
    place: tuple[float, float] | None = None
    families: frozenset[str] = frozenset()  # family_key() of everyone they have helped
    waiting: int = 0  # proposals waiting for their answer


def family_key(person_id: int | None, household_id: int | None) -> frozenset[str]:
    return frozenset(k for k in (person_id and f"p{person_id}",
                                 household_id and f"h{household_id}") if k)


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
    for kind, name in candidate.missing_trainings:
        if kind == need.kind:
            found.append(_("training not valid: %(name)s", name=name))
    if candidate.minor and need.about_adult:
        found.append(_("under 18: cannot help an adult alone"))
    return found


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    if a is None or b is None:
        return None
    dx, dy = a[0] - b[0], a[1] - b[1]
    return math.sqrt(dx * dx + dy * dy)


def _skill(candidate: Candidate, need: Need) -> Reason:
    weight = WEIGHTS["skill"]
    if need.kind == HelpKind.TUTORING:
        subject = subject_name(need.subject)
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


def _load_points(candidate: Candidate) -> float:
    share = min(1.0, candidate.live / candidate.capacity) if candidate.capacity else 1.0
    return WEIGHTS["load"] * (1 - share)


def _load(candidate: Candidate) -> Reason:
    text = ngettext("%(num)d active match", "%(num)d active matches", candidate.live)
    return Reason("load", _load_points(candidate), candidate.live == 0, text)


def helped_before(candidate: Candidate, need: Need) -> bool:
    return bool(candidate.families & need.family)


def _continuity(candidate: Candidate, need: Need) -> Reason | None:
    if not helped_before(candidate, need):
        return None
    return Reason("continuity", WEIGHTS["continuity"], True, _("helped this family before"))


def score(candidate: Candidate, need: Need) -> Suggestion:
    """The score and the reasons it is made of (they add up to it)."""
    reasons = [_skill(candidate, need), _time(candidate, need), _distance(candidate, need),
               _load(candidate)]
    continuity = _continuity(candidate, need)
    if continuity is not None:
        reasons.append(continuity)
    total = 0.0
    for reason in reasons:  # left to right, as score_table adds them
        total += reason.points
    return Suggestion(candidate, _tenth(total), tuple(reasons))


def _tenth(x: float) -> float:
    return math.floor(x * 10 + 0.5) / 10


@dataclass(frozen=True)
class Shortlist:
    """Who may help, best first, and who may not, fewest broken rules first (each at
    most `limit` of them in words), with their totals and how many break each rule.
    ``teaching`` says how many of those who may help teach the subject asked for (None
    when no subject is asked for): the first ``teaching`` of ``ranked`` do."""

    ranked: list[Suggestion]
    blocked: list[tuple[Candidate, list[str]]]
    ranked_total: int
    blocked_total: int
    rule_counts: dict[str, int]
    teaching: int | None = None


RULE_LABELS = {
    "inactive": _l("not active"),
    "full": _l("no free place"),
    "kind": _l("does not offer this kind of help"),
    "agreement": _l("no current agreement"),
    "register": _l("no current register check (work with a child)"),
    "criminal": _l("no criminal-record information (work with a child)"),
    "training": _l("a required training not valid"),
    "minor": _l("under 18: cannot help an adult alone"),
}


def suggest(candidates, need: Need, limit: int | None = None) -> Shortlist:
    """Rank the candidates who may help and list those a rule blocks. The numbers come
    from score_table for all of them at once; words only for the `limit` shown."""
    candidates = list(candidates)
    pool = Pool(candidates)
    masks = rule_masks(pool, need)
    table = score_table(pool, need, masks)
    broken = sum((mask.astype(np.int64) for mask in masks.values()),
                 np.zeros(len(candidates), dtype=np.int64)).tolist()
    scores = table.tolist()
    fits = fitting(pool, need).tolist()
    allowed = [i for i, n in enumerate(broken) if n == 0]
    # whoever teaches the subject asked for comes before anyone who does not, whatever
    # the score (a tutor of another subject is never the first choice)
    allowed.sort(key=lambda i: (not fits[i], -scores[i], candidates[i].name,
                                candidates[i].volunteer_id))
    blocked = [i for i, n in enumerate(broken) if n]
    blocked.sort(key=lambda i: (broken[i], candidates[i].name, candidates[i].volunteer_id))
    return Shortlist(
        ranked=[score(candidates[i], need) for i in allowed[:limit]],
        blocked=[(candidates[i], blockers(candidates[i], need)) for i in blocked[:limit]],
        ranked_total=len(allowed), blocked_total=len(blocked),
        rule_counts={code: int(mask.sum()) for code, mask in masks.items() if mask.any()},
        teaching=sum(fits[i] for i in allowed) if asks_subject(need) else None)


def asks_subject(need: Need) -> bool:
    return need.kind == HelpKind.TUTORING and bool(need.subject)


def fits(candidate: Candidate, need: Need) -> bool:
    """fitting() for one candidate."""
    return not asks_subject(need) or need.subject in candidate.subjects


def fitting(pool: Pool, need: Need) -> np.ndarray:
    """Who teaches the subject a tutoring request asks for (everyone, when it asks for
    none or is no tutoring): only they are chosen for a request by themselves."""
    if not asks_subject(need):
        return np.ones(len(pool.candidates), dtype=bool)
    return pool.has("subjects", need.subject)


class Pool:
    """Many candidates as columns of numbers, for score_table."""

    def __init__(self, candidates: list[Candidate]):
        self.candidates = candidates
        c = candidates
        self.free = np.array([x.capacity - x.live - x.waiting for x in c], dtype=np.int64)
        self.active = np.array([x.active for x in c], dtype=bool)
        self.has_room = np.array([x.live < x.capacity for x in c], dtype=bool)
        self.agreement_ok = np.array([x.agreement_ok for x in c], dtype=bool)
        self.register_ok = np.array([x.register_ok for x in c], dtype=bool)
        self.criminal_ok = np.array([x.criminal_ok for x in c], dtype=bool)
        self.minor = np.array([x.minor for x in c], dtype=bool)
        self.grade_low = np.array([x.grade_from or 1 for x in c], dtype=np.int64)
        self.grade_high = np.array([x.grade_to or 12 for x in c], dtype=np.int64)
        self.availability = np.array([x.availability for x in c], dtype=np.int64)
        self.has_place = np.array([x.place is not None for x in c], dtype=bool)
        self.x = np.array([x.place[0] if x.place else 0.0 for x in c], dtype=np.float64)
        self.y = np.array([x.place[1] if x.place else 0.0 for x in c], dtype=np.float64)
        self.load = np.array([_load_points(x) for x in c], dtype=np.float64)
        self._columns: dict = {}
        self._families: dict[str, list[int]] = {}
        for i, x in enumerate(c):
            for key in x.families:
                self._families.setdefault(key, []).append(i)

    def has(self, what: str, value) -> np.ndarray:
        """Whether each candidate offers a kind, teaches a subject, offers a task or
        lacks a training for a kind (what: kinds, subjects, tasks or untrained)."""
        key = (what, value)
        if key not in self._columns:
            if what == "untrained":
                found = [any(k == value for k, _ in x.missing_trainings)
                         for x in self.candidates]
            else:
                found = [value in getattr(x, what) for x in self.candidates]
            self._columns[key] = np.array(found, dtype=bool)
        return self._columns[key]

    def helped(self, need: Need) -> np.ndarray:
        found = np.zeros(len(self.candidates), dtype=bool)
        for key in need.family:
            found[self._families.get(key, [])] = True
        return found


def rule_masks(pool: Pool, need: Need) -> dict[str, np.ndarray]:
    """For each hard rule (the codes of RULE_LABELS), who breaks it: the rules of
    blockers(), for all candidates at once."""
    nobody = np.zeros(len(pool.candidates), dtype=bool)
    return {
        "inactive": ~pool.active,
        "full": ~pool.has_room,
        "kind": ~pool.has("kinds", need.kind),
        "agreement": ~pool.agreement_ok,
        "register": ~pool.register_ok if need.about_child else nobody,
        "criminal": ~pool.criminal_ok if need.about_child else nobody,
        "training": pool.has("untrained", need.kind),
        "minor": pool.minor if need.about_adult else nobody,
    }


def score_table(pool: Pool, need: Need, masks: dict | None = None) -> np.ndarray:
    """Every candidate's score for one request, NaN where a hard rule blocks: the same
    numbers as blockers() and score(), for all candidates at once."""
    allowed = ~np.logical_or.reduce(list((masks or rule_masks(pool, need)).values()))
    total = _skill_column(pool, need)
    total = total + _time_column(pool, need)
    km = np.sqrt((pool.x - need.place[0]) ** 2 + (pool.y - need.place[1]) ** 2) if (
        need.place is not None) else None
    weight = WEIGHTS["distance"]
    if km is None:
        distance = np.full(len(pool.candidates), weight / 2)
    else:
        distance = np.where(pool.has_place, weight * np.maximum(0.0, 1 - km / FAR_KM),
                            weight / 2)
    total = total + distance
    total = total + pool.load
    if need.family:
        total = total + np.where(pool.helped(need), float(WEIGHTS["continuity"]), 0.0)
    return np.where(allowed, np.floor(total * 10 + 0.5) / 10, np.nan)


def _skill_column(pool: Pool, need: Need) -> np.ndarray:
    weight = WEIGHTS["skill"]
    size = len(pool.candidates)
    if need.kind == HelpKind.TUTORING:
        teaches = pool.has("subjects", need.subject) if need.subject else np.ones(size, bool)
        if need.grade is None:
            return np.where(teaches, float(weight), 0.0)
        in_range = (pool.grade_low <= need.grade) & (need.grade <= pool.grade_high)
        return np.where(teaches, np.where(in_range, float(weight), weight / 2), 0.0)
    if not need.tasks:
        return np.full(size, float(weight))
    shared = sum(pool.has("tasks", task).astype(np.int64) for task in need.tasks)
    return weight * shared / len(need.tasks)


def _time_column(pool: Pool, need: Need) -> np.ndarray:
    weight = WEIGHTS["time"]
    if not need.slots:
        return np.full(len(pool.candidates), float(weight))
    common = np.bitwise_count(pool.availability & need.slots)
    return weight * (common / bin(need.slots).count("1"))

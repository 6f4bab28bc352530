"""Who could meet a request: the roster of volunteers read in a few queries, each made a
matching.Candidate, and the suggestions shown beside the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import case, func, or_, select

from cal.core.timeutil import age_on
from cal.extensions import db
from cal.people.models import District
from volunteers.compliance import born_a_minor, in_order_columns
from volunteers.models import HelpKind, RecordKind, Volunteer, VolunteerStatus
from volunteers.needs import matching
from volunteers.needs.models import LIVE_MATCH, HelpRequest, Match, MatchStatus
from volunteers.training.models import TrainingCompletion
from volunteers.training.services import active_courses


def need_of(request: HelpRequest, today: date) -> matching.Need:
    person = request.person
    adult = person is not None and person.birth_date is not None and age_on(
        person.birth_date, today) >= 18
    child = request.kind == HelpKind.TUTORING or (
        person is not None and person.birth_date is not None and not adult)
    household_only = person is None and request.kind != HelpKind.TUTORING
    place = (request.district.x_km, request.district.y_km) if request.district else None
    return matching.Need(kind=request.kind, subject=request.subject, grade=request.grade,
                         tasks=frozenset(request.task_set()), slots=request.slots, place=place,
                         about_child=child, about_adult=adult or household_only,
                         family=matching.family_key(request.person_id, request.household_id))


VOLUNTEER_FACTS = (Volunteer.id, Volunteer.first_name, Volunteer.last_name, Volunteer.status,
                   Volunteer.help_kinds, Volunteer.subjects, Volunteer.grade_from,
                   Volunteer.grade_to, Volunteer.tasks, Volunteer.availability,
                   Volunteer.capacity, Volunteer.birth_date, Volunteer.district_id)
KIND_OF = {kind.value: kind for kind in HelpKind}


AGREEMENT, REGISTER_CHECK, CRIMINAL_RECORD = CHECKED_RECORDS = (
    RecordKind.AGREEMENT, RecordKind.REGISTER_CHECK, RecordKind.CRIMINAL_RECORD)
ACTIVE = VolunteerStatus.ACTIVE  # read once: an enum's member costs a lookup each time


def _facts(today: date, chosen):
    """The chosen volunteers' columns the rules read, then whether each checked record
    is in order today, answered by the database (reading and judging some thirty
    thousand records in Python was most of a suggestions page)."""
    judged = in_order_columns(CHECKED_RECORDS, chosen, today)
    return (select(*VOLUNTEER_FACTS,
                   *(func.coalesce(judged.c[kind.value], 0) for kind in CHECKED_RECORDS))
            .outerjoin(judged, judged.c.volunteer_id == Volunteer.id)
            .where(Volunteer.id.in_(chosen)))


def roster(today: date, *, kind: HelpKind | None = None, volunteer_ids=None,
           active_only: bool = False) -> list[matching.Candidate]:
    """Volunteers who have not left, as the matching rules see them (for every kind of
    help, every family). kind keeps those who offer it; active_only those who may be
    proposed at all."""
    read = read_roster(today, kind=kind, volunteer_ids=volunteer_ids,
                       active_only=active_only)
    return [read.candidate(row) for row in read.rows]


@dataclass(frozen=True)
class Roster:
    """The volunteers' rows as read (see _facts), and what the rules need beside them,
    by volunteer id: a matching.Candidate is made of a row only when it is wanted."""

    rows: list
    courses: list  # (id, name, the kinds of help it is required for)
    valid: dict[int, set[int]]  # the required courses each has a valid completion of
    live: dict[int, int]
    waiting: dict[int, int]
    booked: dict[int, int]
    families: dict[int, set[str]]
    districts: dict
    today: date
    _missing: dict = field(default_factory=dict)  # the trainings missing, by those held

    def candidate(self, row) -> matching.Candidate:
        ident = row[0]
        valid = frozenset(self.valid.get(ident, ()))
        if valid not in self._missing:
            self._missing[valid] = _missing(self.courses, valid)
        return _candidate(row, self.courses, valid, self.live.get(ident, 0),
                          self.waiting.get(ident, 0), frozenset(self.families.get(ident, ())),
                          self.districts, self.today, self.booked.get(ident, 0),
                          self._missing[valid])

    def rules(self, need: matching.Need):
        """The codes of the hard rules (matching.RULE_LABELS) a volunteer of an active
        roster of the need's kind breaks, as a function of their row, read off it
        without making a Candidate: matching.rule_masks of the candidate would find the
        same, and a test holds them to it."""
        required = {course for course, _name, kinds in self.courses if need.kind in kinds}
        live, valid, today = self.live, self.valid, self.today
        child, adult = need.about_child, need.about_adult

        def broken(row) -> list[str]:
            ident = row[0]
            found = []
            if live.get(ident, 0) >= row[10]:
                found.append("full")
            if not row[13]:
                found.append("agreement")
            if child and not row[14]:
                found.append("register")
            if child and not row[15]:
                found.append("criminal")
            if required and not required <= valid.get(ident, set()):
                found.append("training")
            if adult and born_a_minor(row[11], today):
                found.append("minor")
            return found
        return broken


def read_roster(today: date, *, kind: HelpKind | None = None, volunteer_ids=None,
                active_only: bool = False) -> Roster:
    """The volunteers of roster() as read, before any is made a matching.Candidate:
    five queries of plain columns whatever their number (each one's legal records are
    judged by the database), so ten thousand volunteers load in a fraction of a
    second."""
    chosen = select(Volunteer.id).where(Volunteer.status != VolunteerStatus.LEFT)
    if active_only:
        chosen = chosen.where(Volunteer.status == VolunteerStatus.ACTIVE)
    if kind is not None:
        chosen = chosen.where(Volunteer.help_kinds.contains(kind.value))
    if volunteer_ids is not None:
        chosen = chosen.where(Volunteer.id.in_(list(volunteer_ids)))
    # Plain columns, run on the connection, read by position: the ORM's row machinery
    # doubled the time, and reading a row's columns by name cost as much as the query.
    def run(statement):  # all rows at once: a fetch per row cost more than the query
        return db.session.connection().execute(statement).all()

    rows = run(_facts(today, chosen))
    districts = {d.id: (d.x_km, d.y_km) for d in db.session.scalars(select(District))}
    courses = [c for c in active_courses() if c.required_kinds()]
    valid: dict[int, set[int]] = {}
    if courses:
        for volunteer_id, course_id in run(
                select(TrainingCompletion.volunteer_id, TrainingCompletion.course_id).where(
                    TrainingCompletion.volunteer_id.in_(chosen),
                    TrainingCompletion.course_id.in_([c.id for c in courses]),
                    or_(TrainingCompletion.valid_until.is_(None),
                        TrainingCompletion.valid_until >= today))):
            valid.setdefault(volunteer_id, set()).add(course_id)
    live: dict[int, int] = {}
    waiting: dict[int, int] = {}
    booked: dict[int, int] = {}  # the weekly times their live matches already take
    families: dict[int, set[str]] = {}
    for volunteer_id, status, schedule, person_id, household_id in run(
            select(Match.volunteer_id, Match.status, Match.schedule, HelpRequest.person_id,
                   HelpRequest.household_id).join(HelpRequest)
            .where(Match.volunteer_id.in_(chosen),
                   Match.status.in_((*LIVE_MATCH, MatchStatus.ENDED, MatchStatus.PROPOSED)))):
        if status == MatchStatus.PROPOSED:
            waiting[volunteer_id] = waiting.get(volunteer_id, 0) + 1
            continue
        if status in LIVE_MATCH:
            live[volunteer_id] = live.get(volunteer_id, 0) + 1
            booked[volunteer_id] = booked.get(volunteer_id, 0) | (schedule or 0)
        families.setdefault(volunteer_id, set()).update(
            matching.family_key(person_id, household_id))
    courses = [(c.id, c.name, sorted(c.required_kinds())) for c in courses]
    return Roster(rows, courses, valid, live, waiting, booked, families, districts, today)


@lru_cache(maxsize=4096)
def _parts(listed: str) -> frozenset[str]:
    """The values of a comma-separated column (few distinct ones: made once each)."""
    return frozenset(p for p in listed.split(",") if p)


@lru_cache(maxsize=256)
def _kinds(listed: str) -> frozenset[HelpKind]:
    return frozenset(KIND_OF[k] for k in _parts(listed))


def _missing(courses, valid) -> tuple:
    return tuple((kind, name) for course_id, name, kinds in courses
                 if course_id not in valid for kind in kinds)


def _candidate(row: tuple, courses, valid: set[int], live: int, waiting: int,
               families: frozenset, districts: dict, today: date,
               booked: int = 0, missing: tuple | None = None) -> matching.Candidate:
    (volunteer_id, first_name, last_name, status, help_kinds, subjects, grade_from,
     grade_to, tasks, availability, capacity, birth_date, district_id, agreement_ok,
     register_ok, criminal_ok) = row
    return matching.Candidate(
        volunteer_id=volunteer_id, name=f"{last_name} {first_name}",
        active=status == ACTIVE,
        kinds=_kinds(help_kinds),
        capacity=capacity, live=live,
        minor=born_a_minor(birth_date, today),
        agreement_ok=bool(agreement_ok), register_ok=bool(register_ok),
        criminal_ok=bool(criminal_ok),
        missing_trainings=_missing(courses, valid) if missing is None else missing,
        subjects=_parts(subjects), grade_from=grade_from, grade_to=grade_to,
        tasks=_parts(tasks),
        # free: the times offered that no live match of theirs takes already
        availability=availability & ~booked, place=districts.get(district_id),
        families=families, waiting=waiting)


def candidates_for(request: HelpRequest, today: date, volunteer_ids=None) -> list:
    """The volunteers as the rules see them for this request: those who offer its kind
    of help, or exactly the ones asked for (whatever they offer)."""
    kind = request.kind if volunteer_ids is None else None
    return roster(today, kind=kind, volunteer_ids=volunteer_ids)


@dataclass(frozen=True)
class RequestSuggestions:
    """The shortlist of active volunteers who offer the request's kind of help, and
    how many others there are: not active (by stage) or not offering it."""

    shortlist: matching.Shortlist
    not_active: dict[VolunteerStatus, int]
    not_offering: int


# The most a score's parts other than time, distance and load can add (skill and
# continuity), and a tenth more for the rounding.
OTHER_PARTS = matching.WEIGHTS["skill"] + matching.WEIGHTS["continuity"] + 0.1


def _contenders(read: Roster, rows: list, need: matching.Need, k: int) -> list:
    """Of these volunteers, who may all help, the candidates who can be among the k best:
    a volunteer's common free time, distance and load (from the row) and the most the
    other parts can add bound their score; the 2k with the highest bounds are scored,
    and only those whose bound reaches the k-th best of these scores can pass it, so
    only they are made candidates beside them. Whoever is left out scores less than k
    others."""
    if k <= 0:
        return []
    if len(rows) <= 2 * k:
        return [read.candidate(row) for row in rows]
    far, near, week = (matching.WEIGHTS[part] for part in ("distance", "load", "time"))
    asked = need.slots.bit_count()

    def bound(row) -> float:
        ident, availability, capacity = row[0], row[9], row[10]
        free = availability & ~read.booked.get(ident, 0)
        time = week * (need.slots & free).bit_count() / asked if asked else week
        km = matching.distance_km(read.districts.get(row[12]), need.place)
        distance = far / 2 if km is None else far * max(0.0, 1 - km / matching.FAR_KM)
        share = min(1.0, read.live.get(ident, 0) / capacity) if capacity else 1.0
        return OTHER_PARTS + time + distance + near * (1 - share)

    bounds = sorted(((bound(row), row) for row in rows), key=lambda b: -b[0])
    first = [read.candidate(row) for _b, row in bounds[:2 * k]]
    kth = sorted(matching.score_table(matching.Pool(first), need).tolist(), reverse=True)[k - 1]
    return first + [read.candidate(row) for b, row in bounds[2 * k:] if b >= kth]


def suggestions(request: HelpRequest, today: date, limit: int | None = 30) -> RequestSuggestions:
    """The shortlist matching.suggest would make of the whole active roster of the
    request's kind, while only the plausible volunteers are made candidates: the hard
    rules are read off the plain rows, so the blocked ones cost a row each (only the
    `limit` shown get their rules in words); when a tutoring request's subject is
    taught by at least `limit` volunteers who may help, no other tutor can be among
    the first `limit` and none is made a candidate; and of those who may help, only
    the ones whose distance and load leave them a chance of the first `limit` are
    (_contenders)."""
    need = need_of(request, today)
    read = read_roster(today, kind=request.kind, active_only=True)
    allowed, blocked, rule_counts = [], [], {}
    rules = read.rules(need)
    for row in read.rows:
        broken = rules(row)
        if broken:
            blocked.append((len(broken), f"{row[2]} {row[1]}", row[0], row))
            for code in broken:
                rule_counts[code] = rule_counts.get(code, 0) + 1
        else:
            allowed.append(row)
    teaching = None
    if limit is None:
        plausible = [read.candidate(row) for row in allowed]
    elif matching.asks_subject(need):  # whoever teaches it comes first, whatever the score
        teachers = [row for row in allowed if need.subject in _parts(row[5])]
        teaching = len(teachers)
        plausible = _contenders(read, teachers, need, limit) if teaching >= limit else (
            [read.candidate(row) for row in teachers]
            + _contenders(read, [row for row in allowed if need.subject not in _parts(row[5])],
                          need, limit - teaching))
    else:
        plausible = _contenders(read, allowed, need, limit)
    if teaching is None and matching.asks_subject(need):
        teaching = sum(need.subject in _parts(row[5]) for row in allowed)
    blocked.sort(key=lambda b: b[:3])
    shown = [read.candidate(b[3]) for b in blocked[:limit]]
    ranked = matching.suggest(plausible, need, limit).ranked
    shortlist = matching.Shortlist(
        ranked=ranked, blocked=[(c, matching.blockers(c, need)) for c in shown],
        ranked_total=len(allowed), blocked_total=len(blocked),
        rule_counts={code: rule_counts[code] for code in matching.RULE_LABELS
                     if code in rule_counts},
        teaching=teaching)
    offers = Volunteer.help_kinds.contains(request.kind.value)
    not_active: dict[VolunteerStatus, int] = {}
    not_offering = 0
    for status, everyone, offering in db.session.execute(
            select(Volunteer.status, func.count(), func.sum(case((offers, 1), else_=0)))
            .where(Volunteer.status != VolunteerStatus.LEFT).group_by(Volunteer.status)):
        not_offering += everyone - (offering or 0)
        if offering and status != VolunteerStatus.ACTIVE:
            not_active[status] = offering
    return RequestSuggestions(shortlist, not_active, not_offering)

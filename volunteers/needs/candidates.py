"""Who could meet a request: the roster of volunteers read in a few queries, each made a
matching.Candidate, and the suggestions shown beside the request."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select

from cal.core.timeutil import age_on
from cal.extensions import db
from cal.people.models import District
from volunteers.compliance import born_a_minor, in_order, latest_records
from volunteers.models import ComplianceRecord, HelpKind, RecordKind, Volunteer, VolunteerStatus
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


# A compliance record as the rules read it, made from the row's values: reading a column
# of an SQLAlchemy row by name costs ten times a named tuple's, and a suggestion reads some
# thirty thousand of them.
CheckedRecord = namedtuple("CheckedRecord", "volunteer_id kind done_on id result period_start "
                                            "period_end valid_until")
CHECKED_COLUMNS = (ComplianceRecord.volunteer_id, ComplianceRecord.kind,
                   ComplianceRecord.done_on, ComplianceRecord.id, ComplianceRecord.result,
                   ComplianceRecord.period_start, ComplianceRecord.period_end,
                   ComplianceRecord.valid_until)


def roster(today: date, *, kind: HelpKind | None = None, volunteer_ids=None,
           active_only: bool = False) -> list[matching.Candidate]:
    """Volunteers who have not left, as the matching rules see them (for every kind of
    help, every family); five queries of plain columns whatever their number, so ten
    thousand volunteers load in a fraction of a second. kind keeps those who offer
    it; active_only those who may be proposed at all."""
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

    rows = run(select(*VOLUNTEER_FACTS).where(Volunteer.id.in_(chosen)))
    districts = {d.id: (d.x_km, d.y_km) for d in db.session.scalars(select(District))}
    records: dict[int, list] = {}
    for record in map(CheckedRecord._make, run(
            select(*CHECKED_COLUMNS).where(ComplianceRecord.volunteer_id.in_(chosen),
                                           ComplianceRecord.kind.in_(CHECKED_RECORDS)))):
        records.setdefault(record.volunteer_id, []).append(record)
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
    return [_candidate(row, records.get(row[0], ()), courses, valid.get(row[0], set()),
                       live.get(row[0], 0), waiting.get(row[0], 0),
                       frozenset(families.get(row[0], ())), districts, today,
                       booked.get(row[0], 0))
            for row in rows]


def _candidate(row: tuple, records, courses, valid: set[int], live: int, waiting: int,
               families: frozenset, districts: dict, today: date,
               booked: int = 0) -> matching.Candidate:
    (volunteer_id, first_name, last_name, status, help_kinds, subjects, grade_from,
     grade_to, tasks, availability, capacity, birth_date, district_id) = row
    latest = latest_records(records)
    return matching.Candidate(
        volunteer_id=volunteer_id, name=f"{last_name} {first_name}",
        active=status == ACTIVE,
        kinds=frozenset(KIND_OF[k] for k in help_kinds.split(",") if k),
        capacity=capacity, live=live,
        minor=born_a_minor(birth_date, today),
        agreement_ok=in_order(AGREEMENT, latest.get(AGREEMENT), today),
        register_ok=in_order(REGISTER_CHECK, latest.get(REGISTER_CHECK), today),
        criminal_ok=in_order(CRIMINAL_RECORD, latest.get(CRIMINAL_RECORD), today),
        missing_trainings=tuple((kind, name) for course_id, name, kinds in courses
                                if course_id not in valid for kind in kinds),
        subjects=frozenset(s for s in subjects.split(",") if s),
        grade_from=grade_from, grade_to=grade_to,
        tasks=frozenset(t for t in tasks.split(",") if t),
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


def suggestions(request: HelpRequest, today: date, limit: int | None = 30) -> RequestSuggestions:
    need = need_of(request, today)
    shortlist = matching.suggest(roster(today, kind=request.kind, active_only=True), need, limit)
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

"""Help requests and matches: recording needs, suggestions, proposals, answers.

The hard rules of volunteers.matching are checked again whenever a proposal is
made or accepted, so no page can get round them.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import age_on, local_today, utcnow
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import tell
from cal.people.models import District, Household, Person
from volunteers import assignment, matching
from volunteers.compliance import born_a_minor, in_order, latest_records
from volunteers.models import (
    LIVE_MATCH,
    ComplianceRecord,
    HelpKind,
    HelpRequest,
    Match,
    MatchEvent,
    MatchStatus,
    RecordKind,
    RequestStatus,
    TrainingCompletion,
    Volunteer,
    VolunteerStatus,
)
from volunteers.services import active_courses

REQUEST_FIELDS = ("kind", "subject", "grade", "goal", "tasks", "slots", "district_id",
                  "starts_on", "ends_on", "priority", "referred_by", "notes")
MAX_TURNS = 2


# Requests ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestFilter:
    kind: HelpKind | None = None
    status: RequestStatus | None = None
    district_id: int | None = None
    child_age_from: int | None = None
    child_age_to: int | None = None
    waited_days: int | None = None


def list_requests(filters: RequestFilter, today: date, limit: int = 200) -> list[HelpRequest]:
    """Requests, the longest waiting first (by priority when they waited as long)."""
    stmt = (select(HelpRequest).outerjoin(Person, HelpRequest.person_id == Person.id)
            .options(selectinload(HelpRequest.person), selectinload(HelpRequest.household),
                     selectinload(HelpRequest.district)))
    if filters.kind:
        stmt = stmt.where(HelpRequest.kind == filters.kind)
    if filters.status:
        stmt = stmt.where(HelpRequest.status == filters.status)
    else:
        stmt = stmt.where(HelpRequest.status != RequestStatus.CLOSED)
    if filters.district_id:
        stmt = stmt.where(HelpRequest.district_id == filters.district_id)
    if filters.child_age_from is not None:  # born on or before this day
        stmt = stmt.where(Person.birth_date <= _years_before(today, filters.child_age_from))
    if filters.child_age_to is not None:  # younger than age_to + 1
        stmt = stmt.where(Person.birth_date > _years_before(today, filters.child_age_to + 1))
    if filters.waited_days:
        stmt = stmt.where(HelpRequest.created_at <= utcnow() - timedelta(days=filters.waited_days))
    stmt = stmt.order_by(HelpRequest.created_at, HelpRequest.priority, HelpRequest.id)
    return list(db.session.scalars(stmt.limit(limit)))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def get_request(request_id: int) -> HelpRequest | None:
    return db.session.scalar(
        select(HelpRequest).where(HelpRequest.id == request_id)
        .options(joinedload(HelpRequest.person), joinedload(HelpRequest.household),
                 joinedload(HelpRequest.district)))


def save_request(request: HelpRequest | None, data: dict, actor, person: Person | None = None,
                 household: Household | None = None) -> HelpRequest:
    if request is None:
        if person is None and household is None:
            raise DomainError(_("Choose the person or the household in need."))
        request = HelpRequest(person_id=person.id if person else None,
                              household_id=household.id if household else None,
                              created_by_id=actor.id)
        db.session.add(request)
    if data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        raise DomainError(_("The end cannot be before the start."), field="ends_on")
    if data["kind"] == HelpKind.TUTORING and not data.get("subject"):
        raise DomainError(_("Choose the subject."), field="subject")
    for name in REQUEST_FIELDS:
        if name in data:
            setattr(request, name, data[name])
    db.session.flush()
    audit(actor, AuditAction.UPDATE, "help_request", request.id,
          fields=[k for k in REQUEST_FIELDS if k in data])
    return request


def close_request(request: HelpRequest, reason: str, actor) -> None:
    live = [m for m in matches_of(request) if m.status in (*LIVE_MATCH, MatchStatus.PROPOSED)]
    for match in live:
        _move(match, MatchStatus.ENDED if match.status in LIVE_MATCH else MatchStatus.WITHDRAWN,
              actor, reason)
        if match.status == MatchStatus.ENDED:
            match.ended_on = local_today()
            match.end_reason = reason
    request.status = RequestStatus.CLOSED
    request.closed_at = utcnow()
    request.close_reason = reason[:300]
    audit(actor, AuditAction.UPDATE, "help_request", request.id, fields=["status"],
          detail="closed")


def beneficiary(request: HelpRequest):
    return request.person or request.household


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


# Candidates ----------------------------------------------------------------------------

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


# Proposals and answers ---------------------------------------------------------------------

def matches_of(request: HelpRequest) -> list[Match]:
    return list(db.session.scalars(
        select(Match).where(Match.request_id == request.id)
        .options(joinedload(Match.volunteer))
        .order_by(Match.proposed_at.desc(), Match.turn, Match.id)))


def history_of(matches) -> dict[int, list[MatchEvent]]:
    events: dict[int, list[MatchEvent]] = {}
    ids = [m.id for m in matches]
    if ids:
        for event in db.session.scalars(select(MatchEvent).where(MatchEvent.match_id.in_(ids))
                                        .order_by(MatchEvent.at, MatchEvent.id)):
            events.setdefault(event.match_id, []).append(event)
    return events


def _move(match: Match, to: MatchStatus, actor, note: str = "") -> None:
    match.status = to
    db.session.add(MatchEvent(match_id=match.id, to_status=to,
                              by_user_id=getattr(actor, "id", None), note=note[:300]))


def propose(request: HelpRequest, volunteer_ids: list[int], actor, today: date) -> list[Match]:
    """Propose the request to one volunteer, or to two in turn (the second is asked if
    the first declines). Refused when a hard rule blocks any of them."""
    volunteer_ids = list(dict.fromkeys(volunteer_ids))
    if not volunteer_ids or len(volunteer_ids) > MAX_TURNS:
        raise DomainError(_("Choose one volunteer, or two to ask in turn."))
    if request.status not in (RequestStatus.OPEN,):
        raise DomainError(_("Only an open request can be proposed."))
    need = need_of(request, today)
    candidates = {c.volunteer_id: c for c in candidates_for(request, today, volunteer_ids)}
    made = []
    for turn, volunteer_id in enumerate(volunteer_ids, start=1):
        candidate = candidates.get(volunteer_id)
        if candidate is None:
            raise DomainError(_("This volunteer cannot be found."))
        rules = matching.blockers(candidate, need)
        if rules:
            raise DomainError(_("%(name)s cannot be proposed: %(rules)s.",
                                name=candidate.name, rules="; ".join(rules)))
        made.append(_new_match(request, candidate, need, turn, actor))
    _claim_open(request)
    _tell_volunteer(made[0])
    audit(actor, AuditAction.CREATE, "match", made[0].id,
          detail=f"request {request.id}: " + ",".join(map(str, volunteer_ids)))
    return made


def _claim_open(request: HelpRequest) -> None:
    """Mark an open request proposed, in one conditional UPDATE: of two coordinators
    proposing it at the same moment, the second is refused."""
    moved = db.session.execute(
        update(HelpRequest).where(HelpRequest.id == request.id,
                                  HelpRequest.status == RequestStatus.OPEN)
        .values(status=RequestStatus.PROPOSED)
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise DomainError(_("Only an open request can be proposed."))
    set_committed_value(request, "status", RequestStatus.PROPOSED)


def _new_match(request: HelpRequest, candidate: matching.Candidate, need: matching.Need,
               turn: int, actor) -> Match:
    suggestion = matching.score(candidate, need)
    match = Match(request_id=request.id, volunteer_id=candidate.volunteer_id, turn=turn,
                  score=suggestion.score, reasons="\n".join(r.text for r in suggestion.reasons),
                  schedule=request.slots & candidate.availability, proposed_by_id=actor.id)
    db.session.add(match)
    db.session.flush()
    _move(match, MatchStatus.PROPOSED, actor)
    return match


# Whole-list assignment --------------------------------------------------------------------

@dataclass
class PlanRow:
    """One open request of a whole-list plan: the volunteer the assignment gives it
    (or none) and the best others allowed, as (candidate, score)."""

    request: HelpRequest
    volunteer_id: int | None
    score: float | None
    options: list
    error: str = ""


def open_requests(kind: HelpKind | None = None, district_id: int | None = None):
    stmt = (select(HelpRequest).where(HelpRequest.status == RequestStatus.OPEN)
            .options(selectinload(HelpRequest.person), selectinload(HelpRequest.household),
                     selectinload(HelpRequest.district))
            .order_by(HelpRequest.created_at, HelpRequest.priority, HelpRequest.id))
    if kind:
        stmt = stmt.where(HelpRequest.kind == kind)
    if district_id:
        stmt = stmt.where(HelpRequest.district_id == district_id)
    return list(db.session.scalars(stmt))


def plan_open(today: date, kind: HelpKind | None = None, district_id: int | None = None,
              alternatives: int = 5, chosen: dict[int, int | None] | None = None
              ) -> list[PlanRow]:
    """The best assignment of every open request (of a kind, in a district) to the
    active volunteers with free places; nothing is proposed until confirmed. `chosen`
    keeps the coordinator's own choices (request -> volunteer or None) over it."""
    requests = open_requests(kind, district_id)
    candidates = roster(today, active_only=True)
    by_id = {c.volunteer_id: c for c in candidates}
    pairings, options = assignment.assign_with_options(
        [(r.id, need_of(r, today)) for r in requests], candidates, alternatives)
    best = {p.request_id: (p.volunteer_id, p.score) for p in pairings}
    rows = []
    for request in requests:
        volunteer_id, score = best.get(request.id, (None, None))
        if chosen is not None and request.id in chosen:
            volunteer_id = chosen[request.id]
        offered = [(by_id[v], s) for v, s in options.get(request.id, [])]
        if volunteer_id in by_id and all(c.volunteer_id != volunteer_id for c, _ in offered):
            candidate, need = by_id[volunteer_id], need_of(request, today)
            score = (None if matching.blockers(candidate, need)
                     else matching.score(candidate, need).score)
            offered.insert(0, (candidate, score))
        score = next((s for c, s in offered if c.volunteer_id == volunteer_id), None)
        rows.append(PlanRow(request, volunteer_id, score, offered))
    return rows


class PlanRefused(DomainError):
    """Some rows of a plan cannot be proposed; nothing was."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(_("Nothing was sent: correct the marked rows and confirm again."))
        self.errors = errors


def propose_plan(choices: dict[int, int], actor, today: date) -> list[Match]:
    """Propose each chosen request to its chosen volunteer, all or nothing: the rules
    are checked again, and no volunteer gets more proposals than free places."""
    if not choices:
        raise DomainError(_("Choose at least one volunteer."))
    chosen = {r.id: r for r in db.session.scalars(
        select(HelpRequest).where(HelpRequest.id.in_(list(choices)))
        .options(selectinload(HelpRequest.person), selectinload(HelpRequest.district)))}
    candidates = {c.volunteer_id: c for c in roster(today, volunteer_ids=set(choices.values()))}
    errors: dict[int, str] = {}
    taken: dict[int, int] = {}
    for request_id, volunteer_id in choices.items():
        request, candidate = chosen.get(request_id), candidates.get(volunteer_id)
        if request is None:
            errors[request_id] = _("This request cannot be found.")
            continue
        if candidate is None:
            errors[request_id] = _("This volunteer cannot be found.")
            continue
        if request.status != RequestStatus.OPEN:
            errors[request_id] = _("Only an open request can be proposed.")
            continue
        rules = matching.blockers(candidate, need_of(request, today))
        if rules:
            errors[request_id] = "; ".join(rules)
            continue
        taken[volunteer_id] = taken.get(volunteer_id, 0) + 1
        if taken[volunteer_id] > candidate.capacity - candidate.live - candidate.waiting:
            errors[request_id] = _("%(name)s has no free place for so many proposals.",
                                   name=candidate.name)
    if errors:
        raise PlanRefused(errors)
    users = dict(db.session.execute(select(Volunteer.id, Volunteer.user_id).where(
        Volunteer.id.in_(set(choices.values())))).all())
    made = []
    for request_id, volunteer_id in choices.items():
        request, candidate = chosen[request_id], candidates[volunteer_id]
        match = _new_match(request, candidate, need_of(request, today), 1, actor)
        # the times this proposal asks for are not free for the volunteer's next one
        candidates[volunteer_id] = replace(
            candidate, availability=candidate.availability & ~(match.schedule or 0))
        _claim_open(request)
        _tell_of_proposal(match, users.get(volunteer_id))
        audit(actor, AuditAction.CREATE, "match", match.id,
              detail=f"request {request_id}: {volunteer_id} (whole list)")
        made.append(match)
    return made


def _tell_volunteer(match: Match) -> None:
    _tell_of_proposal(match, db.session.get(Volunteer, match.volunteer_id).user_id)


def _tell_of_proposal(match: Match, user_id: int | None) -> None:
    tell(user_id, "match_proposed", f"match:{match.id}",
         _l("A new proposal to help"), url=external_url("volunteers.my_matches"))


def current_proposal(match: Match) -> bool:
    """A proposal waits for this volunteer's answer: no earlier turn is still waiting."""
    if match.status != MatchStatus.PROPOSED:
        return False
    earlier = db.session.scalar(select(func.count()).select_from(Match).where(
        Match.request_id == match.request_id, Match.status == MatchStatus.PROPOSED,
        Match.turn < match.turn))
    return earlier == 0


def answer(match: Match, volunteer: Volunteer, actor, accept: bool, note: str,
           today: date) -> None:
    """The volunteer accepts (the match becomes active) or declines (the next in turn
    is asked; with nobody left the request is open again)."""
    if match.volunteer_id != volunteer.id or not current_proposal(match):
        raise DomainError(_("This proposal is no longer waiting for your answer."))
    request = get_request(match.request_id)
    match.answered_at = utcnow()
    match.answer_note = note[:300]
    if accept:
        candidate = candidates_for(request, today, [volunteer.id])[0]
        rules = matching.blockers(candidate, need_of(request, today))
        if rules:
            raise DomainError(_("The proposal cannot be accepted now: %(rules)s.",
                                rules="; ".join(rules)))
        _move(match, MatchStatus.ACTIVE, actor, note)
        match.started_on = today
        # the times still free when they accept: another match taken meanwhile keeps its own
        match.schedule = request.slots & candidate.availability
        request.status = RequestStatus.MATCHED
        for other in db.session.scalars(select(Match).where(
                Match.request_id == request.id, Match.status == MatchStatus.PROPOSED,
                Match.id != match.id)):
            _move(other, MatchStatus.WITHDRAWN, actor, _("another volunteer accepted"))
        kind = "match_accepted"
    else:
        _move(match, MatchStatus.DECLINED, actor, note)
        following = db.session.scalar(select(Match).where(
            Match.request_id == request.id, Match.status == MatchStatus.PROPOSED)
            .order_by(Match.turn))
        if following is not None:
            _tell_volunteer(following)
        else:
            request.status = RequestStatus.OPEN
        kind = "match_declined"
    tell(match.proposed_by_id, kind, f"match:{match.id}",
         _l("%(name)s answered a proposal", name=volunteer.first_name),
         url=external_url("volunteers.request_detail", request_id=request.id))


def change_match(match: Match, to: MatchStatus, reason: str, actor, today: date) -> None:
    """The coordinator pauses, resumes or ends a match; ending it opens the request
    again (close the request to stop looking)."""
    allowed = {MatchStatus.ACTIVE: (MatchStatus.PAUSED, MatchStatus.ENDED),
               MatchStatus.PAUSED: (MatchStatus.ACTIVE, MatchStatus.ENDED),
               MatchStatus.PROPOSED: (MatchStatus.WITHDRAWN,)}
    if to not in allowed.get(match.status, ()):
        raise DomainError(_("This match cannot change that way."))
    if to in (MatchStatus.PAUSED, MatchStatus.ENDED, MatchStatus.WITHDRAWN) and not reason:
        raise DomainError(_("Give the reason."), field="reason")
    request = db.session.get(HelpRequest, match.request_id)
    _move(match, to, actor, reason)
    if to == MatchStatus.ENDED:
        match.ended_on = today
        match.end_reason = reason[:300]
    if to in (MatchStatus.ENDED, MatchStatus.WITHDRAWN) and request.status != (
            RequestStatus.CLOSED):
        waiting = db.session.scalar(select(func.count()).select_from(Match).where(
            Match.request_id == request.id, Match.status.in_(
                (*LIVE_MATCH, MatchStatus.PROPOSED)), Match.id != match.id))
        if not waiting:
            request.status = RequestStatus.OPEN
    volunteer = db.session.get(Volunteer, match.volunteer_id)
    tell(volunteer.user_id, f"match_{to.value}", f"match:{match.id}",
         _l("A change in your volunteering"), body=reason,
         url=external_url("volunteers.my_matches"))
    audit(actor, AuditAction.UPDATE, "match", match.id, fields=["status"], detail=to.value)


def matches_of_volunteer(volunteer: Volunteer) -> list[Match]:
    """The volunteer's proposals and matches, waiting and live first; one query."""
    return list(db.session.scalars(
        select(Match).where(Match.volunteer_id == volunteer.id,
                            Match.status.in_((MatchStatus.PROPOSED, *LIVE_MATCH)))
        .options(joinedload(Match.request).joinedload(HelpRequest.person),
                 joinedload(Match.request).joinedload(HelpRequest.household),
                 joinedload(Match.request).joinedload(HelpRequest.district))
        .order_by(case((Match.status == MatchStatus.PROPOSED, 0), else_=1),
                  Match.proposed_at.desc(), Match.id.desc())))


def waiting_for(volunteer: Volunteer) -> set[int]:
    """The volunteer's proposals whose turn it is (no earlier turn still waiting)."""
    earlier = aliased(Match)
    return set(db.session.scalars(select(Match.id).where(
        Match.volunteer_id == volunteer.id, Match.status == MatchStatus.PROPOSED,
        ~select(earlier.id).where(earlier.request_id == Match.request_id,
                                  earlier.status == MatchStatus.PROPOSED,
                                  earlier.turn < Match.turn).exists())))

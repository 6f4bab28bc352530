"""Help requests and matches: recording needs, suggestions, proposals, answers.

The hard rules of volunteers.matching are checked again whenever a proposal is
made or accepted, so no page can get round them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from cal.core.errors import DomainError
from cal.core.timeutil import age_on, utcnow
from cal.core.urls import external_url
from cal.extensions import db
from cal.jobs.outbox import notify
from cal.people.audit import AuditAction, audit
from cal.people.models import District, Household, Person
from volunteers import matching
from volunteers.compliance import State, compliance_items, is_minor
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
IN_ORDER = (State.OK, State.EXPIRING)


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
            match.ended_on = date.today()
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
                         about_child=child, about_adult=adult or household_only)


# Candidates ----------------------------------------------------------------------------

def candidates_for(request: HelpRequest, today: date, volunteer_ids=None) -> list:
    """Every volunteer who has not left, as the rules see them for this request;
    six queries whatever their number."""
    stmt = select(Volunteer).where(Volunteer.status != VolunteerStatus.LEFT)
    if volunteer_ids is not None:
        stmt = stmt.where(Volunteer.id.in_(volunteer_ids))
    volunteers = list(db.session.scalars(stmt))
    ids = [v.id for v in volunteers]
    districts = {d.id: (d.x_km, d.y_km) for d in db.session.scalars(select(District))}
    records: dict[int, list] = {}
    for record in db.session.scalars(select(ComplianceRecord).where(
            ComplianceRecord.volunteer_id.in_(ids), ComplianceRecord.kind.in_(
                (RecordKind.AGREEMENT, RecordKind.REGISTER_CHECK,
                 RecordKind.CRIMINAL_RECORD)))):
        records.setdefault(record.volunteer_id, []).append(record)
    courses = [c for c in active_courses() if request.kind in c.required_kinds()]
    completions: dict[int, list] = {}
    if courses:
        for completion in db.session.scalars(select(TrainingCompletion).where(
                TrainingCompletion.volunteer_id.in_(ids),
                TrainingCompletion.course_id.in_([c.id for c in courses]))):
            completions.setdefault(completion.volunteer_id, []).append(completion)
    # Live matches per volunteer, and whether they helped this family: one query.
    live, helped = {}, set()
    for volunteer_id, count, family in db.session.execute(
            select(Match.volunteer_id,
                   func.sum(case((Match.status.in_(LIVE_MATCH), 1), else_=0)),
                   func.max(case((or_(*_same_family(request)), 1), else_=0)))
            .join(HelpRequest).where(Match.status.in_((*LIVE_MATCH, MatchStatus.ENDED)))
            .group_by(Match.volunteer_id)):
        live[volunteer_id] = count or 0
        if family:
            helped.add(volunteer_id)
    return [_candidate(v, records.get(v.id, []), courses, completions.get(v.id, []),
                       live.get(v.id, 0), v.id in helped, districts, today)
            for v in volunteers]


def _same_family(request: HelpRequest) -> list:
    conditions = []
    if request.person_id:
        conditions.append(HelpRequest.person_id == request.person_id)
    if request.household_id:
        conditions.append(HelpRequest.household_id == request.household_id)
    return conditions or [HelpRequest.id == request.id]


def _candidate(volunteer: Volunteer, records, courses, completions, live: int, helped: bool,
               districts: dict, today: date) -> matching.Candidate:
    kinds = {item.kind: item.state for item in compliance_items(volunteer, records, today)
             if item.kind in (RecordKind.AGREEMENT, RecordKind.REGISTER_CHECK,
                              RecordKind.CRIMINAL_RECORD)}
    valid = {c.course_id for c in completions
             if c.valid_until is None or c.valid_until >= today}
    return matching.Candidate(
        volunteer_id=volunteer.id, name=f"{volunteer.last_name} {volunteer.first_name}",
        active=volunteer.status == VolunteerStatus.ACTIVE, kinds=frozenset(volunteer.kinds()),
        capacity=volunteer.capacity, live=live, minor=is_minor(volunteer, today),
        agreement_ok=kinds.get(RecordKind.AGREEMENT) in IN_ORDER,
        register_ok=kinds.get(RecordKind.REGISTER_CHECK) in IN_ORDER,
        criminal_ok=kinds.get(RecordKind.CRIMINAL_RECORD) in IN_ORDER,
        missing_trainings=tuple(c.name for c in courses if c.id not in valid),
        subjects=frozenset(s for s in volunteer.subjects.split(",") if s),
        grade_from=volunteer.grade_from, grade_to=volunteer.grade_to,
        tasks=frozenset(t for t in volunteer.tasks.split(",") if t),
        availability=volunteer.availability, place=districts.get(volunteer.district_id),
        helped_before=helped)


def suggestions(request: HelpRequest, today: date):
    """Ranked suggestions and blocked volunteers (those who offer this kind of help),
    and how many others do not offer it at all."""
    need = need_of(request, today)
    ranked, blocked = matching.suggest(candidates_for(request, today), need)
    offering = [(c, rules) for c, rules in blocked if need.kind in c.kinds]
    return ranked, offering, len(blocked) - len(offering)


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
        suggestion = matching.score(candidate, need)
        match = Match(request_id=request.id, volunteer_id=volunteer_id, turn=turn,
                      score=suggestion.score,
                      reasons="\n".join(r.text for r in suggestion.reasons),
                      schedule=request.slots & candidate.availability,
                      proposed_by_id=actor.id)
        db.session.add(match)
        db.session.flush()
        _move(match, MatchStatus.PROPOSED, actor)
        made.append(match)
    request.status = RequestStatus.PROPOSED
    _tell_volunteer(made[0])
    audit(actor, AuditAction.CREATE, "match", made[0].id,
          detail=f"request {request.id}: " + ",".join(map(str, volunteer_ids)))
    return made


def _tell_volunteer(match: Match) -> None:
    volunteer = db.session.get(Volunteer, match.volunteer_id)
    notify(volunteer.user_id, "match_proposed", f"match:{match.id}",
           _("A new proposal to help"), url=external_url("volunteers.my_matches"))


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
    notify(match.proposed_by_id, kind, f"match:{match.id}",
           _("%(name)s answered a proposal", name=volunteer.first_name),
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
    notify(volunteer.user_id, f"match_{to.value}", f"match:{match.id}",
           _("A change in your volunteering"), body=reason,
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

"""Help requests and matches: recording needs, proposals, answers, changes of a match.
Who could help is found in candidates.py, and a plan for all the open requests in plan.py.

The hard rules of matching.py are checked again whenever a proposal is made or
accepted, so no page can get round them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.core.timeutil import local_today, utcnow
from cal.core.urls import external_url
from cal.extensions import db
from cal.notifications.outbox import read, tell
from cal.people.models import Household, Person
from volunteers.models import HelpKind, Volunteer
from volunteers.needs import matching
from volunteers.needs.candidates import candidates_for, need_of
from volunteers.needs.models import (
    LIVE_MATCH,
    EndCause,
    HelpRequest,
    Match,
    MatchEvent,
    MatchStatus,
    RequestStatus,
)

REQUEST_FIELDS = ("kind", "subject", "grade", "goal", "tasks", "slots", "district_id",
                  "starts_on", "ends_on", "priority", "referred_by", "notes")
MAX_TURNS = 2


@dataclass(frozen=True)
class RequestFilter:
    kind: HelpKind | None = None
    status: RequestStatus | None = None
    district_id: int | None = None
    child_age_from: int | None = None
    child_age_to: int | None = None
    waited_days: int | None = None


def list_requests(filters: RequestFilter, today: date,
                  limit: int | None = 200) -> list[HelpRequest]:
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
            match.end_reason, match.end_cause = reason[:300], EndCause.OTHER
    request.status = RequestStatus.CLOSED
    request.closed_at = utcnow()
    request.close_reason = reason[:300]
    audit(actor, AuditAction.UPDATE, "help_request", request.id, fields=["status"],
          detail="closed")


def beneficiary(request: HelpRequest):
    return request.person or request.household


def matches_of(request: HelpRequest) -> list[Match]:
    return list(db.session.scalars(
        select(Match).where(Match.request_id == request.id)
        .options(joinedload(Match.volunteer), joinedload(Match.visit_times))
        .order_by(Match.proposed_at.desc(), Match.turn, Match.id)).unique())


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


def _tell_volunteer(match: Match) -> None:
    _tell_of_proposal(match, db.session.get(Volunteer, match.volunteer_id).user_id)


def _tell_of_proposal(match: Match, user_id: int | None) -> None:
    tell(user_id, "match_proposed", f"match:{match.id}",
         _l("A new proposal to help"), url=external_url("needs.my_matches"))


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
    read(volunteer.user_id, f"match:{match.id}")  # the proposal's notice is dealt with
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
         url=external_url("needs.request_detail", request_id=request.id))


def change_match(match: Match, to: MatchStatus, reason: str, actor, today: date,
                 cause: EndCause | None = None) -> None:
    """The coordinator pauses, resumes or ends a match; ending it needs its cause (the
    reason then says more, and must for "other") and opens the request again (close the
    request to stop looking)."""
    allowed = {MatchStatus.ACTIVE: (MatchStatus.PAUSED, MatchStatus.ENDED),
               MatchStatus.PAUSED: (MatchStatus.ACTIVE, MatchStatus.ENDED),
               MatchStatus.PROPOSED: (MatchStatus.WITHDRAWN,)}
    if to not in allowed.get(match.status, ()):
        raise DomainError(_("This match cannot change that way."))
    if to == MatchStatus.ENDED and cause is None:
        raise DomainError(_("Choose why the match ends."), field="cause")
    if not reason and (to in (MatchStatus.PAUSED, MatchStatus.WITHDRAWN)
                       or cause == EndCause.OTHER):
        raise DomainError(_("Give the reason."), field="reason")
    request = db.session.get(HelpRequest, match.request_id)
    _move(match, to, actor, reason)
    if to == MatchStatus.ENDED:
        match.ended_on = today
        match.end_reason = reason[:300]
        match.end_cause = cause
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
         url=external_url("needs.my_matches"))
    audit(actor, AuditAction.UPDATE, "match", match.id, fields=["status"], detail=to.value)


def matches_of_volunteer(volunteer: Volunteer) -> list[Match]:
    """The volunteer's proposals and matches, waiting and live first; one query."""
    return list(db.session.scalars(
        select(Match).where(Match.volunteer_id == volunteer.id,
                            Match.status.in_((MatchStatus.PROPOSED, *LIVE_MATCH)))
        .options(joinedload(Match.request).joinedload(HelpRequest.person),
                 joinedload(Match.request).joinedload(HelpRequest.household),
                 joinedload(Match.request).joinedload(HelpRequest.district),
                 selectinload(Match.visit_times))
        .order_by(case((Match.status == MatchStatus.PROPOSED, 0), else_=1),
                  Match.proposed_at.desc(), Match.id.desc())))


# Made once: an alias made on each call adapts its columns again (a tenth of the
# volunteer's start page).
_EARLIER = aliased(Match)


def _waiting(volunteer: Volunteer):
    return (Match.volunteer_id == volunteer.id, Match.status == MatchStatus.PROPOSED,
            ~select(_EARLIER.id).where(_EARLIER.request_id == Match.request_id,
                                       _EARLIER.status == MatchStatus.PROPOSED,
                                       _EARLIER.turn < Match.turn).exists())


def waiting_for(volunteer: Volunteer) -> set[int]:
    """The volunteer's proposals whose turn it is (no earlier turn still waiting)."""
    return set(db.session.scalars(select(Match.id).where(*_waiting(volunteer))))


def waiting_count(volunteer: Volunteer):
    """How many proposals wait for the volunteer's answer, as a scalar subquery (to be
    read with other counts in one statement)."""
    return select(func.count()).select_from(Match).where(*_waiting(volunteer)).scalar_subquery()


def school_grade(birth_date: date | None, today: date) -> int | None:
    """The primary-school grade of a child born on ``birth_date`` in the school year of
    ``today`` (it starts on 1 September; grade 1 in the year the child turns seven), or
    None outside grades 1–8."""
    if birth_date is None:
        return None
    school_year = today.year if today.month >= 9 else today.year - 1
    grade = school_year - birth_date.year - 6
    return grade if 1 <= grade <= 8 else None

"""Proposals for all the open requests at once: the best plan (assignment.py) shown to a
coordinator, and the chosen proposals made in one step."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cal.core.audit import AuditAction, audit
from cal.core.errors import DomainError
from cal.extensions import db
from volunteers.models import HelpKind, Volunteer
from volunteers.needs import assignment, matching
from volunteers.needs.candidates import need_of, roster
from volunteers.needs.models import HelpRequest, Match, RequestStatus
from volunteers.needs.services import _claim_open, _new_match, _tell_of_proposal


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

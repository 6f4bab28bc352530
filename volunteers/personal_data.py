"""What the volunteers' rooms hold about a data subject (cal/core/rooms.py, RODO): the
volunteers themselves, and a person's help requests and the matches made for them."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select, update

from cal.core.rooms import PersonalData
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Person, SubjectKind
from volunteers.models import (
    LIVE_MATCH,
    ComplianceRecord,
    HelpRequest,
    Match,
    MatchStatus,
    RequestStatus,
    Volunteer,
    VolunteerDocument,
    VolunteerStatus,
)

NOT_ENDED = (MatchStatus.PROPOSED, *LIVE_MATCH)


def related(subject) -> list[tuple[str, list[dict]]]:
    """A person's matches, reached through their help requests."""
    if subject.kind != SubjectKind.PERSON:
        return []
    matches = Match.__table__
    return [("matches", rodo.rows(matches, matches.c.request_id,
                                  subject.ids.get("help_requests", [])))]


def blockers(subject, _held: dict[int, date | None]) -> list[str]:
    live = {status.value for status in NOT_ENDED}
    if any(m["status"] in live for m in subject.sections.get("matches", [])):
        return [_("A match is still proposed, active or paused: end it first.")]
    return []


def anonymise(subject, now: datetime) -> None:
    """A person's open requests are closed; a volunteer leaves, their register checks'
    findings (criminal-record data, RODO art. 10) and their documents' PDFs go."""
    if subject.kind == SubjectKind.PERSON:
        for request in db.session.scalars(select(HelpRequest).where(
                HelpRequest.person_id == subject.record.id,
                HelpRequest.status != RequestStatus.CLOSED)):
            request.status, request.closed_at = RequestStatus.CLOSED, utcnow()
        return
    volunteer = subject.record
    volunteer.application_key = None
    if volunteer.status != VolunteerStatus.LEFT:
        volunteer.status, volunteer.left_at = VolunteerStatus.LEFT, now
        volunteer.status_changed_at = now
    for record in db.session.scalars(select(ComplianceRecord).where(
            ComplianceRecord.volunteer_id == volunteer.id)):
        record.result = None
    db.session.execute(update(VolunteerDocument).where(
        VolunteerDocument.volunteer_id == volunteer.id).values(pdf=b""))


def keeps_person(cutoff: datetime, _held) -> list:
    """A help request still open, or made or closed since the cutoff."""
    return [exists().where(HelpRequest.person_id == Person.id, or_(
        HelpRequest.status != RequestStatus.CLOSED, HelpRequest.created_at >= cutoff,
        HelpRequest.closed_at >= cutoff))]


def past(_kind: str, cutoff: datetime, batch: int) -> list[int]:
    """Volunteers who left before ``cutoff``, without a match still live (which would
    block their erasure, and the batch, sweep after sweep)."""
    return list(db.session.scalars(
        select(Volunteer.id).where(Volunteer.anonymised_at.is_(None),
                                   Volunteer.status == VolunteerStatus.LEFT,
                                   func.coalesce(Volunteer.left_at,
                                                 Volunteer.status_changed_at) < cutoff,
                                   ~exists().where(Match.volunteer_id == Volunteer.id,
                                                   Match.status.in_(NOT_ENDED)))
        .order_by(Volunteer.id).limit(batch)))


PART = PersonalData("volunteers", subjects={SubjectKind.VOLUNTEER.value: Volunteer},
                    related=related, blockers=blockers, anonymise=anonymise,
                    keeps_person=keeps_person, past=past)

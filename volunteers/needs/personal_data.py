"""What the needs room holds about a data subject (cal/core/rooms.py, RODO): a person's
help requests and the matches made for them, and the matches of a volunteer."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from cal.core.rooms import PersonalData
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Person, SubjectKind
from volunteers.needs.models import NOT_ENDED, HelpRequest, Match, RequestStatus


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


def anonymise(subject, _now: datetime) -> None:
    """A person's open requests are closed."""
    if subject.kind != SubjectKind.PERSON:
        return
    for request in db.session.scalars(select(HelpRequest).where(
            HelpRequest.person_id == subject.record.id,
            HelpRequest.status != RequestStatus.CLOSED)):
        request.status, request.closed_at = RequestStatus.CLOSED, utcnow()


def keeps_person(cutoff: datetime, _held) -> list:
    """A help request still open, or made or closed since the cutoff."""
    return [exists().where(HelpRequest.person_id == Person.id, or_(
        HelpRequest.status != RequestStatus.CLOSED, HelpRequest.created_at >= cutoff,
        HelpRequest.closed_at >= cutoff))]


PART = PersonalData("needs", related=related, blockers=blockers, anonymise=anonymise,
                    keeps_person=keeps_person)

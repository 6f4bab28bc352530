"""What the needs room holds about a data subject (cal/core/rooms.py, RODO): a person's
help requests and the matches made for them, with those of their household, and the
matches of a volunteer.

A person's copy shows of a match what concerns them: the volunteer's own answer and why
they were suggested are the volunteer's (art. 15(4)). What the household asked for is
shared with its other members: it is blanked when the last of them is erased."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select, update

from cal.core.rooms import PersonalData
from cal.core.timeutil import utcnow
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Person, SubjectKind
from volunteers.needs.models import NOT_ENDED, HelpRequest, Match, MatchEvent, RequestStatus

# Of a match, what is the volunteer's: left out of the person's copy.
VOLUNTEERS_OWN = {"answer_note", "reasons", "score"}


def _matches_of(requests: list[int]) -> list[dict]:
    matches = Match.__table__
    return [{k: v for k, v in row.items() if k not in VOLUNTEERS_OWN}
            for row in rodo.rows(matches, matches.c.request_id, requests)]


def related(subject) -> list[tuple[str, list[dict]]]:
    """A person's matches, reached through their help requests."""
    if subject.kind != SubjectKind.PERSON:
        return []
    return [("matches", _matches_of(subject.ids.get("help_requests", [])))]


def shared(subject) -> list[tuple[str, list[dict]]]:
    """The help requests made for the person's household, and their matches."""
    household_id = getattr(subject.record, "household_id", None)
    if subject.kind != SubjectKind.PERSON or household_id is None:
        return []
    requests = HelpRequest.__table__
    asked = [row for row in rodo.rows(requests, requests.c.household_id, [household_id])
             if row["person_id"] is None]
    return [("help_requests", asked), ("matches", _matches_of([r["id"] for r in asked]))]


def blockers(subject, _held: dict[int, date | None]) -> list[str]:
    """A live match of the person's (or of a volunteer's), or of their household's when
    no one else of it is left."""
    live = {status.value for status in NOT_ENDED}
    theirs = set(subject.ids.get("matches", []))
    if rodo.last_of_household(subject):
        theirs |= set(subject.shared.get("matches", []))
    if any(m["status"] in live and m["id"] in theirs
           for m in subject.sections.get("matches", [])):
        return [_("A match is still proposed, active or paused: end it first.")]
    return []


def anonymise(subject, _now: datetime) -> None:
    """A person's open requests are closed, and their household's once no one else of it
    is left (their free text blanked); the history of the matches loses its notes, which
    copy the reasons and answers given."""
    requests, matches = [], list(subject.ids.get("matches", []))
    if subject.kind == SubjectKind.PERSON:
        requests = list(subject.ids.get("help_requests", []))
        if rodo.last_of_household(subject):
            household = subject.shared.get("help_requests", [])
            rodo.blank_free_text("help_requests", household)
            rodo.blank_free_text("matches", subject.shared.get("matches", []))
            requests += household
            matches += subject.shared.get("matches", [])
    for request in db.session.scalars(select(HelpRequest).where(
            HelpRequest.id.in_(requests), HelpRequest.status != RequestStatus.CLOSED)
            .execution_options(populate_existing=True)):  # as the blanking above left them
        request.status, request.closed_at = RequestStatus.CLOSED, utcnow()
    if matches:
        db.session.execute(update(MatchEvent).where(MatchEvent.match_id.in_(matches))
                           .values(note=""))


def keeps_person(cutoff: datetime, _held) -> list:
    """A help request of theirs or of their household still open, or made or closed since
    the cutoff."""
    recent = or_(HelpRequest.status != RequestStatus.CLOSED, HelpRequest.created_at >= cutoff,
                 HelpRequest.closed_at >= cutoff)
    return [exists().where(HelpRequest.person_id == Person.id, recent),
            exists().where(HelpRequest.person_id.is_(None),
                           HelpRequest.household_id == Person.household_id, recent)]


PART = PersonalData("needs", related=related, shared=shared, blockers=blockers,
                    anonymise=anonymise, keeps_person=keeps_person)

"""What the follow-up of matches holds about a data subject (cal/core/rooms.py, RODO):
for a person, the contacts about their matches (and their household's) but the talks
with the volunteer, and the check-ins with their voice; for a volunteer, the talks with
them about their matches (the family's voice is the family's, not theirs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select, update

from cal.core.rooms import PersonalData
from cal.extensions import db
from cal.people import rodo
from cal.people.models import Person, SubjectKind
from volunteers.followup.models import CheckIn, ContactKind, MatchContact
from volunteers.needs.models import HelpRequest, Match


def _about(matches: list[int]) -> list[tuple[str, list[dict]]]:
    """The contacts about these matches but the talks with their volunteer (the
    volunteer's), and the check-ins."""
    contacts, check_ins = MatchContact.__table__, CheckIn.__table__
    return [("match_contacts", [row for row in rodo.rows(contacts, contacts.c.match_id, matches)
                                if row["kind"] != ContactKind.VOLUNTEER_TALK.value]),
            ("match_check_ins", rodo.rows(check_ins, check_ins.c.match_id, matches))]


def related(subject) -> list[tuple[str, list[dict]]]:
    contacts = MatchContact.__table__
    if subject.kind == SubjectKind.PERSON:
        requests = subject.ids.get("help_requests", [])
        return _about(list(db.session.scalars(select(Match.id).where(
            Match.request_id.in_(requests)))) if requests else [])
    if subject.kind == SubjectKind.VOLUNTEER:
        talks = [row for row in rodo.rows(contacts, contacts.c.match_id,
                                          subject.ids.get("matches", []))
                 if row["kind"] == ContactKind.VOLUNTEER_TALK.value]
        return [("match_contacts", talks)]
    return []


def shared(subject) -> list[tuple[str, list[dict]]]:
    """The contacts and check-ins about the matches of the person's household."""
    if subject.kind != SubjectKind.PERSON:
        return []
    return _about(subject.shared.get("matches", []))


def anonymise(subject, _now: datetime) -> None:
    """What the family would change is blanked with the notes (the free text the
    erasure blanks everywhere); of the household's, once no one else of it is left."""
    ids = list(subject.ids.get("match_check_ins", []))
    matches = list(subject.ids.get("matches", [])) if subject.kind == SubjectKind.PERSON else []
    if rodo.last_of_household(subject):
        for name in ("match_contacts", "match_check_ins"):
            rodo.blank_free_text(name, subject.shared.get(name, []))
        ids += subject.shared.get("match_check_ins", [])
        matches += subject.shared.get("matches", [])
    if ids:
        db.session.execute(update(CheckIn).where(CheckIn.id.in_(ids)).values(to_change=""))
    if matches:  # the talks with the volunteer are theirs, not in the family's copy, but
        # may speak of the family: their notes go with it
        db.session.execute(update(MatchContact).where(
            MatchContact.match_id.in_(matches),
            MatchContact.kind == ContactKind.VOLUNTEER_TALK).values(note=""))


def keeps_person(cutoff: datetime, _held) -> list:
    """A contact or a check-in about their help since the cutoff."""
    ours = select(Match.id).join(HelpRequest, HelpRequest.id == Match.request_id).where(
        or_(HelpRequest.person_id == Person.id,
            (HelpRequest.person_id.is_(None)) & (HelpRequest.household_id == Person.household_id)))
    return [exists().where(MatchContact.match_id.in_(ours),
                           MatchContact.happened_on >= cutoff.date()),
            exists().where(CheckIn.match_id.in_(ours), CheckIn.held_on >= cutoff.date())]


PART = PersonalData("followup", related=related, shared=shared, anonymise=anonymise,
                    keeps_person=keeps_person)

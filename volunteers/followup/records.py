"""How the audit log names the follow-up of matches (cal.core.rooms.RecordKind): the
volunteer and the person or household of the match, and the day."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.extensions import db
from cal.people.models import Household, Person
from volunteers.followup.models import CheckIn, MatchContact
from volunteers.models import Volunteer
from volunteers.needs.models import HelpRequest, Match


def _source(model, day):
    def rows(ids):
        return db.session.execute(select(
            model.id, model.match_id, day.label("day"), Person.first_name, Person.last_name,
            Household.name.label("household"), Volunteer.first_name.label("v_first"),
            Volunteer.last_name.label("v_last"))
            .join(Match, Match.id == model.match_id)
            .join(HelpRequest, HelpRequest.id == Match.request_id)
            .join(Volunteer, Volunteer.id == Match.volunteer_id)
            .outerjoin(Person, Person.id == HelpRequest.person_id)
            .outerjoin(Household, Household.id == HelpRequest.household_id)
            .where(model.id.in_(ids)))
    return rows


def _words(row) -> str:
    helped = f"{row.first_name} {row.last_name}" if row.first_name else row.household or ""
    return f"{row.v_first} {row.v_last} → {helped}, {row.day:%d.%m.%Y}"


RECORDS = [
    RecordKind("match_contact", _l("Contact about a match"), describer(
        _source(MatchContact, MatchContact.happened_on), _words, "followup.match", "match_id",
        lambda r: r.match_id)),
    RecordKind("match_check_in", _l("Check-in of a match"), describer(
        _source(CheckIn, CheckIn.held_on), _words, "followup.match", "match_id",
        lambda r: r.match_id)),
    RecordKind("check_in_interval", _l("Intervals of check-ins")),
]

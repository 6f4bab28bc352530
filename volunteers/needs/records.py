"""How the audit log names help requests and matches (cal.core.rooms.RecordKind): the
person or household helped, and the volunteer of a match."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.core.rooms import RecordKind, describer
from cal.extensions import db
from cal.people.models import Household, Person
from volunteers.models import Volunteer
from volunteers.needs.models import HelpRequest, Match

_FOR = (Person.first_name, Person.last_name, Household.name.label("household"))


def _requests(ids):
    return db.session.execute(select(HelpRequest.id, HelpRequest.id.label("request_id"), *_FOR)
                              .outerjoin(Person, Person.id == HelpRequest.person_id)
                              .outerjoin(Household, Household.id == HelpRequest.household_id)
                              .where(HelpRequest.id.in_(ids)))


def _matches(ids):
    return db.session.execute(select(
        Match.id, Match.request_id, *_FOR, Volunteer.first_name.label("v_first"),
        Volunteer.last_name.label("v_last"))
        .join(HelpRequest, HelpRequest.id == Match.request_id)
        .join(Volunteer, Volunteer.id == Match.volunteer_id)
        .outerjoin(Person, Person.id == HelpRequest.person_id)
        .outerjoin(Household, Household.id == HelpRequest.household_id)
        .where(Match.id.in_(ids)))


def _helped(row) -> str:
    return f"{row.first_name} {row.last_name}" if row.first_name else row.household or ""


RECORDS = [
    RecordKind("help_request", _l("Help request"), describer(
        _requests, _helped, "needs.request_detail", "request_id")),
    RecordKind("match", _l("Match"), describer(
        _matches, lambda r: f"{r.v_first} {r.v_last} → {_helped(r)}", "needs.request_detail",
        "request_id", lambda r: r.request_id)),
]

"""How the audit log names the community's records (cal.core.rooms.RecordKind): events,
registrations, shifts and who took them, each linked to its event."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.community.models import Event, Registration, Shift, ShiftSignup
from cal.core.rooms import RecordKind, describer
from cal.core.timeutil import to_local
from cal.extensions import db
from volunteers.models import Volunteer


def _registrations(ids):
    return db.session.execute(select(Registration.id, Registration.name, Registration.event_id,
                                     Event.title)
                              .join(Event, Event.id == Registration.event_id)
                              .where(Registration.id.in_(ids)))


def _shifts(ids):
    return db.session.execute(select(Shift.id, Shift.role, Shift.event_id, Event.title)
                              .join(Event, Event.id == Shift.event_id).where(Shift.id.in_(ids)))


def _signups(ids):
    return db.session.execute(select(ShiftSignup.id, Shift.role, Shift.event_id, Event.title,
                                     Volunteer.first_name, Volunteer.last_name)
                              .join(Shift, Shift.id == ShiftSignup.shift_id)
                              .join(Event, Event.id == Shift.event_id)
                              .join(Volunteer, Volunteer.id == ShiftSignup.volunteer_id)
                              .where(ShiftSignup.id.in_(ids)))


def _event(row) -> int:
    return row.event_id


RECORDS = [
    RecordKind("event", _l("Event"), describer(
        Event, lambda e: f"{e.title}, {to_local(e.starts_at):%d.%m.%Y}", "community.event",
        "event_id")),
    RecordKind("event_registration", _l("Registration for an event"), describer(
        _registrations, lambda r: f"{r.name}, {r.title}", "community.event_registrations",
        "event_id", _event)),
    RecordKind("event_shift", _l("Shift at an event"), describer(
        _shifts, lambda r: f"{r.role}, {r.title}", "community.event", "event_id", _event)),
    RecordKind("event_shift_signup", _l("Shift taken"), describer(
        _signups, lambda r: f"{r.first_name} {r.last_name}: {r.role}, {r.title}",
        "community.event", "event_id", _event)),
]

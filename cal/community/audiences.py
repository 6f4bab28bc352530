"""Whom an event's organisers can write to: those registered, and the volunteers on its
shifts (cal.core.reach). Only who may change the event may write to its people."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cal.community.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Shift,
    ShiftSignup,
)
from cal.community.services import may_edit
from cal.core.reach import Audience, Recipient
from cal.core.timeutil import utcnow
from cal.extensions import db
from volunteers.models import Volunteer
from volunteers.services import recipients


def _events(user) -> list[tuple[int, str]]:
    """The events still to come (or under way) that the user may change."""
    rows = db.session.scalars(select(Event).where(
        Event.ends_at >= utcnow(), Event.status != EventStatus.CANCELLED)
        .order_by(Event.starts_at).limit(100))
    return [(e.id, f"{e.title} ({e.starts_at:%d.%m.%Y})") for e in rows if may_edit(e, user)]


def _may(user, ref: int | None) -> bool:
    event = db.session.get(Event, ref) if ref else None
    return event is not None and may_edit(event, user)


def _label(ref: int | None) -> str:
    event = db.session.get(Event, ref) if ref else None
    return event.title if event is not None else ""


def _registrants(ref: int | None) -> list[Recipient]:
    rows = db.session.scalars(select(Registration).where(
        Registration.event_id == ref, Registration.status.in_(
            (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)),
        Registration.anonymised_at.is_(None)).order_by(Registration.id))
    return [Recipient(row.name, book="registration", ref=row.id) for row in rows]


def _on_shift(ref: int | None) -> list[Recipient]:
    """The volunteers on the event's shifts: told in the app and by e-mail; one without an
    account of the platform is listed as not reached."""
    return recipients(Volunteer.id.in_(
        select(ShiftSignup.volunteer_id).join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(Shift.event_id == ref)))


AUDIENCES = [
    Audience("event_registrants", _l("Those registered for an event"), _events, _may,
             _registrants, _label, position=30),
    Audience("event_shifts", _l("The volunteers on an event's shifts"), _events, _may,
             _on_shift, _label, position=40),
]
